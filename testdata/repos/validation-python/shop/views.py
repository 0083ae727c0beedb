from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST
from rest_framework import status, viewsets
from rest_framework.decorators import api_view
from rest_framework.response import Response

from .forms import AddressForm
from .models import Account, Address, Coupon
from .serializers import AccountSerializer, CouponSerializer


# Bad: the request data is the row.
@api_view(["POST"])
def create_account(request):
    account = Account.objects.create(**request.data)  # expect: mass-assignment
    return Response({"id": account.id}, status=status.HTTP_201_CREATED)


# Fix: a serializer validates and lists the writable fields.
@api_view(["POST"])
def create_account_v2(request):
    serializer = AccountSerializer(data=request.data)
    serializer.is_valid(raise_exception=True)
    account = serializer.save()
    return Response({"id": account.id}, status=status.HTTP_201_CREATED)


# Bad: a field of request.data used with no serializer.
@api_view(["POST"])
def redeem_coupon(request):
    coupon = get_object_or_404(Coupon, code=request.data.get("code"))  # expect: unvalidated-request-body
    coupon.redeem(request.user)
    return Response(status=status.HTTP_204_NO_CONTENT)


# Bad: POST data copied into an update.
@require_POST
def update_address(request, pk):
    Address.objects.filter(pk=pk, user=request.user).update(**request.POST.dict())  # expect: mass-assignment
    return redirect("addresses")


# Fix: a Django form validates the POST data.
@require_POST
def update_address_v2(request, pk):
    address = get_object_or_404(Address, pk=pk, user=request.user)
    form = AddressForm(request.POST, instance=address)
    if not form.is_valid():
        return render(request, "shop/address.html", {"form": form}, status=400)
    form.save()
    return redirect("addresses")


# Quiet: a ModelViewSet's default create/update run the serializer.
class CouponViewSet(viewsets.ModelViewSet):
    queryset = Coupon.objects.all()
    serializer_class = CouponSerializer


# Fix: an overridden create still validates through the serializer.
class AccountViewSet(viewsets.ModelViewSet):
    queryset = Account.objects.all()
    serializer_class = AccountSerializer

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        self.perform_create(serializer)
        return Response(serializer.data, status=status.HTTP_201_CREATED)
