"""Reads of shipping: the methods on offer with their rates."""

from django.db.models import Prefetch

from ..models import ShippingMethod, ShippingRate


def shipping_methods() -> list[ShippingMethod]:
    """Active methods with their rates and regions: two queries whatever their number."""
    rates = ShippingRate.objects.select_related("region").order_by("max_weight_grams")
    return list(
        ShippingMethod.objects.filter(is_active=True, carrier__is_active=True)
        .select_related("carrier")
        .prefetch_related(Prefetch("rates", queryset=rates))
    )
