"""An in-memory store standing in for the database."""
USERS: dict[int, dict] = {}
ITEMS: dict[int, dict] = {}


async def page(table: dict[int, dict], limit: int, offset: int) -> list[dict]:
    return list(table.values())[offset : offset + limit]
