"""Users in MongoDB: per route the operator injection beside its idiomatic fix."""
from fastapi import APIRouter, Body, Depends, HTTPException, Request
from motor.motor_asyncio import AsyncIOMotorClient
from pydantic import BaseModel

from .auth import current_user

router = APIRouter()
db = AsyncIOMotorClient("mongodb://mongo:27017").documents


class Login(BaseModel):
    email: str
    password_hash: str


@router.post("/login")
async def login(request: Request):
    data = await request.json()
    user = await db.users.find_one({"email": data["email"], "password_hash": data["password_hash"]})  # expect: nosql-injection, unvalidated-request-body
    if user is None:
        raise HTTPException(status_code=401)
    return {"id": str(user["_id"])}


@router.post("/v2/login")
async def login_safe(body: Login):
    user = await db.users.find_one({"email": body.email, "password_hash": body.password_hash})
    if user is None:
        raise HTTPException(status_code=401)
    return {"id": str(user["_id"])}


@router.post("/search")
async def search(filters: dict = Body(...), user=Depends(current_user)):
    return await db.users.find(filters, {"password_hash": 0}).to_list(50)  # expect: nosql-injection, unvalidated-request-body


@router.get("/by-name")
async def by_name(name: str, limit: int = 50, user=Depends(current_user)):
    return await db.users.find({"name": name}, {"password_hash": 0}).to_list(min(limit, 100))


@router.post("/strict-search")
async def search_safe(request: Request, user=Depends(current_user)):
    data = await request.json()
    return await db.users.find({"name": str(data.get("name", ""))}, {"password_hash": 0}).to_list(50)  # expect: unvalidated-request-body
