"""Settings of the shop service; secrets and hosts come from the environment."""
import os

SECRET_KEY = os.environ["DJANGO_SECRET_KEY"]
DEBUG = os.environ.get("DJANGO_DEBUG") == "1"
ALLOWED_HOSTS = os.environ.get("DJANGO_ALLOWED_HOSTS", "").split(",")

ROOT_URLCONF = "shop.urls"
WSGI_APPLICATION = "shop.wsgi.application"

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "rest_framework",
    "catalog",
]

MIDDLEWARE = [
    "django.middleware.common.CommonMiddleware",
]

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework_simplejwt.authentication.JWTAuthentication",
    ],
}

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": os.environ.get("POSTGRES_DB", "shop"),
        "HOST": os.environ.get("POSTGRES_HOST", "localhost"),
        "USER": os.environ.get("POSTGRES_USER", "shop"),
        "PASSWORD": os.environ["POSTGRES_PASSWORD"],
    }
}
