"""Shared steps of the back-in-stock tests: a sold-out variant and requests waiting on it."""

from datetime import timedelta

from django.utils import timezone

from catalog import services as catalog_services
from crm.models import StockAlert
from tests.factories import UserFactory, VariantFactory


def sold_out_variant(**fields):
    variant = VariantFactory(on_hand=0, **fields)
    catalog_services.product_refresh_listing(product_id=variant.product_id)
    return variant


def waiting(variant, count: int, *, start=None) -> list[StockAlert]:
    """`count` confirmed requests of signed-in customers, asked an hour apart (oldest first)."""
    start = start or timezone.now() - timedelta(days=3)
    alerts = []
    for n in range(count):
        user = UserFactory(email=f"bekleyen{n}-{variant.pk}@example.com", first_name=f"Kişi{n}")
        alerts.append(
            StockAlert.objects.create(
                variant=variant,
                user=user,
                email=user.email,
                language="tr",
                token=f"t-{variant.pk}-{n}",
                created_at=start + timedelta(hours=n),
                confirmed_at=start + timedelta(hours=n),
            )
        )
    return alerts


def restock(variant, units: int, capture) -> None:
    """Staff receive goods (the catalog's stock service); the signal runs once it commits."""
    with capture(execute=True):
        catalog_services.stock_adjust(variant=variant, delta=units, reason="receipt")
