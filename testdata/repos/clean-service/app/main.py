import asyncio
import os

import aiofiles
import httpx
import structlog
from asgi_correlation_id import CorrelationIdMiddleware
from fastapi import FastAPI, Request
from prometheus_fastapi_instrumentator import Instrumentator
from slowapi import Limiter
from slowapi.util import get_remote_address

structlog.configure(processors=[structlog.processors.add_log_level, structlog.processors.JSONRenderer()])
log = structlog.get_logger()

app = FastAPI(debug=os.environ.get("APP_DEBUG") == "1")
app.add_middleware(CorrelationIdMiddleware)
Instrumentator().instrument(app).expose(app)
CA_BUNDLE = os.environ.get("CA_BUNDLE", "/etc/ssl/certs/ca-certificates.crt")
limiter = Limiter(key_func=get_remote_address, default_limits=["100/minute"])
app.state.limiter = limiter


@app.middleware("http")
async def security_headers(request: Request, call_next):
    response = await call_next(request)
    response.headers["Strict-Transport-Security"] = "max-age=63072000; includeSubDomains"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@app.get("/healthz")
async def health():
    return {"status": "ok"}


@app.get("/v1/report")
async def report():
    await asyncio.sleep(0.1)
    async with aiofiles.open("/srv/report.json") as f:
        body = await f.read()
    async with httpx.AsyncClient(verify=CA_BUNDLE, timeout=5) as client:
        upstream = await client.get("https://reports.internal/latest")
    rendered = await asyncio.to_thread(render, body, upstream.text)
    log.info("report.rendered", size=len(rendered), has_token=bool(upstream.headers.get("x-token")))
    return {"report": rendered}


def render(body: str, upstream: str) -> str:
    with open("/srv/template.txt") as f:
        return f.read().format(body=body, upstream=upstream)


if __name__ == "__main__":
    app.run(host="0.0.0.0", port=8000)
