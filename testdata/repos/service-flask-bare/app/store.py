"""An in-memory store standing in for the database."""
USERS: dict[int, dict] = {}
ORDERS: dict[int, dict] = {}
PROFILES: dict[int, dict] = {}
