from typing import Any

from fastapi import Body, Depends, FastAPI, Request
from pydantic import BaseModel, EmailStr
from sqlalchemy.orm import Session

from .db import get_db
from .mailing import mailing_list
from .models import Subscriber
from .schemas import MailerEvent

app = FastAPI()


class SubscriberIn(BaseModel):
    email: EmailStr
    name: str | None = None


# Bad: the raw JSON of the request, used field by field.
@app.post("/webhooks/mailer", status_code=202)
async def mailer_webhook(request: Request):
    event = await request.json()
    if event["type"] == "unsubscribe":  # expect: unvalidated-request-body
        await mailing_list.unsubscribe(event["email"])
    return {"ok": True}


# Bad: a `dict` body is not validated by FastAPI and becomes the row.
@app.post("/subscribers", status_code=201)
def create_subscriber(payload: dict[str, Any] = Body(...), db: Session = Depends(get_db)):
    subscriber = Subscriber(**payload)  # expect: mass-assignment
    db.add(subscriber)
    db.commit()
    return {"id": subscriber.id}


# Fix: a typed Pydantic parameter; only its fields reach the row.
@app.post("/v2/subscribers", status_code=201)
def create_subscriber_v2(payload: SubscriberIn, db: Session = Depends(get_db)):
    subscriber = Subscriber(**payload.model_dump(exclude_unset=True))
    db.add(subscriber)
    db.commit()
    return {"id": subscriber.id}


# Fix: the raw body validated by a model before use.
@app.post("/v2/webhooks/mailer", status_code=202)
async def mailer_webhook_v2(request: Request):
    event = MailerEvent.model_validate(await request.json())
    if event.type == "unsubscribe":
        await mailing_list.unsubscribe(event.email)
    return {"ok": True}
