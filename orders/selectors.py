"""Reads of the orders app."""

from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404

from shop.models import User

from .models import Address, ShippingMethod, ShippingRate


def addresses_of(*, user: User) -> QuerySet[Address]:
    return Address.objects.filter(user=user)


def address_of(*, user: User, pk: int) -> Address:
    """The user's own address; another customer's is a 404."""
    return get_object_or_404(Address, pk=pk, user=user)


def shipping_methods() -> list[ShippingMethod]:
    """Active methods with their rates and regions: two queries whatever their number."""
    rates = ShippingRate.objects.select_related("region").order_by("max_weight_grams")
    return list(
        ShippingMethod.objects.filter(is_active=True, carrier__is_active=True)
        .select_related("carrier")
        .prefetch_related(Prefetch("rates", queryset=rates))
    )
