"""The win-back journey: a customer of two orders or more who has been away longer than twice
their usual gap between orders (and at least 60 days) gets one message a quarter, with a
personal coupon when the shop offers one."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.core import mail

from crm.customer360.stats import customer_stats_refresh
from crm.journeys.selectors import journeys_report
from crm.journeys.win_back import win_back_sweep
from crm.notifications.models import Channel, Consent, Message, Status
from crm.notifications.services import consent_set
from crm.tasks import journey_win_back
from orders.models import Coupon
from shop.celery import PERIODIC_JOBS
from tests.factories import OrderFactory, UserFactory

pytestmark = pytest.mark.django_db

NOW = datetime(2027, 4, 12, 9, 0, tzinfo=UTC)  # noon in Istanbul, in the second quarter


def _customer(*, consent: bool = True, sms: bool = False, **fields):
    fields = {"language": "en", **fields}
    user = UserFactory(time_zone="Europe/Istanbul", **fields)
    if consent:
        consent_set(user=user, channel=Channel.EMAIL, granted=True, source=Consent.Source.SIGNUP)
    if sms:
        consent_set(user=user, channel=Channel.SMS, granted=True, source=Consent.Source.SIGNUP)
    return user


def _ordered(user, *days_ago: int, status: str = "delivered") -> None:
    """Orders placed that many days before NOW; the customer figures brought up to date."""
    for days in days_ago:
        OrderFactory(user=user, status=status, placed_at=NOW - timedelta(days=days))
    customer_stats_refresh(user_ids=[user.pk], now=NOW)


def _sweep(capture, at: datetime = NOW):
    with time_machine.travel(at, tick=False), capture(execute=True):
        return win_back_sweep()


def _messages(user) -> list[Message]:
    return list(Message.objects.filter(kind="win_back", user=user).order_by("pk"))


def test_orders_a_month_apart_and_the_last_61_days_ago_get_one_message_with_a_coupon(
    django_capture_on_commit_callbacks,
):
    customer = _customer(first_name="Deniz")
    _ordered(customer, 91, 61)
    tally = _sweep(django_capture_on_commit_callbacks)
    assert (tally.examined, tally.queued) == (1, 1)
    [row] = _messages(customer)
    assert (row.dedupe_key, row.status) == (f"win-back:{customer.pk}:2027-Q2", Status.SENT)
    coupon = Coupon.objects.get(user=customer)
    assert (coupon.kind, coupon.value, coupon.issue_key) == (
        "percent",
        Decimal("10"),
        row.dedupe_key,
    )
    [email] = mail.outbox
    assert email.subject == "We miss you, Deniz"
    assert coupon.code in email.body and "10% off your next order" in email.body
    assert "Visit the shop" in email.body and "Unsubscribe" in email.body


def test_a_customer_with_a_long_usual_gap_waits_until_twice_that_gap_has_passed(
    django_capture_on_commit_callbacks,
):
    customer = _customer()
    _ordered(customer, 250, 150)  # 100 days apart, the last 150 days ago: under twice the gap
    assert _sweep(django_capture_on_commit_callbacks).examined == 0
    assert not _messages(customer)
    tally = _sweep(django_capture_on_commit_callbacks, at=NOW + timedelta(days=51))  # 201 days
    assert tally.queued == 1 and len(_messages(customer)) == 1


def test_a_one_order_customer_gets_none_and_neither_do_unpaid_or_cancelled_orders(
    django_capture_on_commit_callbacks,
):
    once = _customer()
    _ordered(once, 200)
    unpaid = _customer()
    _ordered(unpaid, 260, 200)
    _ordered(unpaid, 10, status="pending_payment")  # recent, but never accepted
    _ordered(unpaid, 5, status="cancelled")
    twice_but_one_cancelled = _customer()
    _ordered(twice_but_one_cancelled, 300)
    _ordered(twice_but_one_cancelled, 200, status="cancelled")
    _sweep(django_capture_on_commit_callbacks)
    assert not _messages(once) and not _messages(twice_but_one_cancelled)
    assert len(_messages(unpaid)) == 1  # its accepted orders: 60 days apart, 200 ago: due


def test_once_a_quarter_however_often_the_job_runs(django_capture_on_commit_callbacks):
    customer = _customer()
    _ordered(customer, 100, 70)
    assert _sweep(django_capture_on_commit_callbacks).queued == 1
    assert _sweep(django_capture_on_commit_callbacks).examined == 0  # run again
    next_month = NOW + timedelta(days=30)  # the same quarter
    with (
        time_machine.travel(next_month, tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        journey_win_back.delay()
    assert len(_messages(customer)) == 1
    assert _sweep(django_capture_on_commit_callbacks, at=NOW + timedelta(days=90)).queued == 1
    [first, second] = _messages(customer)
    assert first.dedupe_key == f"win-back:{customer.pk}:2027-Q2"
    assert second.dedupe_key == f"win-back:{customer.pk}:2027-Q3"
    assert Coupon.objects.filter(user=customer).count() == 2  # a coupon of its own each quarter
    assert len(mail.outbox) == 2


def test_without_consent_the_customer_is_skipped_counted_and_given_no_coupon(
    django_capture_on_commit_callbacks,
):
    customer = _customer(consent=False)
    _ordered(customer, 100, 70)
    tally = _sweep(django_capture_on_commit_callbacks)
    assert (tally.examined, tally.queued) == (1, 0)
    [row] = _messages(customer)  # one skip for the person, not one per channel
    assert (row.status, row.status_reason) == (Status.SUPPRESSED, "no consent")
    assert not Coupon.objects.filter(user=customer).exists() and not mail.outbox
    with time_machine.travel(NOW, tick=False):
        report = {row.journey.name: row for row in journeys_report()}["win_back"]
    assert report.skipped == {"no consent": 1} and report.sent == 0
    assert report.unreachable == {"no consent": 1}


def test_a_text_message_too_when_the_customer_said_yes_to_sms(django_capture_on_commit_callbacks):
    customer = _customer(sms=True)
    _ordered(customer, 100, 70)
    _sweep(django_capture_on_commit_callbacks)
    sms = Message.objects.get(kind="win_back", user=customer, channel=Channel.SMS)
    code = Coupon.objects.get(user=customer).code
    assert sms.status == Status.SENT and code in sms.body_text and "STOP" in sms.body_text


def test_no_coupon_when_the_shop_offers_none(settings, django_capture_on_commit_callbacks):
    settings.JOURNEY_WINBACK_COUPON_PERCENT = 0
    customer = _customer()
    _ordered(customer, 100, 70)
    _sweep(django_capture_on_commit_callbacks)
    [email] = mail.outbox
    assert "code" not in email.body.lower()
    assert not Coupon.objects.filter(user=customer).exists()


def test_a_sweep_killed_mid_batch_and_run_again_sends_each_customer_one(
    django_capture_on_commit_callbacks, monkeypatch
):
    from crm.journeys import win_back as journey

    customers = [_customer() for _ in range(3)]
    for customer in customers:
        _ordered(customer, 100, 70)
    real_send, calls = journey.notification_send, []

    def dies_on_the_second(**kwargs):
        calls.append(kwargs["dedupe_key"])
        if len(calls) == 2:
            raise SystemExit("worker killed")
        return real_send(**kwargs)

    monkeypatch.setattr(journey, "notification_send", dies_on_the_second)
    with pytest.raises(SystemExit):
        _sweep(django_capture_on_commit_callbacks)
    monkeypatch.setattr(journey, "notification_send", real_send)
    assert _sweep(django_capture_on_commit_callbacks).queued == 2
    assert _sweep(django_capture_on_commit_callbacks).queued == 0
    for customer in customers:
        assert len(_messages(customer)) == 1
        assert Coupon.objects.filter(user=customer).count() == 1  # the died one's rolled back
    assert len(mail.outbox) == 3


def test_the_job_is_declared():
    assert PERIODIC_JOBS["journey-win-back"] == (
        "crm.journey_win_back",
        "JOURNEY_WIN_BACK_EVERY_SECONDS",
    )


def test_a_turkish_customer_reads_it_in_turkish(django_capture_on_commit_callbacks):
    customer = _customer(language="tr", first_name="Elif", sms=True)
    _ordered(customer, 100, 70)
    _sweep(django_capture_on_commit_callbacks)
    email = next(m for m in mail.outbox)
    code = Coupon.objects.get(user=customer).code
    assert email.subject == "Sizi özledik, Elif"
    assert "%10 indirim için size özel kodunuz: " + code in email.body
    sms = Message.objects.get(kind="win_back", user=customer, channel=Channel.SMS)
    assert sms.body_text.startswith("Dükkan: Sizi özledik, Elif!")
    assert f"{code} kodu ile" in sms.body_text
