import httpx
import requests

from app.settings import settings


async def charge(order: dict, pricing: dict) -> dict:
    async with httpx.AsyncClient(base_url=settings.payments_url, verify=False, timeout=10) as client:
        response = await client.post("/charges", json={"order": order, "pricing": pricing})
    return response.json()


def refund(charge_id: str) -> dict:
    response = requests.post(
        f"{settings.payments_url}/refunds",
        json={"charge": charge_id},
        verify=False,
        timeout=10,
    )
    return response.json()


def receipt(charge_id: str) -> bytes:
    return requests.get(
        f"{settings.payments_url}/receipts/{charge_id}",
        verify="/etc/ssl/payments-ca.pem",
        timeout=10,
    ).content
