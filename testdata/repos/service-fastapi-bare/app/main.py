"""Entry point: the catalog API and its routers."""
from fastapi import FastAPI

from app.routers import items, users

app = FastAPI(title="Catalog")

app.include_router(users.router)
app.include_router(items.router)
