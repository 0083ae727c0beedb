"""Orders service: a FastAPI app with a repository and background jobs."""
import asyncio
import logging
from datetime import datetime, timezone
from typing import Optional

import httpx
from fastapi import APIRouter, Depends, FastAPI, HTTPException, status
from pydantic import BaseModel, Field

logger = logging.getLogger(__name__)
router = APIRouter(prefix="/v1/orders", tags=["orders"])


class OrderIn(BaseModel):
    customer_id: int = Field(gt=0)
    sku: str = Field(min_length=1, max_length=64)
    quantity: int = Field(gt=0, le=1000)
    note: Optional[str] = None


class Order(OrderIn):
    id: int
    created_at: datetime


async def get_repository():
    async with Repository.connect() as repo:
        yield repo


@router.post("", status_code=status.HTTP_201_CREATED, response_model=Order)
async def create_order(payload: OrderIn, repo=Depends(get_repository)) -> Order:
    async with httpx.AsyncClient(timeout=5.0) as client:
        stock = await client.get(f"{INVENTORY_URL}/items/{payload.sku}")
    if stock.status_code == 404:
        raise HTTPException(status_code=404, detail="unknown sku")
    order = await repo.insert(payload, created_at=datetime.now(timezone.utc))
    asyncio.create_task(notify(order))
    logger.info("order created", extra={"order_id": order.id})
    return order


@router.get("/{order_id}", response_model=Order)
async def read_order(order_id: int, repo=Depends(get_repository)) -> Order:
    order = await repo.get(order_id)
    if order is None:
        raise HTTPException(status_code=404, detail="not found")
    return order


async def notify(order: Order) -> None:
    for attempt in range(3):
        try:
            async with httpx.AsyncClient(timeout=2.0) as client:
                await client.post(WEBHOOK_URL, json={"id": order.id})
            return
        except httpx.HTTPError:
            await asyncio.sleep(2 ** attempt)


app = FastAPI(title="orders")
app.include_router(router)
