"""What the seeded orders buy: the catalog's active physical variants, some far more popular than
others, at the price each had on the day (a few products changed price: catalog.PriceHistory)."""

import bisect
import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings

from catalog.models import PriceHistory, ProductKind, ProductStatus, Variant
from shop.money import to_money

# One product in PRICE_CHANGE_EVERY changed its price once in the two years (idempotent: the
# history written once is read back on later runs).
PRICE_CHANGE_EVERY = 25


@dataclass(slots=True)
class Item:
    product_id: int
    variant_id: int
    name: str
    sku: str
    price: Decimal
    vat_rate: Decimal
    # (starts_at, price) oldest first: the price from each moment on; empty = always `price`.
    prices: list[tuple[datetime, Decimal]] = field(default_factory=list)

    def price_at(self, at: datetime) -> Decimal:
        if not self.prices:
            return self.price
        price = self.prices[0][1]  # before its first row: the oldest known price
        for starts_at, historic in self.prices:
            if starts_at > at:
                break
            price = historic
        return price


def _items(queryset, limit: int) -> list[Item]:
    rows = (
        queryset.filter(product__kind=ProductKind.PHYSICAL, product__status=ProductStatus.ACTIVE)
        .select_related("product")
        .only("sku", "price", "product__name", "product__vat_rate")
        .order_by("pk")[:limit]
    )
    return [
        Item(v.product_id, v.pk, v.product.name, v.sku, v.price, Decimal(v.product.vat_rate))
        for v in rows
    ]


def catalog_items(limit: int = 500) -> list[Item]:
    """Active physical variants to buy (the demo or benchmark catalog), the same every run."""
    return _items(Variant.objects.all(), limit)


def small_items(limit: int = 50) -> list[Item]:
    """Variants cheap enough for a micropayment tab order (at most TAB_ORDER_LIMIT)."""
    return _items(Variant.objects.filter(price__lte=to_money(settings.TAB_ORDER_LIMIT)), limit)


class Shelf:
    """The items with their popularity: a few best sellers, a long tail (Zipf-like)."""

    def __init__(self, items: list[Item], small: list[Item]) -> None:
        self.items, self.small = items, small
        order = list(range(len(items)))
        random.Random("shelf").shuffle(order)  # noqa: S311 - popularity is not by pk
        weights = [0.0] * len(items)
        for rank, index in enumerate(order):
            weights[index] = 1 / (rank + 8) ** 0.9
        cum, total = [], 0.0
        for weight in weights:
            total += weight
            cum.append(total)
        self.cum, self.total = cum, total

    def pick(self, rng: random.Random, count: int) -> list[Item]:
        count = min(count, len(self.items))
        chosen: dict[int, Item] = {}
        while len(chosen) < count:
            index = min(bisect.bisect_left(self.cum, rng.random() * self.total), len(self.cum) - 1)
            chosen.setdefault(index, self.items[index])
        return list(chosen.values())


def price_history_seed(*, items: list[Item], also: list[Item], now: datetime) -> int:
    """Give one item in PRICE_CHANGE_EVERY a price change (written once, read back on reruns)
    and load the history of each item (and of `also`); returns the history rows written."""
    by_variant: dict[int, list[Item]] = {}
    for item in items + also:
        by_variant.setdefault(item.variant_id, []).append(item)
    known: dict[int, list[tuple[datetime, Decimal]]] = {}
    for variant_id, starts_at, price in (
        PriceHistory.objects.filter(variant_id__in=by_variant)
        .order_by("variant_id", "starts_at", "pk")
        .values_list("variant_id", "starts_at", "price")
    ):
        known.setdefault(variant_id, []).append((starts_at, price))
    new = []
    for index, item in enumerate(items):
        variant_id = item.variant_id
        if variant_id in known or index % PRICE_CHANGE_EVERY:
            continue
        rng = random.Random(f"price:{variant_id}")  # noqa: S311 - benchmark data
        # Mostly a discount (the old price was higher), sometimes a rise.
        factor = Decimal(rng.choice(("1.25", "1.20", "1.15", "0.90", "0.85")))
        old = max(to_money(item.price * factor), Decimal("1.00"))
        since = now - timedelta(days=740)
        changed = now - timedelta(days=rng.randint(60, 600), hours=rng.randint(0, 23))
        rows = [(since, old), (changed, item.price)]
        known[variant_id] = rows
        new += [PriceHistory(variant_id=variant_id, price=p, starts_at=at) for at, p in rows]
    PriceHistory.objects.bulk_create(new, batch_size=2000)
    for variant_id, rows in known.items():
        for item in by_variant[variant_id]:
            item.prices = rows
    return len(new)
