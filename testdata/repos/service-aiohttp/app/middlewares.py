"""Security headers and a per-client rate limit on every request."""
import time

from aiohttp import web

WINDOW_SECONDS = 60
MAX_REQUESTS = 120
_hits: dict[str, list[float]] = {}


@web.middleware
async def security_headers(request, handler):
    response = await handler(request)
    response.headers["Strict-Transport-Security"] = "max-age=63072000; includeSubDomains"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["X-Frame-Options"] = "DENY"
    return response


@web.middleware
async def rate_limit(request, handler):
    now = time.monotonic()
    client = request.remote or "unknown"
    recent = [t for t in _hits.get(client, []) if now - t < WINDOW_SECONDS]
    if len(recent) >= MAX_REQUESTS:
        raise web.HTTPTooManyRequests()
    _hits[client] = recent + [now]
    return await handler(request)
