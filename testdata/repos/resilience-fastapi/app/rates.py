"""Exchange rates from the upstream provider."""
import httpx
import requests
from tenacity import retry, stop_after_attempt, wait_exponential

from .settings import RATES_URL

# One client, a bounded timeout, reused by every call.
_client = httpx.Client(timeout=httpx.Timeout(5.0, connect=2.0))


@retry(stop=stop_after_attempt(4), wait=wait_exponential(multiplier=0.2, max=2))
def latest_rates() -> dict[str, float]:
    response = _client.get(RATES_URL)
    response.raise_for_status()
    return response.json()["rates"]


@retry(wait=wait_exponential(multiplier=0.2, max=5))  # expect: retry-without-limit
def convert(amount: float, currency: str) -> float:
    response = requests.get(RATES_URL, params={"amount": amount, "from": currency})  # expect: http-call-without-timeout
    response.raise_for_status()
    return response.json()["rates"]["EUR"]
