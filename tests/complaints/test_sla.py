"""The complaint desk's SLA clock (complaints.sla) on the shop's calendar: 09:00–18:00 Monday to
Friday in Istanbul (UTC+3 all year), the 2027 holidays from the `holidays` library — Ramazan
Bayramı on 9–11 March with its eve, Monday 8 March, closing at 13:00; Kurban Bayramı on 16–19
May — and the waiting-on-customer pauses. Every due time below is counted by hand."""

from datetime import datetime

import pytest
import time_machine
from django.utils import timezone

from complaints.sla import sla_due_at, sla_elapsed, sla_fraction, sla_warning_at
from shop.models import CalendarDay
from shop.services import calendar_seed

pytestmark = pytest.mark.django_db

HOUR = 3600


def at(day: str, clock: str) -> datetime:
    """An instant in Istanbul."""
    return datetime.fromisoformat(f"{day}T{clock}+03:00")


@pytest.fixture(autouse=True)
def calendar_2027():
    calendar_seed(year=2027)


def test_the_library_puts_ramazan_bayrami_and_its_eve_where_these_tests_count_them():
    days = {row.date.isoformat(): row for row in CalendarDay.objects.filter(date__year=2027)}
    assert (days["2027-03-08"].kind, days["2027-03-08"].closes_at.hour) == ("half_day", 13)
    assert [days[f"2027-03-{d:02}"].kind for d in (9, 10, 11)] == ["holiday"] * 3
    assert [days[f"2027-05-{d}"].kind for d in (16, 17, 18, 19)] == ["holiday"] * 4
    assert "2027-03-12" not in days and "2027-05-20" not in days  # ordinary working days


def test_over_a_night_the_clock_stops_at_closing_and_goes_on_at_opening():
    # Thursday 16:00 + 4 h: two hours on Thursday, two on Friday morning.
    assert sla_due_at(opened_at=at("2027-03-04", "16:00"), target_seconds=4 * HOUR) == at(
        "2027-03-05", "11:00"
    )
    # Opened in the evening: the clock starts at Friday's opening.
    assert sla_due_at(opened_at=at("2027-03-04", "20:30"), target_seconds=HOUR) == at(
        "2027-03-05", "10:00"
    )


def test_over_a_weekend_nothing_counts():
    # Friday 17:00 + 3 h: one hour on Friday, two on Monday.
    assert sla_due_at(opened_at=at("2027-02-26", "17:00"), target_seconds=3 * HOUR) == at(
        "2027-03-01", "11:00"
    )
    # Opened on Saturday: counted from Monday 09:00.
    assert sla_due_at(opened_at=at("2027-02-27", "10:00"), target_seconds=2 * HOUR) == at(
        "2027-03-01", "11:00"
    )


def test_over_ramazan_bayrami_the_eve_counts_until_13_and_the_bayram_not_at_all():
    opened = at("2027-03-05", "15:00")  # Friday before the eve
    # Friday 15–18 (3 h) + the eve 09–13 (4 h) = 7 h: due exactly at the eve's closing.
    assert sla_due_at(opened_at=opened, target_seconds=7 * HOUR) == at("2027-03-08", "13:00")
    # One hour more: the bayram (Tue–Thu) is skipped, Friday 12 March 10:00.
    assert sla_due_at(opened_at=opened, target_seconds=8 * HOUR) == at("2027-03-12", "10:00")
    # Two working days (16 h): 3 + 4 + 9 → Friday 12 March at closing, not Monday's opening.
    assert sla_due_at(opened_at=opened, target_seconds=16 * HOUR) == at("2027-03-12", "18:00")
    assert sla_elapsed(opened_at=opened, now=at("2027-03-11", "17:00")) == 7 * HOUR


def test_over_kurban_bayrami_its_weekday_holidays_are_skipped():
    # Friday 14 May 17:00 + 2 h: 1 h on Friday; the eve is a Saturday (no work, though it is a
    # half day); Monday 17 to Wednesday 19 are the bayram; Thursday 20 May 10:00.
    assert sla_due_at(opened_at=at("2027-05-14", "17:00"), target_seconds=2 * HOUR) == at(
        "2027-05-20", "10:00"
    )


def test_waiting_on_the_customer_pauses_the_clock():
    opened = at("2027-03-01", "10:00")  # Monday
    assert sla_due_at(opened_at=opened, target_seconds=8 * HOUR) == at("2027-03-01", "18:00")
    # Waiting from Monday 14:00 until the customer answers on Tuesday 11:00: 4 h used before,
    # the remaining 4 h from Tuesday 11:00.
    waited = [(at("2027-03-01", "14:00"), at("2027-03-02", "11:00"))]
    assert sla_due_at(opened_at=opened, target_seconds=8 * HOUR, pauses=waited) == at(
        "2027-03-02", "15:00"
    )
    # Still waiting: the clock is stopped, there is no due time.
    waiting = [(at("2027-03-01", "14:00"), None)]
    assert sla_due_at(opened_at=opened, target_seconds=8 * HOUR, pauses=waiting) is None


def test_a_pause_over_the_bayram_only_holds_back_the_working_hours_it_covers():
    opened = at("2027-03-05", "15:00")
    # 3 h on Friday, 3 h on the eve until 12:00, waiting until Friday 12 March 09:30: the
    # remaining 2 h from 09:30.
    waited = [(at("2027-03-08", "12:00"), at("2027-03-12", "09:30"))]
    assert sla_due_at(opened_at=opened, target_seconds=8 * HOUR, pauses=waited) == at(
        "2027-03-12", "11:30"
    )


@time_machine.travel(at("2027-03-02", "13:00"), tick=False)
def test_elapsed_fraction_and_the_80_percent_warning_now():
    opened = at("2027-03-01", "10:00")
    waited = [(at("2027-03-01", "14:00"), at("2027-03-02", "11:00"))]
    clock = {"opened_at": opened, "target_seconds": 8 * HOUR, "pauses": waited}
    # Monday 10–14 and Tuesday 11–13: six of eight hours.
    assert sla_elapsed(opened_at=opened, now=timezone.now(), pauses=waited) == 6 * HOUR
    assert sla_fraction(now=timezone.now(), **clock) == 0.75
    # 80 % is 6 h 24 min: Tuesday 13:24.
    assert sla_warning_at(**clock) == at("2027-03-02", "13:24")
    with time_machine.travel(at("2027-03-02", "13:24"), tick=False):
        assert sla_fraction(now=timezone.now(), **clock) == 0.8
    with time_machine.travel(at("2027-03-03", "10:00"), tick=False):
        assert sla_fraction(now=timezone.now(), **clock) == 1.5  # 4 + 7 + 1 hours: breached


@time_machine.travel(at("2027-03-04", "16:00"), tick=False)
def test_while_the_customer_has_not_answered_the_clock_does_not_move():
    opened = at("2027-03-01", "10:00")
    waiting = [(at("2027-03-01", "14:00"), None)]
    assert sla_elapsed(opened_at=opened, now=timezone.now(), pauses=waiting) == 4 * HOUR
    assert sla_warning_at(opened_at=opened, target_seconds=8 * HOUR, pauses=waiting) is None


def test_a_due_time_reads_the_calendar_in_one_query(django_assert_num_queries):
    with django_assert_num_queries(1):
        sla_due_at(opened_at=at("2027-03-05", "15:00"), target_seconds=40 * HOUR)


def test_a_target_must_be_positive():
    with pytest.raises(ValueError):
        sla_fraction(
            opened_at=at("2027-03-01", "10:00"), now=at("2027-03-01", "11:00"), target_seconds=0
        )
