"""User accounts."""
from aiohttp import web

from .auth import require_auth

routes = web.RouteTableDef()
USERS: dict[int, dict] = {}
PROFILES: dict[int, dict] = {}


@routes.get("/users")
async def list_users(request):
    return web.json_response(list(USERS.values()))


@routes.post("/users")
async def create_user(request):
    payload = await request.json()
    user_id = len(USERS) + 1
    USERS[user_id] = {"id": user_id, **payload}
    return web.json_response(USERS[user_id])


@routes.get("/userProfiles")
@require_auth
async def list_profiles(request):
    return web.json_response(list(PROFILES.values()))
