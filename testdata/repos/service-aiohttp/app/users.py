"""User accounts."""
from aiohttp import web

from .auth import require_auth

routes = web.RouteTableDef()
USERS: dict[int, dict] = {}


@routes.get("/users")
async def list_users(request):
    limit = min(int(request.query.get("limit", 20)), 100)
    offset = int(request.query.get("offset", 0))
    rows = list(USERS.values())[offset : offset + limit]
    return web.json_response(rows)


@routes.get("/users/{user_id}")
async def get_user(request):
    user_id = int(request.match_info["user_id"])
    return web.json_response(USERS.get(user_id, {}))


@routes.post("/users")
@require_auth
async def create_user(request):
    payload = await request.json()
    user_id = len(USERS) + 1
    USERS[user_id] = {"id": user_id, **payload}
    return web.json_response(USERS[user_id], status=201)
