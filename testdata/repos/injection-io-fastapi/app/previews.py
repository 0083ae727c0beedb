"""Link previews and webhooks: per route the forgery beside its idiomatic fix."""
from urllib.parse import urlparse

import httpx
import requests
from fastapi import APIRouter, Body, HTTPException

router = APIRouter()
CATALOG_URL = "https://catalog.internal.example.com"
PREVIEW_HOSTS = {"images.example-cdn.com", "static.example.com"}
http_client = httpx.AsyncClient(timeout=5.0)


@router.get("/fetch")
async def fetch(url: str):
    response = await http_client.get(url)  # expect: server-side-request-forgery
    return {"status": response.status_code, "body": response.text[:2000]}


@router.get("/fetch/safe")
async def fetch_safe(url: str):
    if urlparse(url).hostname not in PREVIEW_HOSTS:
        raise HTTPException(status_code=400, detail="host not allowed")
    response = await http_client.get(url, follow_redirects=False)
    return {"status": response.status_code, "body": response.text[:2000]}


@router.post("/webhooks/send-test-webhook")
def test_webhook(payload: dict = Body(...)):
    reply = requests.post(payload["callback"], json={"ping": True}, timeout=5)  # expect: server-side-request-forgery, unvalidated-request-body
    return {"status": reply.status_code}


@router.get("/products/{sku}")
def product(sku: str):
    return requests.get(f"{CATALOG_URL}/products/{sku}", timeout=5).json()


@router.get("/regions/{region}/status")
def region_status(region: str):
    return requests.get("https://%s.status.example.com/v1" % region, timeout=5).json()  # expect: server-side-request-forgery
