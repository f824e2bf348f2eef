"""The forgotten cart journey: one reminder per cart, at today's prices, never for a cart that
was ordered (even when it is ordered while the reminder waits out the quiet hours)."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.core import mail

from catalog.models import Variant
from crm.journeys.carts import abandoned_carts_sweep
from crm.journeys.selectors import journeys_report
from crm.models import JourneyRun
from crm.notifications.models import Channel, Consent, Message, Status
from crm.notifications.services import consent_set, messages_relay
from crm.tasks import journey_abandoned_carts
from orders import services as order_services
from orders.models import Cart
from shop.celery import PERIODIC_JOBS
from tests.conftest import wait_until
from tests.factories import UserFactory
from tests.orders.helpers import cart_with, place, shipping_setup, stocked_variant

pytestmark = pytest.mark.django_db

# 10:00 in Istanbul: the cart is filled, then left.
FILLED = datetime(2027, 3, 10, 7, 0, tzinfo=UTC)
DUE = FILLED + timedelta(hours=5)  # past the 4 idle hours, 15:00 in Istanbul


def _customer(*, consent: bool = True, **fields):
    fields = {"language": "en", **fields}
    user = UserFactory(time_zone="Europe/Istanbul", verified=True, **fields)
    if consent:
        consent_set(user=user, channel=Channel.EMAIL, granted=True, source=Consent.Source.SIGNUP)
    return user


def _reminders(**filters):
    return list(Message.objects.filter(kind="abandoned_cart", **filters))


def _sweep(capture) -> object:
    with capture(execute=True):
        return abandoned_carts_sweep()


def test_a_forgotten_cart_gets_one_reminder_with_its_lines_however_often_the_job_runs(
    django_capture_on_commit_callbacks,
):
    customer = _customer(first_name="Deniz")
    with time_machine.travel(FILLED, tick=False):
        cart = cart_with((stocked_variant(price="120.00"), 2), user=customer)
    with time_machine.travel(FILLED + timedelta(hours=3), tick=False):  # not idle long enough
        assert _sweep(django_capture_on_commit_callbacks).queued == 0
    with time_machine.travel(DUE, tick=False):
        first = _sweep(django_capture_on_commit_callbacks)
        second = _sweep(django_capture_on_commit_callbacks)
    with time_machine.travel(DUE + timedelta(hours=1), tick=False):
        journey_abandoned_carts.delay()  # the periodic job itself, an hour later
    assert (first.examined, first.queued, second.examined, second.queued) == (1, 1, 0, 0)
    [row] = _reminders()
    assert (row.dedupe_key, row.status, row.user) == (f"abandoned-cart:{cart.pk}", "sent", customer)
    [email] = mail.outbox
    assert email.to == [customer.email]
    assert email.subject == "You left something in your cart"
    assert "Hello Deniz," in email.body
    assert "2 × Product" in email.body and "₺240.00 (₺120.00 each)" in email.body
    assert "login/?next=%2Fen%2Fcart%2F" in email.body and "Unsubscribe" in email.body
    html = email.alternatives[0][0]
    assert "₺120.00" in html and "Go to your cart" in html


def test_the_reminder_shows_todays_prices_not_those_when_the_item_was_added(
    django_capture_on_commit_callbacks,
):
    customer = _customer()
    with time_machine.travel(FILLED, tick=False):
        variant = stocked_variant(price="100.00")
        cart_with((variant, 1), user=customer)
    Variant.objects.filter(pk=variant.pk).update(price=Decimal("79.90"))  # staff lower it
    with time_machine.travel(DUE, tick=False):
        _sweep(django_capture_on_commit_callbacks)
    [email] = mail.outbox
    assert "₺79.90" in email.body and "was ₺100.00" in email.body
    assert "Items total: ₺79.90" in email.body


def test_a_cart_ordered_before_the_reminder_is_due_gets_none(django_capture_on_commit_callbacks):
    customer = _customer()
    shipping_setup()
    with time_machine.travel(FILLED, tick=False):
        cart = cart_with((stocked_variant(), 1), user=customer)
    with (
        time_machine.travel(FILLED + timedelta(hours=1), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        place(cart)
    with time_machine.travel(DUE, tick=False):
        tally = _sweep(django_capture_on_commit_callbacks)
    assert tally.examined == 0 and not _reminders()
    assert not [m for m in mail.outbox if "cart" in m.subject.lower()]


def test_an_empty_cart_and_a_guests_cart_get_none(django_capture_on_commit_callbacks):
    customer = _customer()
    with time_machine.travel(FILLED, tick=False):
        emptied = cart_with((stocked_variant(), 1), user=customer)
        order_services.cart_remove(cart=emptied, line_id=emptied.lines.get().pk)
        guest = cart_with((stocked_variant(), 3))
    assert guest.user is None and guest.lines.exists()
    with time_machine.travel(DUE, tick=False):
        tally = _sweep(django_capture_on_commit_callbacks)
    assert tally.examined == 0 and not _reminders() and not mail.outbox
    report = {row.journey.name: row for row in journeys_report()}["abandoned_cart"]
    assert report.unreachable["guest carts (out of scope)"] == 1


def test_without_consent_the_reminder_is_skipped_and_counted(django_capture_on_commit_callbacks):
    customer = _customer(consent=False)
    with time_machine.travel(FILLED, tick=False):
        cart_with((stocked_variant(), 1), user=customer)
    with time_machine.travel(DUE, tick=False):
        tally = _sweep(django_capture_on_commit_callbacks)
        report = {row.journey.name: row for row in journeys_report()}["abandoned_cart"]
    assert (tally.examined, tally.queued) == (1, 0)
    [row] = _reminders()
    assert (row.status, row.status_reason) == (Status.SUPPRESSED, "no consent")
    assert report.skipped == {"no consent": 1} and report.sent == 0 and not mail.outbox


def test_a_sweep_killed_mid_batch_and_run_again_reminds_each_cart_once(
    django_capture_on_commit_callbacks, monkeypatch
):
    from crm.journeys import carts as journey

    customers = [_customer() for _ in range(3)]
    with time_machine.travel(FILLED, tick=False):
        carts = [cart_with((stocked_variant(), 1), user=customer) for customer in customers]
    real_send, calls = journey.notification_send, []

    def dies_on_the_second(**kwargs):
        calls.append(kwargs["dedupe_key"])
        if len(calls) == 2:
            raise SystemExit("worker killed")  # the process goes away mid-batch
        return real_send(**kwargs)

    monkeypatch.setattr(journey, "notification_send", dies_on_the_second)
    with time_machine.travel(DUE, tick=False):
        with pytest.raises(SystemExit):
            _sweep(django_capture_on_commit_callbacks)
        assert len(_reminders()) == 1
        monkeypatch.setattr(journey, "notification_send", real_send)
        again = _sweep(django_capture_on_commit_callbacks)
        _sweep(django_capture_on_commit_callbacks)
    assert again.queued == 2
    keys = sorted(row.dedupe_key for row in _reminders())
    assert keys == sorted(f"abandoned-cart:{cart.pk}" for cart in carts)
    assert len(mail.outbox) == 3
    died, *_ = JourneyRun.objects.filter(journey="abandoned_cart").order_by("pk")
    assert died.finished_at is None  # the killed run shows as unfinished


def test_the_job_is_declared_and_registered():
    assert PERIODIC_JOBS["journey-abandoned-carts"] == (
        "crm.journey_abandoned_carts",
        "JOURNEY_ABANDONED_CARTS_EVERY_SECONDS",
    )


# --- Ordered while the reminder waits: checked at send time, on the real worker ------------------

# 17:00 in Istanbul; the sweep runs at 22:00 there, inside the quiet hours (21–09). In the past
# of the real clock, so the worker may deliver the morning's message once the test lets time go.
EVENING_FILLED = datetime(2026, 3, 10, 14, 0, tzinfo=UTC)
EVENING_SWEEP = EVENING_FILLED + timedelta(hours=5)


@pytest.mark.postgres
@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_a_cart_ordered_while_its_reminder_waits_out_the_night_is_not_sent(settings, celery_worker):
    settings.NOTIFICATIONS_QUIET_HOURS = (21, 9)
    customer = _customer()
    shipping_setup()
    with time_machine.travel(EVENING_FILLED, tick=False):
        cart = cart_with((stocked_variant(), 1), user=customer)
    with time_machine.travel(EVENING_SWEEP, tick=False):
        assert abandoned_carts_sweep().queued == 1
        [row] = _reminders()
        assert (row.status, row.status_reason) == (Status.DEFERRED, "quiet hours")
        assert row.not_before == datetime(2026, 3, 11, 6, 0, tzinfo=UTC)  # 09:00 in Istanbul
    with time_machine.travel(EVENING_SWEEP + timedelta(minutes=30), tick=False):
        place(cart)  # the customer comes back and orders before the morning
    # The morning comes (the real clock is past it): the relay hands the message to the worker.
    messages_relay()
    assert wait_until(lambda: Message.objects.get(pk=row.pk).status == Status.SUPPRESSED)
    row.refresh_from_db()
    assert row.status_reason == "cart ordered" and row.sent_at is None
    assert Cart.objects.get(pk=cart.pk).status == "ordered"
    assert not [m for m in mail.outbox if m.subject == "You left something in your cart"]


def test_a_turkish_customer_reads_the_reminder_in_turkish(django_capture_on_commit_callbacks):
    customer = _customer(language="tr", first_name="Elif")
    with time_machine.travel(FILLED, tick=False):
        cart_with((stocked_variant(price="1250.00"), 2), user=customer)
    with time_machine.travel(DUE, tick=False):
        _sweep(django_capture_on_commit_callbacks)
    [email] = mail.outbox
    assert email.subject == "Sepetinizde unuttuğunuz ürünler var"
    assert "Merhaba Elif," in email.body and "Ürünler toplamı: ₺2.500,00" in email.body
    assert "tanesi ₺1.250,00" in email.body and "Sepetinize gidin" in email.body
