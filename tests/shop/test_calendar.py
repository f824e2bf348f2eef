"""The business calendar: the Turkish holidays of a year from the holidays library (bayram eves
as half days closing at 13:00), kept as staff edit them, and the working time between two
instants as the complaint desk's SLA clock and the delivery promise will count it."""

from datetime import date, datetime, time

import pytest
from django.core.management import call_command

from shop.calendar import add_working_days, business_seconds_between, working_hours
from shop.models import CalendarDay
from shop.services import calendar_seed
from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db

HOUR = 3600


def at(day: str, clock: str) -> datetime:
    """An instant in Istanbul (UTC+3 all year)."""
    return datetime.fromisoformat(f"{day}T{clock}+03:00")


def test_2027_holds_the_bayrams_on_the_librarys_dates_with_their_eves_as_half_days():
    assert calendar_seed(year=2027) > 10
    days = {row.date: row for row in CalendarDay.objects.filter(date__year=2027)}
    ramazan = [d for d, row in days.items() if row.name.startswith("Ramazan Bayramı")]
    kurban = [d for d, row in days.items() if "Kurban Bayramı" in row.name]
    assert ramazan == [date(2027, 3, d) for d in (8, 9, 10, 11)]
    assert kurban == [date(2027, 5, d) for d in (15, 16, 17, 18, 19)]
    eve = days[date(2027, 3, 8)]
    assert (eve.kind, eve.closes_at, eve.name_en) == (
        "half_day",
        time(13),
        "Eid al-Fitr (from 1pm)",
    )
    assert days[date(2027, 3, 9)].kind == "holiday"
    assert days[date(2027, 10, 29)].name == "Cumhuriyet Bayramı"
    assert calendar_seed(year=2027) == 0  # a second run adds nothing


def test_a_staff_edit_survives_the_next_seed(admin_client):
    calendar_seed(year=2027)
    row = CalendarDay.objects.get(date=date(2027, 10, 28))  # the eve of Republic Day
    response = admin_client.post(
        f"/en/admin/shop/calendarday/{row.pk}/change/",
        {"date": "2027-10-28", "kind": "closed", "name": "Envanter sayımı", "name_en": ""},
    )
    assert response.status_code == 302
    call_command("seed_calendar", "--year", "2027", stdout=None)
    row.refresh_from_db()
    assert (row.kind, row.name, row.from_library) == ("closed", "Envanter sayımı", False)
    assert working_hours(date(2027, 10, 28)) is None


def test_working_hours_follow_weekdays_holidays_half_days_and_worked_weekends():
    calendar_seed(year=2027)
    CalendarDay.objects.create(date=date(2027, 3, 13), kind="working", name="Sayım cumartesisi")
    assert working_hours(date(2027, 3, 5)) == (time(9), time(18))  # a Friday
    assert working_hours(date(2027, 3, 6)) is None  # Saturday
    assert working_hours(date(2027, 3, 8)) == (time(9), time(13))  # the eve: until 13:00
    assert working_hours(date(2027, 3, 9)) is None  # Ramazan Bayramı
    assert working_hours(date(2027, 3, 13)) == (time(9), time(18))  # a Saturday worked
    assert working_hours(date(2027, 5, 15)) is None  # Kurban's eve is a Saturday: no work


def test_the_working_time_between_two_instants_skips_nights_weekends_and_holidays():
    calendar_seed(year=2027)
    # Friday 17:00 → Monday (the eve, until 13:00) 10:00: one hour on Friday, one on Monday.
    assert business_seconds_between(at("2027-03-05", "17:00"), at("2027-03-08", "10:00")) == (
        2 * HOUR
    )
    # Monday 12:00 → Friday 10:00 over the three days of bayram: 1 h + 1 h.
    assert business_seconds_between(at("2027-03-08", "12:00"), at("2027-03-12", "10:00")) == (
        2 * HOUR
    )
    # Within one evening, after hours: nothing.
    assert business_seconds_between(at("2027-03-04", "19:00"), at("2027-03-04", "23:00")) == 0
    assert business_seconds_between(at("2027-03-05", "10:00"), at("2027-03-05", "09:00")) == 0


def test_working_days_after_a_day_skip_the_bayram():
    calendar_seed(year=2027)
    assert add_working_days(date(2027, 3, 5), 1) == date(2027, 3, 8)  # the half day counts
    assert add_working_days(date(2027, 3, 5), 2) == date(2027, 3, 12)


def test_the_calendar_is_staff_only_with_its_own_permission(client):
    client.force_login(StaffFactory(is_superuser=False))
    assert client.get("/en/admin/shop/calendarday/").status_code == 403
