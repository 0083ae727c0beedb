from fastapi import Header, HTTPException
from jose import JWTError, jwt

from .settings import JWT_KEY


def current_user(authorization: str = Header(...)):
    try:
        claims = jwt.decode(authorization.removeprefix("Bearer "), JWT_KEY, algorithms=["HS256"])
    except JWTError as error:
        raise HTTPException(status_code=401) from error
    return claims["sub"]
