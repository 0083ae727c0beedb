import os
from dataclasses import dataclass


@dataclass(frozen=True)
class Settings:
    inventory_url: str = os.environ.get("INVENTORY_URL", "http://inventory:8080")
    payments_url: str = os.environ.get("PAYMENTS_URL", "https://payments.internal")


DEBUG = os.environ.get("APP_DEBUG", "0") == "1"
settings = Settings()
