"""Entry point: the inventory service and its API."""
from aiohttp import web

from . import items, users


def create_app():
    app = web.Application()
    api = web.Application()
    api.add_routes(users.routes)
    api.add_routes(items.routes)
    app.add_subapp("/api", api)
    return app


if __name__ == "__main__":
    web.run_app(create_app(), port=8080)
