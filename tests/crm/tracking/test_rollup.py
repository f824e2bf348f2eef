"""The daily counts (set-based, per shop day, safe to run twice), the deletion of raw rows after
the retention period (only of days counted), and the product funnel read from the counts."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from crm.analytics.rollups import analytics_refresh
from crm.models import EventKind, TrackingDaily, TrackingEvent
from crm.tracking.selectors import FunnelRow, product_funnel
from crm.tracking.services import tracking_prune, tracking_rollup
from crm.tracking.tasks import prune_tracking, rollup_tracking
from orders.models import Order
from shop.celery import PERIODIC_JOBS
from tests.factories import ProductFactory
from tests.orders.helpers import cart_with, place, shipping_setup, stocked_variant

pytestmark = pytest.mark.django_db
ISTANBUL = ZoneInfo("Europe/Istanbul")
A, B = "a" * 32, "b" * 32


def _at(day: int, hour: int) -> datetime:
    return datetime(2027, 3, day, hour, tzinfo=ISTANBUL)


def _event(at: datetime, visitor: str = A, **fields) -> None:
    fields.setdefault("kind", EventKind.PAGE_VIEW)
    if fields["kind"] == EventKind.PAGE_VIEW:
        fields.setdefault("path", "/")
    TrackingEvent.objects.create(visitor_id=visitor, created_at=at, **fields)


def _counts() -> set[tuple]:
    return set(
        TrackingDaily.objects.values_list(
            "day", "kind", "path", "product", "query", "step", "events", "visitors"
        )
    )


def test_each_shop_day_is_counted_with_distinct_visitors_and_twice_changes_nothing():
    product = ProductFactory()
    _event(_at(1, 10))
    _event(_at(1, 11))
    _event(_at(1, 12), B)
    _event(
        _at(
            1,
            23,
        )
        + timedelta(minutes=59),
        B,
        path="/en/",
    )  # still March 1st in Istanbul
    _event(_at(2, 0) + timedelta(minutes=30), A, kind=EventKind.PRODUCT_VIEW, product=product)
    _event(_at(2, 9), B, kind=EventKind.PRODUCT_VIEW, product=product)
    _event(_at(2, 9), B, kind=EventKind.SEARCH, query="çay", results=4)
    _event(_at(2, 10), A, kind=EventKind.CHECKOUT_STEP, step="details")
    expected = {
        (date(2027, 3, 1), "page_view", "/", None, "", "", 3, 2),
        (date(2027, 3, 1), "page_view", "/en/", None, "", "", 1, 1),
        (date(2027, 3, 2), "product_view", "", product.pk, "", "", 2, 2),
        (date(2027, 3, 2), "search", "", None, "çay", "", 1, 1),
        (date(2027, 3, 2), "checkout_step", "", None, "", "details", 1, 1),
    }
    with time_machine.travel(_at(2, 12)):
        assert tracking_rollup() == 5
        assert _counts() == expected
        rollup_tracking()  # the periodic job, again: the same counts
        assert _counts() == expected
        _event(_at(2, 11), B, kind=EventKind.CHECKOUT_STEP, step="details")
    with time_machine.travel(_at(3, 1)):  # the next run recounts the day it last counted
        tracking_rollup()
    assert (date(2027, 3, 2), "checkout_step", "", None, "", "details", 2, 2) in _counts()
    assert len(_counts()) == 5


def test_raw_rows_go_after_the_retention_period_only_once_counted_and_counts_stay(settings):
    settings.TRACKING_RAW_DAYS = 2
    for day in (1, 2, 3, 4, 5):
        _event(_at(day, 12))
    with time_machine.travel(_at(5, 13)):
        assert tracking_prune() == 0  # nothing counted yet: nothing may go
        assert TrackingEvent.objects.count() == 5
        tracking_rollup()
        assert tracking_prune() == 2  # March 1st and 2nd: older than 2 days
        assert prune_tracking() == 0  # twice: nothing more
        kept = sorted(TrackingEvent.objects.values_list("created_at", flat=True))
        assert [moment.astimezone(ISTANBUL).day for moment in kept] == [3, 4, 5]
        tracking_rollup()  # a later count does not wipe the days whose raw rows went
        assert TrackingDaily.objects.count() == 5
    with time_machine.travel(_at(20, 13)):  # the rollup did not run since the 5th: the 5th stays
        assert tracking_prune() == 2
        assert TrackingEvent.objects.count() == 1


def test_the_jobs_are_scheduled():
    assert PERIODIC_JOBS["tracking-rollup"] == (
        "crm.tracking_rollup",
        "TRACKING_ROLLUP_EVERY_SECONDS",
    )
    assert PERIODIC_JOBS["tracking-prune"] == ("crm.tracking_prune", "TRACKING_PRUNE_EVERY_SECONDS")


def test_the_product_funnel_reads_views_and_adds_from_the_counts_and_orders_from_the_rollup():
    shipping_setup()
    tea, coffee = stocked_variant(), stocked_variant()
    for hour in (9, 10, 11):
        _event(_at(2, hour), kind=EventKind.PRODUCT_VIEW, product=tea.product)
    _event(_at(2, 12), kind=EventKind.ADD_TO_CART, product=tea.product)
    _event(_at(2, 12), kind=EventKind.PRODUCT_VIEW, product=coffee.product)
    _event(_at(9, 12), kind=EventKind.PRODUCT_VIEW, product=coffee.product)  # outside the period
    bought = place(cart_with((tea, 1)))
    cancelled = place(cart_with((tea, 1), (coffee, 1)))
    today = place(cart_with((coffee, 2)))
    Order.objects.filter(pk=bought.pk).update(status="confirmed", placed_at=_at(3, 9))
    Order.objects.filter(pk=cancelled.pk).update(status="cancelled", placed_at=_at(3, 9))
    Order.objects.filter(pk=today.pk).update(status="confirmed", placed_at=_at(7, 9))
    with time_machine.travel(_at(7, 12)):
        tracking_rollup()
        analytics_refresh(first=date(2027, 3, 1), last=date(2027, 3, 6))
        funnel = product_funnel(since=date(2027, 3, 1), until=date(2027, 3, 7))
    assert funnel == [  # closed days from the sales rollup, today's order read live
        FunnelRow(product_id=tea.product_id, views=3, carts=1, orders=1, name=tea.product.name),
        FunnelRow(
            product_id=coffee.product_id, views=1, carts=0, orders=1, name=coffee.product.name
        ),
    ]
