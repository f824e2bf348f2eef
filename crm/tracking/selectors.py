"""Reads of consented tracking: the product funnel from the daily rollup, a customer's rows."""

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, Sum
from django.utils import timezone

from orders.models import OrderLine
from orders.states import OrderStatus

from ..models import EventKind, TrackingDaily, TrackingEvent

# Orders that never counted as a purchase: not accepted by their payment method yet, or cancelled.
NOT_PURCHASED = (OrderStatus.PENDING_PAYMENT, OrderStatus.CANCELLED)


@dataclass(frozen=True)
class FunnelRow:
    product_id: int
    views: int  # product page views by consenting visitors
    carts: int  # adds to cart by consenting visitors
    orders: int  # orders (by anyone) that bought it


def product_funnel(*, since: datetime.date, until: datetime.date) -> list[FunnelRow]:
    """Views → cart → purchase per product over the days `since`..`until` (both included, shop
    time): views and adds from the daily rollup, orders from the order lines; most viewed
    first. Two grouped queries."""
    counts = (
        TrackingDaily.objects.filter(
            kind__in=[EventKind.PRODUCT_VIEW, EventKind.ADD_TO_CART],
            day__gte=since,
            day__lte=until,
            product__isnull=False,
        )
        .values("product_id")
        .annotate(
            views=Sum("events", filter=Q(kind=EventKind.PRODUCT_VIEW), default=0),
            carts=Sum("events", filter=Q(kind=EventKind.ADD_TO_CART), default=0),
        )
        .order_by()
    )
    start = timezone.make_aware(datetime.datetime.combine(since, datetime.time()))
    end = timezone.make_aware(
        datetime.datetime.combine(until + datetime.timedelta(days=1), datetime.time())
    )
    bought = (
        OrderLine.objects.filter(order__placed_at__gte=start, order__placed_at__lt=end)
        .exclude(order__status__in=NOT_PURCHASED)
        .values("product_id")
        .annotate(orders=Count("order_id", distinct=True))
        .order_by()
    )
    rows: dict[int, dict[str, int]] = {}
    for row in counts:
        rows[row["product_id"]] = {"views": row["views"], "carts": row["carts"], "orders": 0}
    for row in bought:
        rows.setdefault(row["product_id"], {"views": 0, "carts": 0, "orders": 0})
        rows[row["product_id"]]["orders"] = row["orders"]
    funnel = [FunnelRow(product_id=pk, **figures) for pk, figures in rows.items()]
    funnel.sort(key=lambda row: (-row.views, -row.carts, -row.orders, row.product_id))
    return funnel


def events_of_user(user_id: int) -> list[dict[str, Any]]:
    """A customer's raw tracking rows (still kept), oldest first, for the data export."""
    return list(
        TrackingEvent.objects.filter(user_id=user_id)
        .order_by("created_at", "pk")
        .values("created_at", "kind", "path", "referrer", "product_id", "query", "results", "step")
    )
