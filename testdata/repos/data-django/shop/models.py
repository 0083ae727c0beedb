from django.conf import settings
from django.db import models


class TimeStamped(models.Model):
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class Customer(TimeStamped):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    email = models.EmailField(unique=True)
    country = models.CharField(max_length=2)


class Product(TimeStamped):
    sku = models.CharField(max_length=32, unique=True)
    title = models.CharField(max_length=200)
    channel = models.CharField(max_length=16, default="web")
    price_cents = models.PositiveIntegerField()


class Order(TimeStamped):
    class Status(models.TextChoices):
        PENDING = "pending"
        PAID = "paid"
        SHIPPED = "shipped"

    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="orders")
    reference = models.CharField(max_length=20, db_index=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    placed_at = models.DateTimeField()
    total_cents = models.PositiveIntegerField()
    products = models.ManyToManyField(Product, related_name="orders")

    class Meta:
        db_table = "orders"
        indexes = [
            models.Index(fields=["placed_at", "status"], name="orders_placed_status_idx"),
        ]
