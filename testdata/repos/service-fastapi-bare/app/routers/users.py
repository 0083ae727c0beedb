"""User accounts."""
from fastapi import APIRouter, Depends
from pydantic import BaseModel

from app.auth import get_current_user
from app.store import PROFILES, USERS

router = APIRouter(prefix="/users", tags=["users"])


class UserIn(BaseModel):
    email: str
    name: str


@router.get("")
async def list_users():
    return list(USERS.values())


@router.post("")
async def create_user(payload: UserIn):
    user_id = len(USERS) + 1
    USERS[user_id] = {"id": user_id, **payload.model_dump()}
    return USERS[user_id]


@router.get("/userProfiles")
async def list_profiles(user: dict = Depends(get_current_user)):
    return list(PROFILES.values())


@router.delete("/{user_id}")
async def delete_user(user_id: int, user: dict = Depends(get_current_user)):
    USERS.pop(user_id, None)
