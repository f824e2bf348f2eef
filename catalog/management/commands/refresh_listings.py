"""Recompute every product's listing fields and stored card thumbnail (after an upgrade).

Rerunnable: a product whose fields are already right is not written. Run it once after the
migration that added `on_sale`, `listing_changes_at` and `card_image`.
"""

from django.core.management.base import BaseCommand
from django.db import transaction

from catalog.models import Product, ProductImage
from catalog.services import product_refresh_listing, product_refresh_search
from catalog.thumbnails import product_refresh_card_image


class Command(BaseCommand):
    help = "Recompute listing fields (price, stock, sale, search), search vectors and thumbnails."

    def handle(self, *args: object, **options: object) -> None:
        changed = images = 0
        for product_id in Product.objects.order_by("pk").values_list("pk", flat=True).iterator():
            with transaction.atomic():
                changed += product_refresh_listing(product_id=product_id)
        ids = list(Product.objects.order_by("pk").values_list("pk", flat=True))
        vectors = sum(
            product_refresh_search(product_ids=ids[start : start + 500])
            for start in range(0, len(ids), 500)
        )
        with_images = ProductImage.objects.values_list("product_id", flat=True).distinct()
        for product_id in sorted(set(with_images)):
            images += product_refresh_card_image(product_id=product_id)
        self.stdout.write(
            f"Listing fields changed on {changed} products, card images on {images}, "
            f"search vectors written for {vectors}."
        )
