"""Catalog items."""
from typing import Annotated

from fastapi import APIRouter, Depends, Query, status
from pydantic import BaseModel

from app.auth import get_current_user
from app.store import ITEMS, page

router = APIRouter(prefix="/items", tags=["items"])
CurrentUser = Annotated[dict, Depends(get_current_user)]


class ItemIn(BaseModel):
    title: str
    price_cents: int


@router.get("")
async def list_items(page_number: Annotated[int, Query(alias="page", ge=1)] = 1, limit: int = 20):
    return await page(ITEMS, limit, (page_number - 1) * limit)


@router.post("", status_code=status.HTTP_201_CREATED)
async def create_item(payload: ItemIn, user: CurrentUser):
    item_id = len(ITEMS) + 1
    ITEMS[item_id] = {"id": item_id, **payload.model_dump()}
    return ITEMS[item_id]


@router.patch("/{item_id}")
async def update_item(item_id: int, payload: ItemIn, user: CurrentUser):
    ITEMS[item_id] = {"id": item_id, **payload.model_dump()}
    return ITEMS[item_id]
