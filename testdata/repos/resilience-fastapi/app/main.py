"""Quotes service: prices orders with the rates of an upstream provider."""
import secure
from fastapi import Depends, FastAPI, Request
from slowapi import Limiter
from slowapi.util import get_remote_address
from starlette.middleware.trustedhost import TrustedHostMiddleware

from .auth import current_user
from .rates import convert, latest_rates

app = FastAPI(title="quotes")
limiter = Limiter(key_func=get_remote_address)
app.state.limiter = limiter
app.add_middleware(TrustedHostMiddleware, allowed_hosts=["quotes.internal"])
secure_headers = secure.Secure()


@app.middleware("http")
async def security_headers(request: Request, call_next):
    response = await call_next(request)
    secure_headers.framework.fastapi(response)
    return response

SUPPORTED = ("EUR", "USD", "GBP")
_quote_cache: dict[str, float] = {}


@app.get("/healthz")
def health():
    return {"status": "ok"}


@app.get("/api/v1/rates")
def rates():
    return {code: rate for code, rate in latest_rates().items() if code in SUPPORTED}


@app.post("/api/v1/quotes", status_code=201)
def quote(order: dict, user=Depends(current_user)):
    key = f"{order['currency']}:{order['amount']}"
    if key not in _quote_cache:
        _quote_cache[key] = convert(order["amount"], order["currency"])  # expect: handler-mutates-module-state
    return {"amount": _quote_cache[key], "user": user}
