import logging

from fastapi import FastAPI, HTTPException, Response

from .auth import create_access_token, authenticate
from .invoices import InvoiceNotFound, load_invoice

logger = logging.getLogger(__name__)
app = FastAPI()


@app.post("/v1/token")
async def token(response: Response, form: LoginForm):
    user = await authenticate(form.username, form.password)
    access = create_access_token(user.id)
    response.set_cookie(key="access_token", value=access, httponly=True, samesite="lax")  # expect: insecure-cookie
    response.set_cookie(key="locale", value=form.locale)
    return {"ok": True}


@app.post("/v1/session")
async def session(response: Response, form: LoginForm):
    user = await authenticate(form.username, form.password)
    response.set_cookie(key="session", value=user.session_id, httponly=True, secure=True, samesite="strict")
    return {"ok": True}


@app.get("/v1/invoices/{invoice_id}")
async def invoice(invoice_id: int):
    try:
        return await load_invoice(invoice_id)
    except InvoiceNotFound as e:
        raise HTTPException(status_code=404, detail=str(e))
    except Exception as e:
        raise HTTPException(status_code=500, detail=f"invoice lookup failed: {e}")  # expect: error-details-leaked


@app.get("/v1/invoices/{invoice_id}/pdf")
async def invoice_pdf(invoice_id: int):
    try:
        return await render_pdf(invoice_id)
    except Exception:
        logger.exception("rendering invoice %s failed", invoice_id)
        raise HTTPException(status_code=500, detail="Internal server error")
