"""Inventory items."""
from aiohttp import web

from .auth import require_auth

routes = web.RouteTableDef()
ITEMS: dict[int, dict] = {}


@routes.get("/items")
async def list_items(request):
    page = int(request.query.get("page", 1))
    rows = list(ITEMS.values())[(page - 1) * 20 : page * 20]
    return web.json_response(rows)


@routes.delete("/items/{item_id}")
@require_auth
async def delete_item(request):
    ITEMS.pop(int(request.match_info["item_id"]), None)
    return web.Response(status=204)
