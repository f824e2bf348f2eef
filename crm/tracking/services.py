"""Writes of consented tracking: one event from the beacon, forgetting a visitor who withdrew,
the daily rollup and the deletion of raw rows after the retention period."""

import datetime

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, Max, Min
from django.db.models.functions import TruncDate
from django.utils import timezone

from catalog.models import Product

from ..models import EventKind, TrackingDaily, TrackingEvent

PRODUCT_KINDS = (EventKind.PRODUCT_VIEW, EventKind.ADD_TO_CART)


def tracking_event_record(
    *,
    visitor_id: str,
    user_id: int | None,
    kind: str,
    path: str = "",
    referrer: str = "",
    product_id: int | None = None,
    query: str = "",
    results: int | None = None,
    step: str = "",
) -> TrackingEvent | None:
    """One compact row for an event already checked by the endpoint; None (nothing written)
    for a product that is not on sale or a kind without what it needs."""
    row = TrackingEvent(visitor_id=visitor_id, user_id=user_id, kind=kind)
    if kind == EventKind.PAGE_VIEW:
        if not path:
            return None
        row.path, row.referrer = path, referrer
    elif kind in PRODUCT_KINDS:
        if product_id is None or not Product.objects.filter(pk=product_id).exists():
            return None
        row.product_id = product_id
    elif kind == EventKind.SEARCH:
        # A search without results is counted once, by catalog's SearchMiss.
        if not query or not results:
            return None
        row.query, row.results = query, results
    elif kind == EventKind.CHECKOUT_STEP:
        if not step:
            return None
        row.step = step
    else:
        return None
    with transaction.atomic():
        row.save(force_insert=True)
    return row


def tracking_forget(*, visitor_id: str, user_id: int | None) -> int:
    """Delete the raw rows of this browser's visitor id (and of the signed-in customer) when
    analytics consent is withdrawn; returns how many went. Rollups name no one and stay."""
    if not visitor_id and user_id is None:
        return 0
    with transaction.atomic():
        rows = TrackingEvent.objects.none()
        if visitor_id:
            rows = TrackingEvent.objects.filter(visitor_id=visitor_id)
        if user_id is not None:
            rows = rows | TrackingEvent.objects.filter(user_id=user_id)
        deleted, _ = rows.delete()
    return deleted


def _day_start(day: datetime.date) -> datetime.datetime:
    """Midnight at the start of `day` in the shop's time zone."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time()))


def tracking_rollup(*, now: datetime.datetime | None = None) -> int:
    """Recount the days from the last one counted (it may have been counted while it was still
    going) through today, in one DELETE and one INSERT … SELECT; safe to run twice.

    Returns the number of rollup rows written."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    start = TrackingDaily.objects.aggregate(day=Max("day"))["day"]
    if start is None:
        first = TrackingEvent.objects.aggregate(at=Min("created_at"))["at"]
        if first is None:
            return 0
        start = timezone.localdate(first)
    counts = (
        TrackingEvent.objects.filter(
            created_at__gte=_day_start(start),
            created_at__lt=_day_start(today + datetime.timedelta(days=1)),
        )
        .annotate(day=TruncDate("created_at"))
        .values("day", "kind", "path", "product_id", "query", "step")
        .annotate(events=Count("pk"), visitors=Count("visitor_id", distinct=True))
        .order_by()
    )
    select, params = counts.query.sql_with_params()
    q = connection.ops.quote_name
    names = ("day", "kind", "path", "product_id", "query", "step", "events", "visitors")
    columns = ", ".join(q(name) for name in names)
    picked = ", ".join(f"counted.{q(name)}" for name in names)
    with transaction.atomic():
        TrackingDaily.objects.filter(day__gte=start).delete()
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {q(TrackingDaily._meta.db_table)} ({columns}, {q('computed_at')}) "  # noqa: S608
                f"SELECT {picked}, %s FROM ({select}) counted",
                (now, *params),
            )
            return cursor.rowcount


def tracking_prune(*, now: datetime.datetime | None = None, keep_days: int | None = None) -> int:
    """Delete raw rows older than TRACKING_RAW_DAYS, but only of days the rollup has counted
    for good (every day before the last day it counted); safe to run twice."""
    now = now or timezone.now()
    keep_days = settings.TRACKING_RAW_DAYS if keep_days is None else keep_days
    counted_through = TrackingDaily.objects.aggregate(day=Max("day"))["day"]
    if counted_through is None:
        return 0
    cutoff = min(
        _day_start(timezone.localdate(now) - datetime.timedelta(days=keep_days)),
        _day_start(counted_through),
    )
    with transaction.atomic():
        deleted, _ = TrackingEvent.objects.filter(created_at__lt=cutoff).delete()
    return deleted
