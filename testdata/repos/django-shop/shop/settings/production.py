from .base import *  # noqa: F401,F403

# Temporarily on to chase a 500 in checkout.
DEBUG = True
SECURE_SSL_REDIRECT = True
