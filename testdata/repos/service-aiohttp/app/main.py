"""Entry point: the inventory service, its middleware and the versioned API."""
from aiohttp import web

from . import items, users
from .middlewares import rate_limit, security_headers


async def healthz(request):
    return web.json_response({"status": "ok"})


def create_app():
    app = web.Application(middlewares=[security_headers, rate_limit])
    app.router.add_get("/healthz", healthz)
    api = web.Application()
    api.add_routes(users.routes)
    api.add_routes(items.routes)
    app.add_subapp("/api/v1", api)
    return app


if __name__ == "__main__":
    web.run_app(create_app(), port=8080)
