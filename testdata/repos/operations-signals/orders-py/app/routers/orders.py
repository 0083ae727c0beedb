import structlog
from fastapi import APIRouter, Header

from app import payments

log = structlog.get_logger()
router = APIRouter()


@router.post("/orders")
async def create_order(body: dict, authorization: str = Header()):
    print("create_order", body)  # expect: print-in-service-code
    log.info("order.create", customer=body.get("customer_id"), token=authorization)  # expect: secret-logged
    log.info("order.create", customer=body.get("customer_id"), has_token=bool(authorization))
    return payments.charge(body)


@router.get("/orders/{order_id}")
async def get_order(order_id: int):
    log.info("order.get", order_id=order_id)
    return {"id": order_id}
