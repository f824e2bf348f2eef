"""Keeping the delivery promise in view: telling the customer once, first, when an order will
miss it; and moving the product pages' promise on at each cut-off and at midnight."""

from datetime import datetime

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from shop import pagecache

from ..models import Order
from ..selectors.promises import order_estimate, promise_epoch
from .lifecycle import order_event_record

# Where the last promise the product pages were rendered under is remembered.
EPOCH_KEY = "orders:promise-epoch"


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
