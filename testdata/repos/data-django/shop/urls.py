"""Root URL-conf: the health probe and the versioned API."""
from django.urls import include, path
from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("orders", views.OrderViewSet, basename="order")

urlpatterns = [
    path("healthz", views.healthz),
    path("api/v1/", include(router.urls)),
    path("api/v1/customers/lookup", views.customer_by_email),
    path("api/v1/orders/by-reference/<str:reference>", views.order_by_reference),
    path("api/v1/orders/pending", views.pending_orders),
    path("api/v1/products/active", views.active_products),
    path("api/v1/customers/report", views.customer_report),
]
