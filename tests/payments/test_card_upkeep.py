"""Keeping card payments true when something went missing: a PaymentIntent Stripe no longer
knows, and a webhook event whose task never ran."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from payments.models import Payment, PaymentEvent, ReconciliationItem, StripeEvent
from payments.services import card_reconcile, payment_create, stripe_event_receive
from payments.states import PaymentStatus
from payments.tasks import process_lost_stripe_events, reconcile_card_payments
from tests.factories import OrderFactory

from .test_card import _event, _intent, _order_and_payment, _pay, _signed, fake_stripe_client

pytestmark = [pytest.mark.stripe, pytest.mark.django_db]


def _paid_at_stripe_only(fake_stripe: str) -> Payment:
    """An attempt Stripe charged whose answer we never recorded."""
    order = OrderFactory(payment_method="card", total=Decimal("50.00"))
    payment = payment_create(order=order, method="card", amount=Decimal("50.00"), currency="TRY")
    intent = fake_stripe_client(fake_stripe).v1.payment_intents.create(
        params={
            "amount": 5000,
            "currency": "try",
            "payment_method": "pm_card_visa",
            "confirm": True,
            "metadata": {"payment_id": str(payment.pk)},
        }
    )
    Payment.objects.filter(pk=payment.pk).update(reference=intent.id)
    return payment


def test_a_payment_intent_stripe_does_not_know_is_listed_and_the_run_goes_on(fake_stripe):
    since = timezone.now() - timedelta(minutes=5)
    before = _paid_at_stripe_only(fake_stripe)
    # Paid here with an intent the fake server then forgot (it restarted).
    _, forgotten = _order_and_payment()
    forgotten = _pay(fake_stripe, forgotten)
    Payment.objects.filter(pk=forgotten.pk).update(reference="pi_forgottenbyStripe1")
    after = _paid_at_stripe_only(fake_stripe)

    assert reconcile_card_payments.apply().get() >= 3  # the periodic job finishes its run

    missing = ReconciliationItem.objects.get(kind=ReconciliationItem.Kind.MISSING_AT_STRIPE)
    assert (missing.payment_id, missing.reference) == (forgotten.pk, "pi_forgottenbyStripe1")
    assert missing.amount == Decimal("149.90") and "no such PaymentIntent" in missing.detail
    assert str(missing) == "Missing at Stripe: pi_forgottenbyStripe1"
    # The payments before and after it in the run were compared all the same.
    paid_there = ReconciliationItem.objects.filter(
        kind=ReconciliationItem.Kind.INTENT_PAID_NOT_RECORDED
    )
    assert set(paid_there.values_list("payment_id", flat=True)) == {before.pk, after.pk}
    assert card_reconcile(since=since) == 0  # a rerun lists nothing twice


def _lost_event(payment: Payment, event_id: str, *, minutes_ago: int, settings) -> StripeEvent:
    """A verified webhook stored whose processing task never ran (the broker lost it)."""
    body = _event(event_id, "payment_intent.succeeded", _intent(payment, "succeeded"))
    event = stripe_event_receive(
        payload=body.encode(), signature=_signed(body, settings.STRIPE_WEBHOOK_SECRET)
    )  # its task is queued on commit, which this test's transaction never reaches: lost
    received = timezone.now() - timedelta(minutes=minutes_ago)
    StripeEvent.objects.filter(pk=event.pk).update(received_at=received)
    return event


def test_a_webhook_event_whose_task_was_lost_is_processed_by_the_sweep_once(settings):
    settings.STRIPE_EVENT_LOST_AFTER_SECONDS = 300
    _, lost_payment = _order_and_payment()
    _, recent_payment = _order_and_payment()
    lost = _lost_event(lost_payment, "evt_lost", minutes_ago=10, settings=settings)
    recent = _lost_event(recent_payment, "evt_recent", minutes_ago=1, settings=settings)

    assert process_lost_stripe_events.apply().get() == 1
    assert process_lost_stripe_events.apply().get() == 0  # run again: nothing left, nothing twice

    lost_payment.refresh_from_db()
    assert lost_payment.status == PaymentStatus.PAID
    assert lost_payment.order.payment_status == PaymentStatus.PAID
    assert lost_payment.events.filter(kind=PaymentEvent.Kind.CAPTURE).count() == 1
    lost.refresh_from_db()
    assert lost.processed_at is not None
    # An event that arrived a minute ago may still have its task on the way: left alone.
    recent.refresh_from_db()
    recent_payment.refresh_from_db()
    assert recent.processed_at is None and recent_payment.status == PaymentStatus.UNPAID
