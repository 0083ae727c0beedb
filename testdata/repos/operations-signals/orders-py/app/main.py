import structlog
from asgi_correlation_id import CorrelationIdMiddleware
from fastapi import FastAPI
from prometheus_fastapi_instrumentator import Instrumentator

from app.routers import orders

structlog.configure(processors=[structlog.contextvars.merge_contextvars, structlog.processors.JSONRenderer()])

app = FastAPI(title="orders")
app.add_middleware(CorrelationIdMiddleware)
Instrumentator().instrument(app).expose(app)
app.include_router(orders.router, prefix="/v1")
print("orders routes registered")
