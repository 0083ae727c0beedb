from aiohttp import web

from .schemas import TicketSchema
from .store import tickets


# Bad: aiohttp JSON body stored unchecked.
async def open_ticket(request):
    body = await request.json()
    ticket_id = await tickets.insert(subject=body["subject"], text=body["text"])  # expect: unvalidated-request-body
    return web.json_response({"id": ticket_id}, status=201)


# Fix: a Marshmallow schema loads the body first.
async def open_ticket_v2(request):
    data = TicketSchema().load(await request.json())
    ticket_id = await tickets.insert(subject=data["subject"], text=data["text"])
    return web.json_response({"id": ticket_id}, status=201)


def setup(app):
    app.router.add_post("/tickets", open_ticket)
    app.router.add_post("/v2/tickets", open_ticket_v2)
