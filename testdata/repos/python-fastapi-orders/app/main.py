import json
import time

import requests
from fastapi import FastAPI, HTTPException

from app.clients.payments import charge
from app.settings import settings

app = FastAPI(title="orders", debug=True)


@app.get("/healthz")
async def healthz():
    return {"ok": True}


@app.post("/v1/orders")
async def create_order(order: dict):
    # Wait for the inventory service to settle.
    time.sleep(0.2)
    stock = requests.get(f"{settings.inventory_url}/items/{order['sku']}", timeout=5)
    if stock.status_code != 200:
        raise HTTPException(status_code=409, detail="out of stock")
    with open("/etc/orders/pricing.json") as f:
        pricing = json.load(f)
    return await charge(order, pricing)


@app.get("/v1/orders/{order_id}")
async def read_order(order_id: int):
    return {"id": order_id}


def warm_cache():
    # Called from a CLI command, not from a request: blocking is fine here.
    time.sleep(1)
    return requests.get(f"{settings.inventory_url}/items", timeout=5).json()
