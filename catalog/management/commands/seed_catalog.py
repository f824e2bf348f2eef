"""A large catalog for benchmarks: `seed_catalog --products 10000` (bulk inserts, < 2 minutes)."""

import random
import time
from decimal import Decimal

from django.core.management.base import BaseCommand
from django.db import transaction

from catalog.demo import ADJECTIVES, seed_catalog_demo
from catalog.models import Category, Product, ProductKind, ProductType, Variant
from shop.text import fold, slugify_tr

BATCH = 1000


class Command(BaseCommand):
    help = "Add N active products (with one variant each) to the catalog, for benchmarks."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--products", type=int, default=10000)

    def handle(self, *args: object, products: int, **options: object) -> None:
        started = time.monotonic()
        if not Category.objects.filter(depth=2).exists():
            seed_catalog_demo()
        categories = list(Category.objects.filter(depth=2))
        product_type = ProductType.objects.first()
        rng = random.Random(products)  # noqa: S311 - benchmark data
        offset = Product.objects.count()
        for start in range(0, products, BATCH):
            with transaction.atomic():
                self._batch(
                    rng, categories, product_type, offset + start, min(BATCH, products - start)
                )
        self.stdout.write(
            f"Added {products} products in {time.monotonic() - started:.1f} s "
            f"({Product.objects.count()} in total)."
        )

    def _batch(self, rng, categories, product_type, first: int, count: int) -> None:
        rows, prices = [], []
        for number in range(first, first + count):
            category = categories[number % len(categories)]
            adj_tr, adj_en = ADJECTIVES[number % len(ADJECTIVES)]
            name_tr, name_en = (
                f"{adj_tr} {category.name_tr} B{number}",
                f"{adj_en} {category.name_en} B{number}",
            )
            price = Decimal(rng.randint(20, 5000)) - Decimal("0.10")
            prices.append(price)
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
                    search_text=fold(f"{name_tr} {name_en} BENCH-{number}"),
                )
            )
        created = Product.objects.bulk_create(rows)
        Variant.objects.bulk_create(
            Variant(
                product=product,
                sku=f"BENCH-{first + i}",
                price=prices[i],
                on_hand=0 if (first + i) % 10 == 0 else rng.randint(1, 50),
                weight_grams=rng.randint(100, 3000),
            )
            for i, product in enumerate(created)
        )
