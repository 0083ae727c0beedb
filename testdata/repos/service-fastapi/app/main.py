"""Entry point: the catalog API, its middleware and its routers."""
import logging.config

from asgi_correlation_id import CorrelationIdMiddleware
from fastapi import FastAPI
from prometheus_fastapi_instrumentator import Instrumentator
from slowapi import _rate_limit_exceeded_handler
from slowapi.errors import RateLimitExceeded
from slowapi.middleware import SlowAPIMiddleware

from app.limits import limiter
from app.routers import health, items, users
from app.security import SecurityHeadersMiddleware

logging.config.dictConfig({
    "version": 1,
    "filters": {"correlation_id": {"()": "asgi_correlation_id.CorrelationIdFilter"}},
    "formatters": {"json": {"()": "pythonjsonlogger.jsonlogger.JsonFormatter"}},
    "handlers": {"stdout": {"class": "logging.StreamHandler", "formatter": "json", "filters": ["correlation_id"]}},
    "root": {"handlers": ["stdout"], "level": "INFO"},
})

app = FastAPI(title="Catalog", version="1.0.0")
app.state.limiter = limiter
app.add_exception_handler(RateLimitExceeded, _rate_limit_exceeded_handler)
app.add_middleware(SlowAPIMiddleware)
app.add_middleware(SecurityHeadersMiddleware)
app.add_middleware(CorrelationIdMiddleware)
Instrumentator().instrument(app).expose(app, include_in_schema=False)

app.include_router(health.router)
app.include_router(users.router, prefix="/api/v1")
app.include_router(items.router, prefix="/api/v1")
