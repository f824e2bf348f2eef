"""Shipping quotes: which methods deliver to an address, and at what price (pure function)."""

from dataclasses import dataclass
from decimal import Decimal

from shop.money import ZERO

from .geo import PROVINCES
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


@dataclass(frozen=True)
class ShippingEstimate:
    """What shipping costs before the address is known: to one province, or from the cheapest."""

    province: str  # "" while none is chosen: the cheapest anywhere in Turkey ("from …")
    price: Decimal | None  # the cheapest method's price; None when no method takes it there
    free_above: Decimal | None = None  # the nearest basket value, not reached yet, that ships free
    short_of_free: Decimal = ZERO  # what the basket still lacks for it

    @property
    def delivers(self) -> bool:
        return self.price is not None

    @property
    def free(self) -> bool:
        return self.price is not None and self.price <= 0


def _provinces_to_try(methods: list[ShippingMethod], country: str) -> list[str]:
    """One province of each kind the rates tell apart: every province some region lists, and
    one no region lists (it pays the country's rate). Quoting these finds the cheapest."""
    listed: set[str] = set()
    for method in methods:
        for rate in method.rates.all():
            names = {line.strip() for line in rate.region.provinces.splitlines()} - {""}
            if names and rate.region.covers(country=country, province=next(iter(names))):
                listed |= names
    unlisted = next((name for name in PROVINCES.values() if name not in listed), None)
    return [*sorted(listed), *([unlisted] if unlisted else [])]


def estimate(
    *,
    methods: list[ShippingMethod],
    province: str,
    weight_grams: int,
    basket_total: Decimal,
    free_shipping: bool = False,
    country: str = "TR",
) -> ShippingEstimate:
    """The cheapest shipping to `province` (or, without one, anywhere) for a parcel and basket,
    and how far the basket is from the nearest free-shipping threshold of a method that takes it.

    `methods` as `quote` expects them; `free_shipping`: a coupon or the customer's tier.
    """
    provinces = [province] if province else _provinces_to_try(methods, country)
    prices: list[Decimal] = []
    thresholds: list[Decimal] = []
    for method in methods:
        offers = [
            offer
            for name in provinces
            if (
                offer := quote(
                    method=method,
                    country=country,
                    province=name,
                    weight_grams=weight_grams,
                    basket_total=basket_total,
                    free_shipping_coupon=free_shipping,
                )
            )
            is not None
        ]
        if not offers:
            continue
        prices.append(min(offer.price for offer in offers))
        if method.free_above is not None and method.free_above > basket_total:
            thresholds.append(method.free_above)
    if not prices:
        return ShippingEstimate(province=province, price=None)
    price = min(prices)
    if price <= 0 or not thresholds:
        return ShippingEstimate(province=province, price=price)
    nearest = min(thresholds)
    return ShippingEstimate(
        province=province, price=price, free_above=nearest, short_of_free=nearest - basket_total
    )
