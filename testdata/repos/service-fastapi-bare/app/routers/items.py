"""Catalog items."""
from fastapi import APIRouter, Depends
from pydantic import BaseModel

from app.auth import get_current_user
from app.store import ITEMS

router = APIRouter(prefix="/items", tags=["items"])


class ItemIn(BaseModel):
    title: str
    price_cents: int


@router.get("")
async def list_items():
    return list(ITEMS.values())


@router.post("")
async def create_item(payload: ItemIn, user: dict = Depends(get_current_user)):
    item_id = len(ITEMS) + 1
    ITEMS[item_id] = {"id": item_id, **payload.model_dump()}
    return ITEMS[item_id]
