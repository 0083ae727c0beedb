"""Account tokens and password storage for the accounts service."""
import hashlib
import os
import random
import secrets
import string
from datetime import datetime, timedelta, timezone

import jwt
from argon2 import PasswordHasher
from jose import jwt as jose_jwt

SECRET = os.environ["JWT_SECRET"]
PUBLIC_KEY = os.environ["JWT_PUBLIC_KEY"]
ph = PasswordHasher()


def hash_password_legacy(password: str, salt: str) -> str:
    return hashlib.sha256((salt + password).encode()).hexdigest()  # expect: weak-password-hash


def hash_password(password: str) -> str:
    return ph.hash(password)


def etag(body: bytes) -> str:
    return hashlib.md5(body, usedforsecurity=False).hexdigest()


def issue_access_token(user) -> str:
    claims = {
        "sub": str(user.id),
        "exp": datetime.now(tz=timezone.utc) + timedelta(minutes=15),
    }
    return jwt.encode(claims, SECRET, algorithm="HS256")


def issue_service_token(service: str) -> str:
    return jwt.encode({"iss": "accounts", "sub": service}, SECRET, algorithm="HS256")  # expect: jwt-without-expiry


def current_user(token: str):
    claims = jwt.decode(token, options={"verify_signature": False})  # expect: jwt-verification-disabled
    return User.objects.get(pk=claims["sub"])


def verified_user(token: str):
    claims = jwt.decode(token, PUBLIC_KEY, algorithms=["RS256"], audience="accounts")
    return User.objects.get(pk=claims["sub"])


def cognito_claims(token: str, keys: dict):
    kid = jose_jwt.get_unverified_header(token)["kid"]
    return jose_jwt.decode(token, keys[kid], algorithms=["RS256"])


def create_reset_token(user) -> None:
    user.reset_token = "".join(random.choices(string.ascii_letters + string.digits, k=32))  # expect: insecure-random-token
    user.save()


def create_invite_token(user) -> None:
    user.invite_token = secrets.token_urlsafe(32)
    user.save()


def retry_delay(attempt: int) -> float:
    return min(30.0, 2**attempt) * random.random()
