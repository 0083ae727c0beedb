"""Shop API views."""
from datetime import timedelta

from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from rest_framework import serializers, viewsets
from rest_framework.decorators import api_view
from rest_framework.response import Response

from .models import Customer, Order, Product


def healthz(request):
    return JsonResponse({"status": "ok"})


class OrderSerializer(serializers.ModelSerializer):
    class Meta:
        model = Order
        fields = ["id", "reference", "status", "placed_at", "total_cents"]


class OrderViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = OrderSerializer

    def get_queryset(self):
        return Order.objects.filter(customer=self.request.user.customer)

    def get_object(self):
        return get_object_or_404(Order, pk=self.kwargs["pk"], customer=self.request.user.customer)


@api_view(["GET"])
def customer_by_email(request):
    customer = get_object_or_404(Customer, email=request.query_params["email"])
    return Response({"id": customer.pk, "country": customer.country})


@api_view(["GET"])
def order_by_reference(request, reference):
    order = Order.objects.filter(reference=reference).first()
    if order is None:
        return Response(status=404)
    return Response(OrderSerializer(order).data)


@api_view(["GET"])
def pending_orders(request):
    since = timezone.now() - timedelta(days=7)
    recent = Order.objects.filter(placed_at__gte=since)[:100]
    pending = Order.objects.filter(status=Order.Status.PENDING)[:100]  # expect: query-on-unindexed-column
    latest = Order.objects.order_by("-created_at")[:20]  # expect: query-on-unindexed-column
    return Response(
        {
            "recent": OrderSerializer(recent, many=True).data,
            "pending": OrderSerializer(pending, many=True).data,
            "latest": OrderSerializer(latest, many=True).data,
        }
    )


@api_view(["GET"])
def active_products(request):
    products = Product.objects.exclude(channel="retired")[:100]  # expect: query-on-unindexed-column
    return Response([{"sku": p.sku, "title": p.title} for p in products])


@api_view(["POST"])
def customer_report(request):
    orders = Order.objects.filter(customer_id=request.data["customer"]).order_by("placed_at")  # expect: unbounded-query
    lines = []
    for order in orders:
        products = Product.objects.filter(orders=order)  # expect: query-in-loop
        lines.append({"reference": order.reference, "skus": [p.sku for p in products]})
    return Response(lines)
