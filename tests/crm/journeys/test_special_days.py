"""The special days journey: the rows and their dates (the bayrams as the `holidays` library
gives them), the admin's next occurrence, and a greeting to everyone who consented, in batches,
in each customer's language, once."""

import datetime
import re
from zoneinfo import ZoneInfo

import holidays
import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import formats, timezone, translation

from crm.journeys.services import journey_switch
from crm.journeys.special_days import (
    calendar_holidays,
    special_days_batch,
    special_days_on,
    special_days_seed,
    special_days_sweep,
)
from crm.models import SpecialDay
from crm.notifications.models import Channel, Consent, ConsentCurrent, Message, Status
from crm.notifications.services import consent_set
from orders.models import Coupon
from shop.models import CalendarDay, User
from shop.services import calendar_seed
from tests.factories import StaffFactory, UserFactory

pytestmark = pytest.mark.django_db

ISTANBUL = ZoneInfo("Europe/Istanbul")


@pytest.fixture(autouse=True)
def seeded() -> None:
    special_days_seed()  # a transactional test elsewhere may have flushed the migration's rows


def at(year, month, day, hour, minute=0, zone=ISTANBUL) -> datetime.datetime:
    return datetime.datetime(year, month, day, hour, minute, tzinfo=zone)


def first_day_in_library(name: str, year: int) -> datetime.date:
    days = holidays.country_holidays("TR", years=year, language="tr")
    return min(day for day, names in days.items() if name in names.split("; "))


def seeded_row(key: str) -> SpecialDay:
    return SpecialDay.objects.get(seed_key=key)


def greetings(**filters):
    return Message.objects.filter(kind="special_day", **filters)


def test_the_2027_rows_hold_the_bayrams_on_the_librarys_dates():
    calendar_seed(year=2027)
    calendar = calendar_holidays(start=datetime.date(2027, 1, 1), end=datetime.date(2027, 12, 31))
    ramazan = seeded_row("ramazan-bayrami").dates_in(2027, calendar)
    kurban = seeded_row("kurban-bayrami").dates_in(2027, calendar)
    assert ramazan == [first_day_in_library("Ramazan Bayramı", 2027)]
    assert kurban == [first_day_in_library("Kurban Bayramı", 2027)]
    assert (ramazan, kurban) == ([datetime.date(2027, 3, 9)], [datetime.date(2027, 5, 16)])
    assert seeded_row("anneler-gunu").dates_in(2027, {}) == [datetime.date(2027, 5, 9)]
    assert seeded_row("babalar-gunu").dates_in(2027, {}) == [datetime.date(2027, 6, 20)]
    assert seeded_row("ogretmenler-gunu").dates_in(2027, {}) == [datetime.date(2027, 11, 24)]
    assert SpecialDay.objects.filter(enabled=True).count() == 12


def test_a_year_missing_from_the_calendar_is_seeded_not_a_crash():
    CalendarDay.objects.filter(date__year=2027).delete()
    [today] = special_days_on(day=datetime.date(2027, 5, 16))
    assert today.seed_key == "kurban-bayrami"
    assert CalendarDay.objects.filter(date__year=2027).exists()
    assert special_days_on(day=datetime.date(2027, 5, 17)) == []  # the second day: no new greeting


def test_the_admin_lists_each_rows_next_occurrence_with_one_read_of_the_calendar(client):
    calendar_seed(year=2027)
    calendar_seed(year=2028)
    url = reverse("admin:crm_specialday_changelist")
    with time_machine.travel(at(2027, 3, 20, 12), tick=False):
        client.force_login(StaffFactory(language="en"))
        client.get(url)  # the first request of a session does a little more
        with CaptureQueriesContext(connection) as first:
            response = client.get(url)
        assert response.status_code == 200
        page = response.content.decode()
        for n in range(5):
            SpecialDay.objects.create(
                name=f"Kandil {n}", rule="date", date=datetime.date(2027, 9, n + 1)
            )
        with CaptureQueriesContext(connection) as more:
            assert client.get(url).status_code == 200
    assert len(more) == len(first)
    next_kurban = first_day_in_library("Kurban Bayramı", 2027)
    next_ramazan = first_day_in_library("Ramazan Bayramı", 2028)  # this year's has passed
    language = re.search(r'<html lang="(\w+)"', page).group(1)
    with translation.override(language):
        shown = [
            formats.date_format(day, "DATE_FORMAT")
            for day in (
                next_kurban,
                next_ramazan,
                datetime.date(2027, 5, 9),
                datetime.date(2028, 1, 1),
            )
        ]
    assert all(day in page for day in shown), shown  # Kurban, Ramazan, Anneler Günü, Yılbaşı


def test_a_greeting_batch_of_5000_customers_greets_each_once(
    settings, django_capture_on_commit_callbacks
):
    """5,000 customers (bulk inserts), half of them English; ten batch tasks, run as a worker
    would; run twice, nothing more. On the real clock (a frozen one slows every render), with a
    day staff added for today as the only one switched on."""
    settings.JOURNEY_SPECIAL_DAYS_BATCH_SIZE = 500
    SpecialDay.objects.update(enabled=False)
    today = timezone.localdate()
    row = SpecialDay.objects.create(name="Kandil", name_en="Holy Night", rule="date", date=today)
    users = User.objects.bulk_create(
        User(
            email=f"toplu{n}@example.com",
            first_name=f"Müşteri{n}",
            language="en" if n % 2 else "tr",
            password="!",
        )
        for n in range(5000)
    )
    ConsentCurrent.objects.bulk_create(
        ConsentCurrent(
            user=user, channel=Channel.EMAIL, granted=True, recipient=user.email, source="signup"
        )
        for user in users
    )
    with django_capture_on_commit_callbacks() as batches:
        assert special_days_sweep() == 5000
    assert len(batches) == 10
    for batch in batches:  # as the worker runs them; each batch's deliveries are left queued
        batch()
    with django_capture_on_commit_callbacks() as batches:
        assert special_days_sweep() == 0
    assert batches == []
    sent = greetings(channel=Channel.EMAIL)
    assert sent.count() == 5000
    assert sent.values("user").distinct().count() == 5000
    morning = datetime.datetime.combine(today, datetime.time(10), ISTANBUL)
    assert set(sent.values_list("not_before", flat=True)) <= {morning, *_quiet_ends(sent)}
    english, turkish = sent.get(user=users[1]), sent.get(user=users[0])
    assert english.subject_line.startswith("Holy Night")
    assert turkish.subject_line.startswith("Kandil")
    assert turkish.dedupe_key == f"special-day:{row.pk}:{today.isoformat()}:{users[0].pk}"


def _quiet_ends(sent) -> set:
    """After 10:00 a greeting goes at once, or when the quiet hours end (both are fine here)."""
    return set(sent.exclude(status_reason="not before").values_list("not_before", flat=True))


def customer(*, language: str, zone: str = "", **fields) -> User:
    user = UserFactory(language=language, time_zone=zone, **fields)
    for channel in (Channel.EMAIL, Channel.SMS):
        consent_set(user=user, channel=channel, granted=True, source=Consent.Source.SIGNUP)
    return user


def test_each_customer_reads_it_in_their_language_with_the_coupon_and_greeting_line(
    django_capture_on_commit_callbacks,
):
    ramazan = seeded_row("ramazan-bayrami")
    ramazan.coupon = Coupon.objects.create(code="BAYRAM10", kind="percent", value=10)
    ramazan.greeting, ramazan.greeting_en = "Bayramınız mübarek olsun.", "Eid Mubarak!"
    ramazan.save()
    ayse = customer(language="tr")
    john = customer(language="en", first_name="John", zone="America/New_York")
    calendar_seed(year=2027)
    with (
        time_machine.travel(at(2027, 3, 9, 9), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        special_days_sweep()
    turkish = greetings(user=ayse, channel=Channel.EMAIL).get()
    assert "Merhaba Ayşe" in turkish.body_text
    assert "Ramazan Bayramı vesilesiyle" in turkish.body_text
    assert "Bayramınız mübarek olsun." in turkish.body_text
    assert "BAYRAM10" in turkish.body_text and "BAYRAM10" in turkish.body_html
    english = greetings(user=john, channel=Channel.EMAIL).get()
    assert "Hello John" in english.body_text and "On Eid al-Fitr" in english.body_text
    assert "Eid Mubarak!" in english.body_text
    assert english.not_before == at(2027, 3, 9, 10, zone=ZoneInfo("America/New_York"))
    sms = greetings(user=john, channel=Channel.SMS).get()
    assert "Eid al-Fitr" in sms.body_text and "Gift code: BAYRAM10" in sms.body_text
    assert turkish.status == english.status == Status.DEFERRED


def test_a_switched_off_row_sends_nothing():
    customer(language="tr")
    SpecialDay.objects.filter(seed_key="29-ekim").update(enabled=False)
    with time_machine.travel(at(2027, 10, 29, 11), tick=False):
        assert special_days_sweep() == 0
    assert not greetings().exists()


def test_a_row_switched_off_after_its_batches_were_queued_sends_nothing():
    ayse = customer(language="tr")
    row = seeded_row("23-nisan")
    row.enabled = False
    row.save()
    sent = special_days_batch(
        special_day_id=row.pk,
        day=datetime.date(2027, 4, 23),
        channel=Channel.EMAIL,
        first_id=ayse.pk,
        last_id=ayse.pk,
    )
    assert sent == 0 and not greetings().exists()


def test_the_journey_switched_off_sends_nothing():
    customer(language="tr")
    journey_switch(name="special_days", enabled=False, staff=StaffFactory())
    with time_machine.travel(at(2027, 10, 29, 11), tick=False):
        assert special_days_sweep() == 0
    assert not greetings().exists()


def test_an_ordinary_day_sends_nothing():
    customer(language="tr")
    with time_machine.travel(at(2027, 10, 30, 11), tick=False):
        assert special_days_sweep() == 0
    assert not greetings().exists()


def test_batches_killed_midway_and_the_sweep_run_again_greet_each_once(
    settings, django_capture_on_commit_callbacks
):
    settings.JOURNEY_SPECIAL_DAYS_BATCH_SIZE = 2
    people = [customer(language="tr") for _ in range(5)]
    with time_machine.travel(at(2027, 8, 30, 11), tick=False):
        with django_capture_on_commit_callbacks() as batches:
            special_days_sweep()
        assert len(batches) == 6  # three ranges on each channel
        batches[0]()  # the worker died after the first batch
        with django_capture_on_commit_callbacks() as again:
            assert special_days_sweep() == 8  # what the first batch did is not owed any more
        for batch in [*again, *batches]:  # and the lost batches turn up after all
            batch()
    for user in people:
        assert greetings(user=user, channel=Channel.EMAIL).count() == 1
        assert greetings(user=user, channel=Channel.SMS).count() == 1


def test_staff_add_a_kandil_night_for_one_year_but_not_a_holiday_the_calendar_lacks(client):
    calendar_seed(year=2027)
    with time_machine.travel(at(2027, 1, 2, 12), tick=False):
        client.force_login(StaffFactory(language="en"))
        url = reverse("admin:crm_specialday_add")
        fields = {"name": "Kadir Gecesi", "name_en": "Night of Power", "enabled": "on"}
        response = client.post(url, {**fields, "rule": "date", "date": "2027-03-03"})
        assert response.status_code == 302
        response = client.post(url, {**fields, "rule": "holiday", "holiday_name": "Kandil"})
        assert response.status_code == 200  # the form again, with the error
    kandil = SpecialDay.objects.get(name="Kadir Gecesi")
    assert kandil.next_occurrence(today=datetime.date(2027, 1, 2), holidays={}) == datetime.date(
        2027, 3, 3
    )
    assert kandil.next_occurrence(today=datetime.date(2027, 3, 4), holidays={}) is None
