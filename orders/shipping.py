"""Shipping quotes: which methods deliver to an address, and at what price (pure function)."""

from dataclasses import dataclass
from decimal import Decimal

from shop.money import ZERO

from .models import ShippingMethod


@dataclass(frozen=True)
class ShippingQuote:
    method: ShippingMethod
    price: Decimal
    free_because_of_basket: bool


def quote(
    *,
    method: ShippingMethod,
    country: str,
    province: str,
    weight_grams: int,
    basket_total: Decimal,
    free_shipping_coupon: bool = False,
) -> ShippingQuote | None:
    """The cheapest band of the most specific region covering the address, or None.

    Expects `method.rates` prefetched with their regions (see selectors.shipping_methods).
    """
    regions = [
        r.region for r in method.rates.all() if r.region.covers(country=country, province=province)
    ]
    if not regions:
        return None
    best = max(region.specificity for region in regions)
    bands = sorted(
        (rate for rate in method.rates.all()
         if rate.region.specificity == best and rate.region in regions
         and rate.max_weight_grams >= weight_grams),
        key=lambda rate: rate.max_weight_grams,
    )  # fmt: skip
    if not bands:
        return None  # too heavy for this method
    free = method.free_above is not None and basket_total >= method.free_above
    price = ZERO if free or free_shipping_coupon else bands[0].price
    return ShippingQuote(method=method, price=price, free_because_of_basket=free)
