"""Bearer-token authentication for state-changing handlers."""
import functools
import os

import jwt
from aiohttp import web


def require_auth(handler):
    @functools.wraps(handler)
    async def wrapper(request):
        token = request.headers.get("Authorization", "").removeprefix("Bearer ")
        try:
            request["user"] = jwt.decode(token, os.environ["JWT_SECRET"], algorithms=["HS256"])
        except jwt.PyJWTError as error:
            raise web.HTTPUnauthorized() from error
        return await handler(request)

    return wrapper
