"""The birthday journey: one greeting and one coupon per birthday, in the customer's own time
zone and between 10:00 and 20:00 there, never twice, and skipped (counted) without consent."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail

from crm.journeys.birthday import birthday_greet, birthday_occasions, birthday_sweep
from crm.journeys.selectors import journeys_report
from crm.journeys.services import journey_switch
from crm.models import CustomerProfile
from crm.notifications.models import Channel, Consent, Message, Status
from crm.notifications.services import consent_set
from orders.models import Coupon
from shop.background import task_named
from tests.conftest import wait_until
from tests.factories import StaffFactory, UserFactory

pytestmark = pytest.mark.django_db

ISTANBUL = ZoneInfo("Europe/Istanbul")
TOKYO = ZoneInfo("Asia/Tokyo")
NEW_YORK = ZoneInfo("America/New_York")


def at(year, month, day, hour, minute=0, zone=ISTANBUL) -> datetime.datetime:
    return datetime.datetime(year, month, day, hour, minute, tzinfo=zone)


def customer(
    born: datetime.date | None,
    *,
    zone: str = "",
    consent: tuple[str, ...] = (Channel.EMAIL,),
    **fields,
):
    user = UserFactory(time_zone=zone, **fields)
    if born is not None:
        CustomerProfile.objects.create(user=user, birth_date=born)
    for channel in consent:
        consent_set(user=user, channel=channel, granted=True, source=Consent.Source.SIGNUP)
    return user


def greetings(user, channel: str = Channel.EMAIL):
    return Message.objects.filter(kind="birthday", user=user, channel=channel)


def test_run_twice_one_greeting_and_one_coupon_with_its_code():
    ayse = customer(datetime.date(1990, 3, 15), consent=(Channel.EMAIL, Channel.SMS))
    with time_machine.travel(at(2027, 3, 15, 12), tick=False):
        assert birthday_sweep() == 1
        assert birthday_sweep() == 0
    email = greetings(ayse).get()
    sms = greetings(ayse, Channel.SMS).get()
    coupon = Coupon.objects.get(user=ayse)
    assert email.dedupe_key == f"birthday:{ayse.pk}:2027"
    assert email.status == Status.QUEUED and sms.status == Status.QUEUED
    assert email.subject_line == "İyi ki doğdunuz, Ayşe!"
    assert coupon.code in email.body_text and coupon.code in sms.body_text
    assert "%10" in email.body_text
    assert coupon.value == 10 and coupon.max_uses == 1
    assert (coupon.ends_at - at(2027, 3, 15, 12)).days == 14


def test_a_sweep_killed_midway_and_run_again_greets_each_once():
    people = [customer(datetime.date(1980 + n, 6, 1)) for n in range(6)]
    now = at(2027, 6, 1, 11)
    with time_machine.travel(now, tick=False):
        occasions = birthday_occasions(now=now)
        assert len(occasions) == 6
        for user, occasion in occasions[:3]:  # the worker died after the third
            birthday_greet(user=user, occasion=occasion, reachable=True, now=now)
        assert birthday_sweep() == 3
        assert birthday_sweep() == 0
    for user in people:
        assert greetings(user).count() == 1
        assert Coupon.objects.filter(user=user).count() == 1


def test_birthdays_around_midnight_in_each_time_zone():
    """21:30 UTC on 15 March: already the 16th in Istanbul (00:30) and Tokyo (06:30), still the
    15th in New York (17:30)."""
    istanbul_16 = customer(datetime.date(1990, 3, 16), zone="Europe/Istanbul")
    istanbul_15 = customer(datetime.date(1990, 3, 15), zone="Europe/Istanbul")
    tokyo_16 = customer(datetime.date(1985, 3, 16), zone="Asia/Tokyo")
    new_york_15 = customer(datetime.date(1975, 3, 15), zone="America/New_York")
    new_york_16 = customer(datetime.date(1975, 3, 16), zone="America/New_York")
    with time_machine.travel(
        datetime.datetime(2027, 3, 15, 21, 30, tzinfo=datetime.UTC), tick=False
    ):
        birthday_sweep()
    istanbul = greetings(istanbul_16).get()
    assert istanbul.status == Status.DEFERRED
    assert istanbul.not_before == at(2027, 3, 16, 10)
    assert greetings(tokyo_16).get().not_before == at(2027, 3, 16, 10, zone=TOKYO)
    assert greetings(new_york_15).get().status == Status.QUEUED  # 17:30 there: at once
    assert not greetings(istanbul_15).exists()  # that birthday ended at midnight
    assert not greetings(new_york_16).exists()  # not yet the 16th there
    with time_machine.travel(at(2027, 3, 16, 0, 5, zone=NEW_YORK), tick=False):
        birthday_sweep()
    assert greetings(new_york_16).get().not_before == at(2027, 3, 16, 10, zone=NEW_YORK)
    assert greetings(istanbul_16).count() == 1


def test_29_february_is_greeted_on_28_february_in_a_common_year():
    leapling = customer(datetime.date(2000, 2, 29))
    with time_machine.travel(at(2027, 2, 28, 11), tick=False):
        birthday_sweep()
    with time_machine.travel(at(2027, 3, 1, 11), tick=False):
        birthday_sweep()
    assert greetings(leapling).get().dedupe_key == f"birthday:{leapling.pk}:2027"
    with time_machine.travel(at(2028, 2, 28, 11), tick=False):
        birthday_sweep()
    assert greetings(leapling).count() == 1  # a leap year: the 29th is the day
    with time_machine.travel(at(2028, 2, 29, 11), tick=False):
        birthday_sweep()
    assert greetings(leapling).count() == 2


def test_without_consent_skipped_and_counted_in_the_report_with_no_coupon():
    silent = customer(datetime.date(1990, 5, 5), consent=())
    customer(None)  # consents, but has not told us a birth date
    with time_machine.travel(at(2027, 5, 5, 12), tick=False):
        assert birthday_sweep() == 0
        report = {row.journey.name: row for row in journeys_report()}["birthday"]
    skipped = greetings(silent).get()
    assert skipped.status == Status.SUPPRESSED and skipped.status_reason == "no consent"
    assert not Coupon.objects.filter(user=silent).exists()
    assert report.skipped == {"no consent": 2}  # email and SMS (the factory gives a phone)
    assert report.unreachable == {"no birth date": 1}
    assert report.last_run.examined == 1 and report.last_run.queued == 0


def test_found_after_20_00_it_waits_for_the_next_morning():
    late = customer(datetime.date(1995, 9, 30), zone="Europe/Istanbul")
    with time_machine.travel(at(2027, 9, 30, 21), tick=False):
        birthday_sweep()
    greeting = greetings(late).get()
    assert greeting.status == Status.DEFERRED
    assert greeting.not_before == at(2027, 10, 1, 10)
    with time_machine.travel(at(2027, 10, 1, 9), tick=False):
        birthday_sweep()  # the next day's sweeps add nothing
    assert greetings(late).count() == 1


def test_before_10_00_it_waits_until_10_00():
    early = customer(datetime.date(1995, 9, 30))
    with time_machine.travel(at(2027, 9, 30, 0, 30), tick=False):
        birthday_sweep()
    assert greetings(early).get().not_before == at(2027, 9, 30, 10)


def test_switched_off_nothing_is_sent_nor_issued():
    ayse = customer(datetime.date(1990, 3, 15))
    journey_switch(name="birthday", enabled=False, staff=StaffFactory())
    with time_machine.travel(at(2027, 3, 15, 12), tick=False):
        assert birthday_sweep() == 0
    assert not greetings(ayse).exists()
    assert not Coupon.objects.filter(user=ayse).exists()


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_the_real_worker_sends_the_greeting(celery_worker):
    """The real clock (a frozen one would hold up the worker's own timers): the customer lives
    where it is now early afternoon, and it is their birthday there."""
    now = datetime.datetime.now(datetime.UTC)
    offset = 13 - now.hour  # hours east of UTC where it is 13:xx now
    offset = offset - 24 if offset > 14 else offset + 24 if offset < -12 else offset
    zone = f"Etc/GMT{-offset:+d}" if offset else "UTC"  # Etc/GMT-3 is three hours east
    local_today = now.astimezone(ZoneInfo(zone)).date()
    ayse = customer(local_today.replace(year=1992), zone=zone, language="en")
    task_named("crm.journey_birthday").delay()
    assert wait_until(lambda: greetings(ayse).filter(status=Status.SENT).exists())
    coupon = Coupon.objects.get(user=ayse)
    [sent] = [m for m in mail.outbox if m.to == [ayse.email]]
    assert sent.subject == "Happy birthday, Ayşe!"
    assert coupon.code in sent.body
