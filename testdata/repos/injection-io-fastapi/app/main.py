"""Documents service: stored files, link previews and user accounts."""
import secure
from fastapi import Depends, FastAPI, Request
from slowapi import Limiter
from slowapi.util import get_remote_address
from starlette.middleware.trustedhost import TrustedHostMiddleware

from .auth import current_user
from .files import router as files_router
from .previews import router as previews_router
from .users import router as users_router

app = FastAPI(title="documents")
limiter = Limiter(key_func=get_remote_address)
app.state.limiter = limiter
app.add_middleware(TrustedHostMiddleware, allowed_hosts=["documents.internal"])
secure_headers = secure.Secure()


@app.middleware("http")
async def security_headers(request: Request, call_next):
    response = await call_next(request)
    secure_headers.framework.fastapi(response)
    return response


@app.get("/healthz")
def health():
    return {"status": "ok"}


app.include_router(files_router, prefix="/api/v1/files", dependencies=[Depends(current_user)])
app.include_router(previews_router, prefix="/api/v1/previews", dependencies=[Depends(current_user)])
app.include_router(users_router, prefix="/api/v1/users")
