"""Back in stock's reads: which variants have come back with requests waiting, and the figures
of the journey's staff report."""

from datetime import timedelta

from django.conf import settings
from django.db.models import Count, F, Q
from django.utils import timezone

from catalog.models import ProductKind, ProductStatus
from crm.models import StockAlert


def variants_back_with_waiting() -> list[int]:
    """Variants with confirmed requests waiting that can be bought now, in primary-key order."""
    return list(
        StockAlert.objects.waiting()
        .filter(
            variant__on_hand__gt=F("variant__allocated"),
            variant__product__status=ProductStatus.ACTIVE,
            variant__product__kind=ProductKind.PHYSICAL,
        )
        .order_by("variant_id")
        .values_list("variant_id", flat=True)
        .distinct()
    )


def told_lately(*, variant_id: int) -> int:
    """Requests of the variant told in the last JOURNEY_BACK_IN_STOCK_WAIT_HOURS (their turn to
    buy is still on)."""
    since = timezone.now() - timedelta(hours=settings.JOURNEY_BACK_IN_STOCK_WAIT_HOURS)
    return StockAlert.objects.filter(variant_id=variant_id, notified_at__gte=since).count()


def unreachable() -> dict[str, int]:
    """Requests the journey cannot answer yet: guests who have not clicked their link; one query."""
    since = timezone.now() - timedelta(days=settings.JOURNEY_BACK_IN_STOCK_CONFIRM_DAYS)
    counts = StockAlert.objects.filter(
        confirmed_at__isnull=True, cancelled_at__isnull=True
    ).aggregate(
        waiting=Count("pk", filter=Q(created_at__gte=since)),
        expired=Count("pk", filter=Q(created_at__lt=since)),
    )
    return {"not confirmed yet": counts["waiting"], "confirmation expired": counts["expired"]}
