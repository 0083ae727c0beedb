"""An in-memory store standing in for the database."""
USERS: dict[int, dict] = {}
ORDERS: dict[int, dict] = {}


def page(table, page_number, per_page):
    rows = list(table.values())
    start = (page_number - 1) * per_page
    return rows[start : start + per_page]
