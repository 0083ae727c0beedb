"""An in-memory store standing in for the database."""
USERS: dict[int, dict] = {}
ITEMS: dict[int, dict] = {}
PROFILES: dict[int, dict] = {}
