"""User accounts."""
from fastapi import APIRouter, Depends, HTTPException, Query, Request, status
from pydantic import BaseModel

from app.auth import get_current_user
from app.limits import limiter
from app.store import USERS, page

router = APIRouter(prefix="/users", tags=["users"])


class UserIn(BaseModel):
    email: str
    name: str


@router.get("")
async def list_users(limit: int = Query(20, le=100), offset: int = 0):
    return await page(USERS, limit, offset)


@router.get("/{user_id}")
async def get_user(user_id: int):
    if user_id not in USERS:
        raise HTTPException(status_code=status.HTTP_404_NOT_FOUND)
    return USERS[user_id]


@router.post("", status_code=status.HTTP_201_CREATED)
@limiter.limit("10/minute")
async def create_user(request: Request, payload: UserIn, user: dict = Depends(get_current_user)):
    user_id = len(USERS) + 1
    USERS[user_id] = {"id": user_id, **payload.model_dump()}
    return USERS[user_id]


@router.delete("/{user_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_user(user_id: int, user: dict = Depends(get_current_user)):
    USERS.pop(user_id, None)
