"""Reads of consented tracking: the product funnel from the daily counts, a customer's rows."""

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, Sum
from django.utils import timezone

from ..analytics.names import translated
from ..analytics.rollups import product_rows
from ..models import EventKind, ProductSalesDaily, TrackingDaily, TrackingEvent


@dataclass(frozen=True)
class FunnelRow:
    product_id: int
    views: int  # product page views by consenting visitors
    carts: int  # adds to cart by consenting visitors
    orders: int  # accepted orders (by anyone) that bought it
    name: str = ""  # in the active language


def product_funnel(
    *, since: datetime.date, until: datetime.date, today: datetime.date | None = None
) -> list[FunnelRow]:
    """Views → cart → purchase per product viewed or added to a cart over the shop days
    `since`..`until` (both included), most viewed first, with the product's name. Views and
    adds come from the daily tracking counts, orders from the product sales rollup for the
    days before today and live from today's order lines (the dashboard's rule): grouped
    queries, two (three with today)."""
    today = today or timezone.localdate()
    live = {}
    if since <= today <= until:
        live = {row.product_id: row.orders for row in product_rows(today, today)}
    counted = TrackingDaily.objects.filter(
        kind__in=[EventKind.PRODUCT_VIEW, EventKind.ADD_TO_CART],
        day__gte=since,
        day__lte=until,
        product__isnull=False,
    )
    tracked = (
        counted.values("product_id", label=translated("product__name"))
        .annotate(
            views=Sum("events", filter=Q(kind=EventKind.PRODUCT_VIEW), default=0),
            carts=Sum("events", filter=Q(kind=EventKind.ADD_TO_CART), default=0),
        )
        .order_by()
    )
    sold = dict(
        ProductSalesDaily.objects.filter(
            day__gte=since,
            day__lte=min(until, today - datetime.timedelta(days=1)),
        )
        .values("product_id")
        .annotate(orders=Sum("orders"))
        .values_list("product_id", "orders")
        .order_by()
    )
    funnel = [
        FunnelRow(
            product_id=row["product_id"],
            views=row["views"],
            carts=row["carts"],
            orders=(sold.get(row["product_id"]) or 0) + live.get(row["product_id"], 0),
            name=row["label"],
        )
        for row in tracked
    ]
    funnel.sort(key=lambda row: (-row.views, -row.carts, -row.orders, row.product_id))
    return funnel


def events_of_user(user_id: int) -> list[dict[str, Any]]:
    """A customer's raw tracking rows (still kept), oldest first, for the data export."""
    return list(
        TrackingEvent.objects.filter(user_id=user_id)
        .order_by("created_at", "pk")
        .values("created_at", "kind", "path", "referrer", "product_id", "query", "results", "step")
    )
