"""The working-time arithmetic behind the SLA clock (shop.business_time), without the database:
properties over generated weekly hours in zones with and without daylight saving, and a few
hand-counted days on which the clocks change."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shop.business_time import (
    add_working_seconds,
    paused_add_working_seconds,
    paused_working_seconds_between,
    working_seconds_between,
)

HOUR = 3600
ZONES = [ZoneInfo(name) for name in ("Europe/Istanbul", "Europe/Berlin", "America/New_York")]
ZONES += [ZoneInfo("Australia/Sydney"), ZoneInfo("Asia/Kolkata")]
BASE = datetime(2026, 1, 1, tzinfo=UTC)  # the generated instants cover 2026 and 2027
YEAR_MINUTES = 2 * 365 * 24 * 60
FAST = settings(max_examples=60, deadline=None)


def _weekly(spec: list[tuple[bool, int, int]]):
    """Opening hours by weekday from generated numbers: open or not, opening at 06:00 plus
    quarter hours, open for a number of quarter hours (up to 22:00). Monday always works."""

    table = {}
    for weekday, (works, start, length) in enumerate(spec):
        opens = 6 * 60 + start * 15
        closes = min(opens + (length + 1) * 15, 22 * 60)
        if works or weekday == 0:
            table[weekday] = (time(opens // 60, opens % 60), time(closes // 60, closes % 60))

    def hours(day: date):
        return table.get(day.weekday())

    return hours


week = st.lists(
    st.tuples(st.booleans(), st.integers(0, 40), st.integers(0, 40)), min_size=7, max_size=7
).map(_weekly)
zones = st.sampled_from(ZONES)
# Whole quarter hours half of the time, so that due times often land exactly on a closing.
instants = st.one_of(
    st.integers(0, YEAR_MINUTES).map(lambda minutes: BASE + timedelta(minutes=minutes)),
    st.integers(0, YEAR_MINUTES // 15).map(
        lambda quarters: BASE + timedelta(minutes=15 * quarters)
    ),
)
seconds = st.one_of(st.integers(0, 120 * HOUR), st.integers(0, 480).map(lambda n: n * 900))


def _in_utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC)


def _day_bounds(moment: datetime, hours, zone) -> tuple[datetime, datetime] | None:
    day = moment.astimezone(zone).date()
    opening = hours(day)
    if opening is None:
        return None
    return tuple(datetime.combine(day, clock, tzinfo=zone).astimezone(UTC) for clock in opening)


@FAST
@given(hours=week, zone=zones, start=instants, amount=seconds)
def test_adding_then_measuring_gives_back_the_seconds(hours, zone, start, amount):
    due = add_working_seconds(start, amount, hours=hours, zone=zone)
    assert _in_utc(due) >= _in_utc(start)
    assert working_seconds_between(start, due, hours=hours, zone=zone) == amount


@FAST
@given(hours=week, zone=zones, start=instants, first=seconds, second=seconds)
def test_more_seconds_never_come_due_earlier(hours, zone, start, first, second):
    low, high = sorted((first, second))
    earlier = add_working_seconds(start, low, hours=hours, zone=zone)
    later = add_working_seconds(start, high, hours=hours, zone=zone)
    assert _in_utc(earlier) <= _in_utc(later)
    assert working_seconds_between(earlier, later, hours=hours, zone=zone) == high - low


@FAST
@given(hours=week, zone=zones, moments=st.lists(instants, min_size=3, max_size=3))
def test_measuring_adds_up_over_a_split_point(hours, zone, moments):
    first, middle, last = sorted(moments)
    whole = working_seconds_between(first, last, hours=hours, zone=zone)
    parts = working_seconds_between(first, middle, hours=hours, zone=zone)
    parts += working_seconds_between(middle, last, hours=hours, zone=zone)
    assert whole == parts
    assert working_seconds_between(last, first, hours=hours, zone=zone) == 0


@FAST
@given(hours=week, zone=zones, start=instants, amount=seconds)
def test_a_due_time_is_within_working_hours_or_exactly_at_a_closing(hours, zone, start, amount):
    due = _in_utc(add_working_seconds(start, amount, hours=hours, zone=zone))
    bounds = _day_bounds(due, hours, zone)
    assert bounds is not None, "due on a closed day"
    opens, closes = bounds
    assert opens <= due <= closes
    if amount > 0:
        assert due > opens or due == _in_utc(start)  # a positive amount never ends at an opening


@FAST
@given(
    hours=week,
    zone=zones,
    start=instants,
    amount=seconds,
    pauses=st.lists(
        st.tuples(st.integers(-3 * 24 * 60, 40 * 24 * 60), st.integers(0, 5 * 24 * 60)),
        max_size=4,
    ),
)
def test_pauses_only_push_the_due_time_later_by_at_least_the_working_time_they_cover(
    hours, zone, start, amount, pauses
):
    paused = [
        (start + timedelta(minutes=offset), start + timedelta(minutes=offset + length))
        for offset, length in pauses
    ]
    due = add_working_seconds(start, amount, hours=hours, zone=zone)
    later = paused_add_working_seconds(start, amount, pauses=paused, hours=hours, zone=zone)
    assert _in_utc(later) >= _in_utc(due)
    counted = paused_working_seconds_between(start, later, pauses=paused, hours=hours, zone=zone)
    assert counted == amount
    covered = amount - paused_working_seconds_between(
        start, due, pauses=paused, hours=hours, zone=zone
    )
    assert working_seconds_between(due, later, hours=hours, zone=zone) >= covered


@FAST
@given(hours=week, zone=zones, start=instants, amount=st.integers(1, 40 * HOUR))
def test_a_pause_with_no_end_stops_the_clock(hours, zone, start, amount):
    assert (
        paused_add_working_seconds(start, amount, pauses=[(start, None)], hours=hours, zone=zone)
        is None
    )
    assert paused_working_seconds_between(
        start, start + timedelta(days=30), pauses=[(start, None)], hours=hours, zone=zone
    ) == pytest.approx(0)


def _nine_to_five(day: date):
    return (time(9), time(17)) if day.weekday() < 5 else None


def _small_hours(day: date):
    return time(0), time(6)


def test_a_day_on_which_the_clocks_change_is_as_long_as_it_really_is():
    berlin = ZoneInfo("Europe/Berlin")
    spring, autumn = date(2027, 3, 28), date(2027, 10, 31)  # Sundays: 02:00→03:00, 03:00→02:00
    for day, real_hours in ((spring, 5), (autumn, 7), (date(2027, 3, 27), 6)):
        start = datetime.combine(day, time(0), tzinfo=berlin)
        end = datetime.combine(day, time(12), tzinfo=berlin)
        measured = working_seconds_between(start, end, hours=_small_hours, zone=berlin)
        assert measured == real_hours * HOUR
    # Six working hours from Saturday midnight: all of Saturday; from Sunday midnight in spring,
    # five hours end at 06:00 and the sixth at 01:00 on Monday.
    saturday = datetime(2027, 3, 27, 0, 0, tzinfo=berlin)
    assert add_working_seconds(saturday, 6 * HOUR, hours=_small_hours, zone=berlin) == datetime(
        2027, 3, 27, 6, 0, tzinfo=berlin
    )
    sunday = datetime(2027, 3, 28, 0, 0, tzinfo=berlin)
    assert add_working_seconds(sunday, 6 * HOUR, hours=_small_hours, zone=berlin) == datetime(
        2027, 3, 29, 1, 0, tzinfo=berlin
    )


def test_new_york_office_hours_across_the_spring_change_keep_their_local_times():
    new_york = ZoneInfo("America/New_York")
    friday = datetime(2027, 3, 12, 15, 0, tzinfo=new_york)  # the clocks change on Sunday 14th
    due = add_working_seconds(friday, 4 * HOUR, hours=_nine_to_five, zone=new_york)
    assert due == datetime(2027, 3, 15, 11, 0, tzinfo=new_york)
    assert due.utcoffset() == timedelta(hours=-4)


def test_the_closing_convention_and_a_start_outside_hours():
    istanbul = ZoneInfo("Europe/Istanbul")
    monday_nine = datetime(2027, 3, 1, 9, 0, tzinfo=istanbul)
    # Exactly a day's worth of work lands on the closing, not on the next opening.
    assert add_working_seconds(monday_nine, 8 * HOUR, hours=_nine_to_five, zone=istanbul) == (
        datetime(2027, 3, 1, 17, 0, tzinfo=istanbul)
    )
    # Nothing to add at a closing: the closing itself; before opening: the opening.
    closing = datetime(2027, 3, 1, 17, 0, tzinfo=istanbul)
    assert add_working_seconds(closing, 0, hours=_nine_to_five, zone=istanbul) == closing
    night = datetime(2027, 3, 1, 22, 0, tzinfo=istanbul)
    assert add_working_seconds(night, 0, hours=_nine_to_five, zone=istanbul) == datetime(
        2027, 3, 2, 9, 0, tzinfo=istanbul
    )
    assert add_working_seconds(night, 60, hours=_nine_to_five, zone=istanbul) == datetime(
        2027, 3, 2, 9, 1, tzinfo=istanbul
    )


def test_a_calendar_without_working_days_and_negative_seconds_are_refused():
    istanbul = ZoneInfo("Europe/Istanbul")
    start = datetime(2027, 3, 1, 9, 0, tzinfo=istanbul)
    with pytest.raises(ValueError, match="No working day"):
        add_working_seconds(start, 60, hours=lambda day: None, zone=istanbul)
    with pytest.raises(ValueError, match="negative"):
        add_working_seconds(start, -1, hours=_nine_to_five, zone=istanbul)
    with pytest.raises(ValueError, match="aware"):
        working_seconds_between(datetime(2027, 3, 1), start, hours=_nine_to_five, zone=istanbul)
