"""A large catalog for benchmarks: `seed_catalog --products 10000` (bulk inserts, < 2 minutes).

Idempotent: the benchmark products are BENCH-0 … BENCH-(N-1), each built from its own number,
so a rerun leaves the same catalog (missing ones are added, those past N removed) and
`--flush` rebuilds them all. It also seeds what checkout needs (the carrier, shipping methods
and rates that apps register in shop.demo), so an order can be placed on the catalog.
"""

import random
import time
from decimal import Decimal

from django.core.management.base import BaseCommand
from django.db import transaction

from catalog.demo import ADJECTIVES, seed_catalog_demo
from catalog.models import Category, Product, ProductKind, ProductType, Variant
from shop.demo import seed_checkout_essentials
from shop.text import fold, slugify_tr

BATCH = 1000
SKU_PREFIX = "BENCH-"


def _bench_numbers() -> dict[int, int]:
    """Product id of every benchmark product, by its number."""
    rows = Variant.objects.filter(sku__startswith=SKU_PREFIX).values_list("sku", "product_id")
    return {int(sku.removeprefix(SKU_PREFIX)): product_id for sku, product_id in rows}


class Command(BaseCommand):
    help = "Make the catalog hold exactly N benchmark products (one variant each); rerunnable."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--products", type=int, default=10000)
        parser.add_argument(
            "--flush", action="store_true", help="Delete every benchmark product and rebuild."
        )

    def handle(self, *args: object, products: int, flush: bool, **options: object) -> None:
        started = time.monotonic()
        if not Category.objects.filter(depth=2).exists():
            seed_catalog_demo()
        existing = _bench_numbers()
        extra = [pk for number, pk in existing.items() if flush or number >= products]
        for start in range(0, len(extra), BATCH):
            with transaction.atomic():
                Product.objects.filter(pk__in=extra[start : start + BATCH]).delete()
        missing = [n for n in range(products) if flush or n not in existing]
        categories = list(Category.objects.filter(depth=2).order_by("path"))
        product_type = ProductType.objects.order_by("pk").first()
        for start in range(0, len(missing), BATCH):
            with transaction.atomic():
                self._batch(categories, product_type, missing[start : start + BATCH])
        for name, summary in seed_checkout_essentials():
            self.stdout.write(f"  {name}: {summary}")
        self.stdout.write(
            f"Added {len(missing)} and removed {len(extra)} benchmark products in "
            f"{time.monotonic() - started:.1f} s ({Product.objects.count()} products in total)."
        )

    def _batch(self, categories, product_type, numbers: list[int]) -> None:
        rows, variants = [], []
        for number in numbers:
            rng = random.Random(number)  # noqa: S311 - benchmark data, the same on every run
            category = categories[number % len(categories)]
            adj_tr, adj_en = ADJECTIVES[number % len(ADJECTIVES)]
            name_tr, name_en = (
                f"{adj_tr} {category.name_tr} B{number}",
                f"{adj_en} {category.name_en} B{number}",
            )
            price = Decimal(rng.randint(20, 5000)) - Decimal("0.10")
            rows.append(
                Product(
                    product_type=product_type,
                    category=category,
                    name_tr=name_tr,
                    name_en=name_en,
                    slug_tr=slugify_tr(name_tr),
                    slug_en=slugify_tr(name_en),
                    kind=ProductKind.PHYSICAL,
                    status="active",
                    min_price=price,
                    in_stock=number % 10 != 0,
                    units_sold=rng.randint(0, 1000),
                    search_text=fold(f"{name_tr} {name_en} {SKU_PREFIX}{number}"),
                )
            )
            variants.append(
                {
                    "sku": f"{SKU_PREFIX}{number}",
                    "price": price,
                    "on_hand": 0 if number % 10 == 0 else rng.randint(1, 50),
                    "weight_grams": rng.randint(100, 3000),
                }
            )
        created = Product.objects.bulk_create(rows)
        Variant.objects.bulk_create(
            Variant(product=product, **fields)
            for product, fields in zip(created, variants, strict=True)
        )
