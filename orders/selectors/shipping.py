"""Reads of shipping: the methods on offer with their rates, and estimates before the address."""

from decimal import Decimal

from django.db.models import Prefetch

from shop import pagecache
from shop.kept import Kept
from shop.models import User

from ..benefits import customer_benefits
from ..models import ShippingMethod, ShippingRate
from ..pricing import PricedCart
from ..shipping import ShippingEstimate, estimate

# The page-cache version of carriers, regions, methods and rates (bumped by orders.invalidation).
SHIPPING_VERSION = "shipping"
# version token -> the active methods with their rates: a few kB, read-only once kept.
_METHODS = Kept(4)


def shipping_methods() -> list[ShippingMethod]:
    """Active methods with their rates and regions: two queries whatever their number."""
    rates = ShippingRate.objects.select_related("region").order_by("max_weight_grams")
    return list(
        ShippingMethod.objects.filter(is_active=True, carrier__is_active=True)
        .select_related("carrier")
        .prefetch_related(Prefetch("rates", queryset=rates))
    )


def kept_shipping_methods() -> tuple[ShippingMethod, ...]:
    """`shipping_methods`, kept per worker while the shipping version stands: no query once
    kept; a staff change to a carrier, region, method or rate bumps it. Shared read-only."""
    token = pagecache.versions([SHIPPING_VERSION])[SHIPPING_VERSION]
    return _METHODS.get_or_load(token, lambda: tuple(shipping_methods()))


def product_shipping_estimate(
    *, province: str, weight_grams: int, price: Decimal
) -> ShippingEstimate:
    """Shipping for one item on its own (the product page): no query once the methods are kept.

    A loyalty tier's free shipping is not asked here (the page is shared); the cart shows it.
    """
    return estimate(
        methods=list(kept_shipping_methods()),
        province=province,
        weight_grams=weight_grams,
        basket_total=price,
    )


def cart_shipping_estimate(
    *, priced: PricedCart, user: User | None, province: str
) -> ShippingEstimate | None:
    """Shipping for a priced cart (None when nothing in it ships), from what the cart page
    already read; the customer's tier is asked only when it could make a price free."""
    if not priced.needs_shipping:
        return None
    methods = list(kept_shipping_methods())
    values = {
        "methods": methods,
        "province": province,
        "weight_grams": priced.weight_grams,
        "basket_total": priced.shipping_basket,
        "free_shipping": priced.coupon.applies and priced.coupon.free_shipping,
    }
    found = estimate(**values)
    if found.delivers and not found.free and customer_benefits(user=user).free_shipping:
        found = estimate(**{**values, "free_shipping": True})
    return found
