import os

from app.vault import read_secret

SECRET_KEY = os.environ["DJANGO_SECRET_KEY"]
DATABASE_PASSWORD = os.getenv("DATABASE_PASSWORD")
STRIPE_API_KEY = os.environ.get("STRIPE_API_KEY")
SENTRY_TOKEN = read_secret("sentry/token")
API_KEY = "your-api-key"
ADMIN_PASSWORD = "changeme"
JWT_SECRET = "${JWT_SECRET}"
WEBHOOK_SECRET = "{{ webhook_secret }}"
PAYMENT_TOKEN = "<token>"
SMTP_PASSWORD = "REDACTED"
LEGACY_TOKEN = "xxxxxxxxxxxxxxxxxxxxxxxx"
PASSWORD_FIELD = "password"
PASSWORD_MIN_LENGTH = 12
PASSWORD_RESET_URL = "https://acme.io/reset-password"
TOKEN_TYPE = "Bearer"
TOKEN_HEADER = "X-Api-Token"
SECRET_NAME = "orders/prod/db"
RELEASE_COMMIT = "8819afd350e3dba2e6c67710ce7238553bc2a311"
STATIC_ETAG = "8741d4a429738cbd523aca4296ac4344"
ARCHIVE_CHECKSUM = "c6d6913f13ccb900958fe20ef124a3734ae106c1cafffbb48ae8f95a96401213"
REQUEST_ID = "d997abfe-3348-4c8c-9608-d176b47c5257"
ADMIN_PASSWORD_HASH = "pbkdf2_sha256$870000$UKjuZSibyToBcCcRtIiGKr$ZP5uycSEOyyHywHU3f8iLN9x3da50i68VFpVh+3S0+c="
DEFAULT_USER_PASSWORD_HASH = "$2b$12$UrQdMftdK7Z9Z2AOyxpz.Yyj1v3X.n7e90me.BU/vs7PeHZXTPlbl"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]
