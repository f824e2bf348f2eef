"""Keeping the delivery promise in view: telling the customer once, first, when an order will
miss it; and moving the product pages' promise on at each cut-off and at midnight."""

from datetime import datetime

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from shop import pagecache

from ..models import Order
from ..selectors.promises import delivery_promise, order_estimate, promise_epoch
from .lifecycle import order_event_record

# Where the last promise the product pages were rendered under is remembered.
EPOCH_KEY = "orders:promise-epoch"


def replacement_promise_set(*, order: Order, now: datetime | None = None) -> Order:
    """A replacement's promise, made when it goes to the warehouse (at once for items sent again,
    when its return arrives for an exchange), as if ordered then by the original's method days.
    Once: a promise is never changed; nothing for an order whose original had none."""
    original = order.replacement_for
    if original is None or original.promised_days_max is None or order.promised_to is not None:
        return order
    promise = delivery_promise(
        days_min=original.promised_days_min or 0,
        days_max=original.promised_days_max,
        now=now or timezone.now(),
    )
    fields = {
        "promised_ship_by": promise.ships_on,
        "promised_from": promise.earliest,
        "promised_to": promise.latest,
        "promised_days_min": original.promised_days_min,
        "promised_days_max": original.promised_days_max,
    }
    if Order.objects.filter(pk=order.pk, promised_to__isnull=True).update(
        **fields, updated_at=timezone.now()
    ):
        for name, value in fields.items():
            setattr(order, name, value)
    return order


def order_lateness_check(*, order_id: int, now: datetime | None = None) -> bool:
    """If the order will miss its promise, tell the customer once: the new estimate on the order,
    a "late" step on its timeline (staff see it in the late list), and the message (transactional)
    after commit. True when told now; an order told before, or still on time, is left alone."""
    now = now or timezone.now()
    with transaction.atomic():
        order = Order.objects.select_for_update().filter(pk=order_id).first()
        if order is None or order.late_noticed_at is not None:
            return False
        estimate = order_estimate(order=order, now=now)
        if estimate is None:
            return False
        order.estimated_to = estimate
        order.late_noticed_at = now
        order.save(update_fields=["estimated_to", "late_noticed_at", "updated_at"])
        order_event_record(
            order=order,
            kind="late",
            note=gettext_noop("Running late: the customer was told the new delivery estimate."),
        )
    return True


def promise_pages_refresh(*, now: datetime | None = None) -> bool:
    """Bump the pages showing the promise (DELIVERY) when it moved on since they were made: past
    a cut-off, at midnight, or after staff changed a method's days or the calendar. True when
    bumped. Safe to run twice: the second run finds the epoch it stored."""
    epoch = promise_epoch(now=now)
    if cache.get(EPOCH_KEY) == epoch:
        return False
    pagecache.bump(pagecache.DELIVERY)
    cache.set(EPOCH_KEY, epoch, timeout=None)
    return True
