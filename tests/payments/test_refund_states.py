"""Refund states: a card refund hit by a Stripe error is sent again once, never paid twice.

The refund waits `reserved`; the payout button is only for refunds waiting for a bank transfer;
the periodic job looks the refund up at Stripe (our id in its metadata) before sending again;
Stripe's news about refunds and disputes (signed webhooks: the fake server sends none of these)
reach the ledger; the nightly reconciliation compares refunds too.
"""

import json
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from orders.models import Order
from payments.exceptions import PaymentError
from payments.models import PaymentEvent, ReconciliationItem, Refund, StripeEvent
from payments.services import card_reconcile, payment_refund
from payments.states import PaymentStatus
from payments.tasks import resend_refunds
from shop.models import AuditEntry
from tests.factories import StaffFactory

from .test_card import _order_and_payment, _pay, fake_stripe_client

pytestmark = [pytest.mark.stripe, pytest.mark.django_db]

PART = Decimal("40.00")


def _paid(fake_stripe: str):
    _, payment = _order_and_payment()
    return _pay(fake_stripe, payment)


def _refund_hit_by_a_stripe_error(payment, settings) -> Refund:
    reachable = settings.STRIPE_API_BASE
    settings.STRIPE_API_BASE = "http://127.0.0.1:9"  # nothing listens: Stripe is unreachable
    try:
        with pytest.raises(PaymentError):
            payment_refund(payment=payment, amount=PART, reason="İade", by=StaffFactory())
    finally:
        settings.STRIPE_API_BASE = reachable
    return Refund.objects.get(payment=payment)


def _after_unsent(settings) -> object:
    return timezone.now() + timedelta(seconds=settings.REFUND_UNSENT_AFTER_SECONDS + 5)


def _stripe_refunds(fake_stripe: str, intent: str) -> list:
    return fake_stripe_client(fake_stripe).v1.refunds.list(params={"payment_intent": intent}).data


def test_a_refund_stripe_never_got_waits_without_a_payout_button_and_the_job_sends_it_once(
    fake_stripe, settings, client, time_machine
):
    payment = _paid(fake_stripe)
    refund = _refund_hit_by_a_stripe_error(payment, settings)
    assert refund.status == Refund.Status.RESERVED
    assert payment.refundable() == payment.amount - PART  # held while it waits

    staff = StaffFactory(is_superuser=True)
    client.force_login(staff)
    page = client.get(reverse("admin:payments_refund_change", args=[refund.pk])).content.decode()
    assert 'id="payout-link"' not in page  # a card refund is never paid out by hand
    client.post(reverse("admin:payments_refund_payout", args=[refund.pk]), {"reference": "EFT-1"})
    refund.refresh_from_db()
    assert refund.status == Refund.Status.RESERVED and not payment.events.filter(kind="refund")

    assert resend_refunds.apply().get() == 0  # too fresh: its own request may still send it
    time_machine.move_to(_after_unsent(settings))
    assert resend_refunds.apply().get() == 1
    assert resend_refunds.apply().get() == 0  # done: nothing to send again

    refund.refresh_from_db()
    assert refund.status == Refund.Status.SUCCEEDED
    at_stripe = _stripe_refunds(fake_stripe, payment.reference)
    assert [(r.id, r.amount, r.metadata["refund_id"]) for r in at_stripe] == [
        (refund.reference, 4000, str(refund.pk))
    ]
    assert payment.events.filter(kind=PaymentEvent.Kind.REFUND).count() == 1


def test_a_refund_stripe_made_before_the_answer_was_lost_is_read_not_sent_again(
    fake_stripe, settings, time_machine
):
    payment = _paid(fake_stripe)
    refund = _refund_hit_by_a_stripe_error(payment, settings)
    # Stripe did make it (our request reached it; its answer did not reach us).
    made = fake_stripe_client(fake_stripe).v1.refunds.create(
        params={
            "payment_intent": payment.reference,
            "amount": 4000,
            "metadata": {"payment_id": str(payment.pk), "refund_id": str(refund.pk)},
        }
    )
    time_machine.move_to(_after_unsent(settings))

    resend_refunds.apply()

    refund.refresh_from_db()
    assert (refund.status, refund.reference) == (Refund.Status.SUCCEEDED, made.id)
    assert len(_stripe_refunds(fake_stripe, payment.reference)) == 1  # never a second one
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PARTIALLY_REFUNDED
    assert payment.refunded() == PART


# --- Webhooks ------------------------------------------------------------------------------


def _stripe_refund(payment, refund: Refund | None, status: str, **fields: object) -> dict:
    return {
        "id": "re_webhook_1",
        "object": "refund",
        "amount": 4000,
        "currency": "try",
        "status": status,
        "payment_intent": payment.reference,
        "metadata": {"refund_id": str(refund.pk)} if refund else {},
        **fields,
    }


def test_a_pending_stripe_refund_is_sent_not_done_until_stripe_says_it_succeeded(
    fake_stripe, settings, stripe_event_post
):
    payment = _paid(fake_stripe)
    refund = _refund_hit_by_a_stripe_error(payment, settings)

    stripe_event_post("evt_r1", "refund.created", _stripe_refund(payment, refund, "pending"))
    refund.refresh_from_db()
    assert (refund.status, refund.reference) == (Refund.Status.SENT, "re_webhook_1")
    assert not payment.events.filter(kind=PaymentEvent.Kind.REFUND).exists()
    assert payment.refundable() == payment.amount - PART

    for event_id in ("evt_r2", "evt_r2_again"):
        stripe_event_post(event_id, "refund.updated", _stripe_refund(payment, refund, "succeeded"))
    refund.refresh_from_db()
    assert refund.status == Refund.Status.SUCCEEDED
    assert payment.events.filter(kind=PaymentEvent.Kind.REFUND).count() == 1
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PARTIALLY_REFUNDED


def test_a_failed_stripe_refund_gives_its_amount_back_to_what_can_be_refunded(
    fake_stripe, settings, stripe_event_post
):
    payment = _paid(fake_stripe)
    refund = _refund_hit_by_a_stripe_error(payment, settings)
    stripe_event_post("evt_f1", "refund.created", _stripe_refund(payment, refund, "pending"))

    stripe_event_post(
        "evt_f2",
        "refund.failed",
        _stripe_refund(payment, refund, "failed", failure_reason="expired_or_canceled_card"),
    )
    # A late "succeeded" for a refund already failed changes nothing (checked under its lock).
    stripe_event_post("evt_f3", "refund.updated", _stripe_refund(payment, refund, "succeeded"))

    refund.refresh_from_db()
    assert refund.status == Refund.Status.FAILED
    assert "expired_or_canceled_card" in refund.message
    assert not payment.events.filter(kind=PaymentEvent.Kind.REFUND).exists()
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PAID and payment.refundable() == payment.amount


def test_a_refund_made_in_stripes_dashboard_reaches_the_ledger_once(fake_stripe, stripe_event_post):
    payment = _paid(fake_stripe)
    made = fake_stripe_client(fake_stripe).v1.refunds.create(
        params={"payment_intent": payment.reference, "amount": 2500}
    )
    charge = {
        "id": payment.events.get(kind="capture").reference,
        "object": "charge",
        "payment_intent": payment.reference,
        "amount_refunded": 2500,
        "billing_details": {"email": "ayse@example.com", "name": "Ayşe Yılmaz"},
        "refunds": {"data": [{**made.to_dict(), "metadata": {}}]},
    }
    stripe_event_post("evt_d1", "charge.refunded", charge)
    stripe_event_post("evt_d2", "charge.refunded", charge)  # Stripe says it again

    row = payment.events.get(kind=PaymentEvent.Kind.REFUND)
    assert (row.reference, row.amount, row.moves_cash) == (made.id, Decimal("25.00"), True)
    assert "ayse" not in json.dumps(row.raw) and "Ayşe" not in json.dumps(row.raw)
    # The stored event keeps the ids and amounts it was applied with, not the customer's details.
    stored = json.dumps(list(StripeEvent.objects.values_list("payload", flat=True)))
    assert made.id in stored and "ayse@example.com" not in stored and "Yılmaz" not in stored
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PARTIALLY_REFUNDED
    assert payment.refundable() == payment.amount - Decimal("25.00")
    assert card_reconcile(since=timezone.now() - timedelta(minutes=5)) == 0  # it matches now


def test_a_dispute_flags_the_order_for_staff(fake_stripe, stripe_event_post):
    payment = _paid(fake_stripe)
    dispute = {
        "id": "dp_1",
        "object": "dispute",
        "amount": 14990,
        "currency": "try",
        "reason": "fraudulent",
        "status": "needs_response",
        "charge": payment.events.get(kind="capture").reference,
        "payment_intent": payment.reference,
    }
    stripe_event_post("evt_dp1", "charge.dispute.created", dispute)

    order = Order.objects.get(pk=payment.order_id)
    assert order.needs_review and "fraudulent" in order.review_note  # in the shop's language
    assert "₺149,90" in order.review_note  # formatted as it was written, in Turkish
    payment.refresh_from_db()
    assert payment.needs_review and "fraudulent" in payment.review_note
    assert AuditEntry.objects.filter(action="payment.dispute.created").count() == 1

    stripe_event_post("evt_dp2", "charge.dispute.closed", {**dispute, "status": "lost"})
    order.refresh_from_db()
    assert "lost" in order.review_note and order.needs_review


def test_the_nightly_reconciliation_lists_a_refund_stripe_made_that_the_ledger_lacks(
    fake_stripe,
):
    since = timezone.now() - timedelta(minutes=5)
    payment = _paid(fake_stripe)
    ours = payment_refund(payment=payment, amount=Decimal("10.00"))
    stray = fake_stripe_client(fake_stripe).v1.refunds.create(
        params={"payment_intent": payment.reference, "amount": 1500}
    )  # made in Stripe's dashboard; its webhook never arrived

    assert card_reconcile(since=since) == 1
    item = ReconciliationItem.objects.get()
    assert (item.kind, item.reference, item.amount) == (
        ReconciliationItem.Kind.REFUND_NOT_IN_LEDGER,
        stray.id,
        Decimal("15.00"),
    )
    assert ours.status == Refund.Status.SUCCEEDED
    assert card_reconcile(since=since) == 0  # listed once


def test_staff_money_actions_on_a_refund_are_in_the_audit_trail():
    from payments.services import echeck_clear, refund_confirm_payout

    from .test_echeck import _signed as signed_echeck

    _, payment, _ = signed_echeck()
    payment = echeck_clear(payment=payment)
    staff, payer = StaffFactory(), StaffFactory()

    refund = payment_refund(payment=payment, amount=PART, reason="Kırık ürün", by=staff)
    assert refund.status == Refund.Status.AWAITING_PAYOUT
    refund_confirm_payout(refund=refund, reference="EFT-77", by=payer)
    refund_confirm_payout(refund=refund, reference="EFT-77", by=payer)  # twice: recorded once

    trail = list(
        AuditEntry.objects.filter(object_type="payments.refund", object_id=str(refund.pk))
        .order_by("pk")
        .values_list("action", "actor", "reason")
    )
    assert trail == [
        ("refund.reserve", staff.pk, "Kırık ürün"),
        ("refund.send", staff.pk, ""),
        ("refund.payout_confirm", payer.pk, "EFT-77"),
    ]
