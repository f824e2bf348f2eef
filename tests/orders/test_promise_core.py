"""The delivery promise's pure core (orders/promise.py): properties over any warehouse week."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from orders.promise import add_shipping_days, promise_at

ISTANBUL = ZoneInfo("Europe/Istanbul")


def week(cutoffs: dict[int, time | None]):
    """A warehouse that ships on the weekdays given, each with its cut-off."""
    return lambda day: cutoffs.get(day.weekday())


MON_FRI = week({d: time(15) for d in range(5)})

weekdays = st.dictionaries(
    st.integers(0, 6),
    st.sampled_from([time(10), time(13), time(15), time(23, 59)]),
    min_size=1,
)
instants = st.datetimes(min_value=datetime(2026, 1, 1), max_value=datetime(2028, 12, 31)).map(
    lambda moment: moment.replace(tzinfo=UTC)
)
days = st.integers(0, 7)


def test_before_the_cut_off_it_ships_today_and_at_the_cut_off_minute_the_next_working_day():
    friday = datetime(2026, 12, 4, 14, 59, 59, tzinfo=ISTANBUL)
    before = promise_at(friday, days_min=2, days_max=4, cutoff=MON_FRI, zone=ISTANBUL)
    assert (before.ships_on, before.earliest, before.latest) == (
        date(2026, 12, 4),
        date(2026, 12, 8),  # Tuesday: the weekend does not count
        date(2026, 12, 10),
    )
    at_cutoff = promise_at(
        friday + timedelta(seconds=1), days_min=2, days_max=4, cutoff=MON_FRI, zone=ISTANBUL
    )
    assert (at_cutoff.ships_on, at_cutoff.earliest, at_cutoff.latest) == (
        date(2026, 12, 7),
        date(2026, 12, 9),
        date(2026, 12, 11),
    )
    assert at_cutoff.order_by == datetime(2026, 12, 7, 15, tzinfo=ISTANBUL)
    assert at_cutoff.left(friday) == timedelta(days=3, seconds=1)


def test_a_warehouse_that_never_ships_is_refused_rather_than_looped_over():
    with pytest.raises(ValueError):
        promise_at(
            datetime(2026, 12, 4, tzinfo=UTC),
            days_min=1,
            days_max=2,
            cutoff=lambda day: None,
            zone=ISTANBUL,
        )


@settings(max_examples=200, deadline=None)
@given(cutoffs=weekdays, now=instants, low=days, extra=days)
def test_every_promise_ships_after_now_and_arrives_on_shipping_days_in_order(
    cutoffs, now, low, extra
):
    cutoff = week(cutoffs)
    promise = promise_at(now, days_min=low, days_max=low + extra, cutoff=cutoff, zone=ISTANBUL)
    assert promise.order_by > now
    assert promise.order_by.date() == promise.ships_on
    assert cutoff(promise.ships_on) is not None
    assert promise.ships_on <= promise.earliest <= promise.latest
    for day in (promise.earliest, promise.latest):
        assert cutoff(day) is not None
    assert promise.earliest == add_shipping_days(promise.ships_on, low, cutoff=cutoff)
    assert promise.latest == add_shipping_days(promise.ships_on, low + extra, cutoff=cutoff)


@settings(max_examples=200, deadline=None)
@given(cutoffs=weekdays, now=instants, later=st.integers(0, 14 * 24 * 60), low=days, extra=days)
def test_ordering_later_never_promises_an_earlier_day(cutoffs, now, later, low, extra):
    cutoff = week(cutoffs)
    first = promise_at(now, days_min=low, days_max=low + extra, cutoff=cutoff, zone=ISTANBUL)
    second = promise_at(
        now + timedelta(minutes=later),
        days_min=low,
        days_max=low + extra,
        cutoff=cutoff,
        zone=ISTANBUL,
    )
    assert second.ships_on >= first.ships_on
    assert second.latest >= first.latest
    if now + timedelta(minutes=later) < first.order_by:
        assert second == first  # the same promise until its cut-off


@settings(max_examples=100, deadline=None)
@given(cutoffs=weekdays, start=st.dates(date(2026, 1, 1), date(2028, 1, 1)), n=days, m=days)
def test_shipping_days_add_up(cutoffs, start, n, m):
    cutoff = week(cutoffs)
    middle = add_shipping_days(start, n, cutoff=cutoff)
    assert add_shipping_days(middle, m, cutoff=cutoff) == add_shipping_days(
        start, n + m, cutoff=cutoff
    )
