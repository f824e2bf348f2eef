"""Recompute every product's listing fields and stored card thumbnail (after an upgrade).

Rerunnable: a product whose fields are already right is not written. Run it once after the
migration that added `on_sale`, `listing_changes_at` and `card_image`.
"""

from django.core.management.base import BaseCommand
from django.db import transaction

from catalog.models import Product, ProductImage
from catalog.services import product_refresh_listing
from catalog.thumbnails import product_refresh_card_image


class Command(BaseCommand):
    help = "Recompute listing fields (price, stock, sale, search) and card thumbnails."

    def handle(self, *args: object, **options: object) -> None:
        changed = images = 0
        for product_id in Product.objects.order_by("pk").values_list("pk", flat=True).iterator():
            with transaction.atomic():
                changed += product_refresh_listing(product_id=product_id)
        with_images = ProductImage.objects.values_list("product_id", flat=True).distinct()
        for product_id in sorted(set(with_images)):
            images += product_refresh_card_image(product_id=product_id)
        self.stdout.write(f"Listing fields changed on {changed} products, card images on {images}.")
