"""Reads of consented tracking: the product funnel from the daily counts, a customer's rows."""

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import IntegerField, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from catalog.models import Product

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


def _summed(rows: Any, field: str) -> Coalesce:
    """Σ `field` of `rows` (a queryset of one product's rows, by OuterRef), 0 without rows."""
    total = rows.values("product_id").annotate(total=Sum(field)).values("total")
    return Coalesce(Subquery(total), Value(0), output_field=IntegerField())


def product_funnel(
    *, since: datetime.date, until: datetime.date, today: datetime.date | None = None
) -> list[FunnelRow]:
    """Views → cart → purchase per product over the shop days `since`..`until` (both included),
    most viewed first, with the product's name. Views and adds come from the daily tracking
    counts, orders from the product sales rollup for the days before today and live from
    today's order lines (the dashboard's rule): two queries."""
    today = today or timezone.localdate()
    live = {}
    if since <= today <= until:
        live = {row.product_id: row.orders for row in product_rows(today, today)}
    counted = TrackingDaily.objects.filter(
        product_id=OuterRef("pk"), day__gte=since, day__lte=until
    )
    sold = ProductSalesDaily.objects.filter(
        product_id=OuterRef("pk"),
        day__gte=since,
        day__lte=min(until, today - datetime.timedelta(days=1)),
    )
    found = (
        Product.objects.annotate(
            label=translated("name"),
            views=_summed(counted.filter(kind=EventKind.PRODUCT_VIEW), "events"),
            carts=_summed(counted.filter(kind=EventKind.ADD_TO_CART), "events"),
            closed_orders=_summed(sold, "orders"),
        )
        .filter(Q(views__gt=0) | Q(carts__gt=0) | Q(closed_orders__gt=0) | Q(pk__in=list(live)))
        .values_list("pk", "label", "views", "carts", "closed_orders")
        .order_by()
    )
    funnel = [
        FunnelRow(
            product_id=pk,
            views=views,
            carts=carts,
            orders=orders + live.get(pk, 0),
            name=label,
        )
        for pk, label, views, carts, orders in found
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
