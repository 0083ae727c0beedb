"""Entry point: the catalog API, its middleware and its routers."""
from fastapi import FastAPI
from slowapi import _rate_limit_exceeded_handler
from slowapi.errors import RateLimitExceeded
from slowapi.middleware import SlowAPIMiddleware

from app.limits import limiter
from app.routers import health, items, users
from app.security import SecurityHeadersMiddleware

app = FastAPI(title="Catalog", version="1.0.0")
app.state.limiter = limiter
app.add_exception_handler(RateLimitExceeded, _rate_limit_exceeded_handler)
app.add_middleware(SlowAPIMiddleware)
app.add_middleware(SecurityHeadersMiddleware)

app.include_router(health.router)
app.include_router(users.router, prefix="/api/v1")
app.include_router(items.router, prefix="/api/v1")
