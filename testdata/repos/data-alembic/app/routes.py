"""Orders API, versioned under /api/v1."""
import os
from typing import Annotated

import jwt
from fastapi import APIRouter, Depends, HTTPException, Query, status
from fastapi.security import OAuth2PasswordBearer
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from app.db import get_session
from app.models import Order, User

router = APIRouter(prefix="/api/v1")
oauth2_scheme = OAuth2PasswordBearer(tokenUrl="/api/v1/token")
DbSession = Annotated[Session, Depends(get_session)]


def current_user(session: DbSession, token: str = Depends(oauth2_scheme)) -> User:
    try:
        claims = jwt.decode(token, os.environ["JWT_SECRET"], algorithms=["HS256"])
    except jwt.PyJWTError as error:
        raise HTTPException(status_code=status.HTTP_401_UNAUTHORIZED) from error
    user = session.query(User).filter_by(email=claims["sub"]).first()
    if user is None:
        raise HTTPException(status_code=status.HTTP_401_UNAUTHORIZED)
    return user


CurrentUser = Annotated[User, Depends(current_user)]


@router.get("/orders")
def list_orders(session: DbSession, user: CurrentUser, limit: int = Query(50, le=200), offset: int = 0):
    stmt = select(Order).where(Order.user_id == user.id).limit(limit).offset(offset)
    return session.scalars(stmt).all()


@router.get("/orders/{order_id}")
def get_order(order_id: int, session: DbSession, user: CurrentUser):
    order = session.get(Order, order_id)
    if order is None or order.user_id != user.id:
        raise HTTPException(status_code=status.HTTP_404_NOT_FOUND)
    return order


@router.get("/orders/by-reference/{reference}")
def order_by_reference(reference: str, session: DbSession, user: CurrentUser):
    order = session.scalars(select(Order).where(Order.reference == reference)).first()
    if order is None:
        raise HTTPException(status_code=status.HTTP_404_NOT_FOUND)
    return order


@router.get("/admin/orders")
def orders_by_status(order_status: str, session: DbSession, user: CurrentUser, limit: int = Query(50, le=200)):
    stmt = select(Order).where(Order.status == order_status).limit(limit)  # expect: query-on-unindexed-column
    return session.scalars(stmt).all()


@router.get("/admin/orders/recent")
def recent_orders(session: DbSession, user: CurrentUser, limit: int = Query(20, le=100)):
    stmt = select(Order).order_by(Order.created_at.desc()).limit(limit)  # expect: query-on-unindexed-column
    return session.scalars(stmt).all()


@router.get("/admin/coupons/{code}/usage")
def coupon_usage(code: str, session: DbSession, user: CurrentUser):
    used = session.execute(
        text("SELECT count(*) FROM orders WHERE coupon_code = :code"),  # expect: query-on-unindexed-column
        {"code": code},
    ).scalar_one()
    return {"code": code, "orders": used}


@router.get("/admin/users")
def users_named(name: str, session: DbSession, user: CurrentUser, limit: int = Query(20, le=100)):
    return session.query(User).filter_by(display_name=name).limit(limit).all()  # expect: query-on-unindexed-column
