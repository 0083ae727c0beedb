"""Root URL-conf: the health probe and the versioned API."""
from django.urls import include, path

from . import views

urlpatterns = [
    path("healthz", views.healthz),
    path("api/v1/", include("catalog.urls")),
]
