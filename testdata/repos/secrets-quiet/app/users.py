from dataclasses import dataclass


@dataclass
class User:
    email: str
    password_hash: str


SEED_USERS = [
    User(email="ops@acme.io", password_hash="$argon2id$v=19$m=65536,t=3,p=4$I9eMRj2vwm+Ng/QTNAhw4w$DwFWd0iteWMxzmc4u/I3dMfuRTRc5V1H/wVb0QGvf1Y"),
    User(email="bot@acme.io", password_hash="$scrypt$ln=16,r=8,p=1$k2OoqAS+4COhMrM8N8aNZw$JA+i9pI3uQuhWwv/om57Xpje+0w2yuLDFk2HkEYzuRM"),
]


def login_form():
    return {"fields": ["username", "password"], "password": ""}
