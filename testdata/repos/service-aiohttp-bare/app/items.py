"""Inventory items."""
from aiohttp import web

from .auth import require_auth

routes = web.RouteTableDef()
ITEMS: dict[int, dict] = {}


@routes.get("/items")
async def list_items(request):
    return web.json_response(list(ITEMS.values()))


@routes.delete("/items/{item_id}")
@require_auth
async def delete_item(request):
    ITEMS.pop(int(request.match_info["item_id"]), None)
    return web.Response()
