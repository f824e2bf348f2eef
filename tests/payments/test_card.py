"""Card payments against the local fake Stripe server: pay, decline, 3-D Secure, webhooks."""

import hashlib
import hmac
import json
import time
from decimal import Decimal

import pytest
import stripe
from django.urls import reverse

from orders.states import OrderStatus
from payments.models import (
    Payment,
    PaymentEvent,
    ReconciliationItem,
    StripeCustomer,
    StripeEvent,
)
from payments.services import (
    card_action_secret,
    card_customer_for,
    card_pay,
    card_reconcile,
    card_setup_intent,
    payment_create,
    payment_refresh,
    payment_refund,
)
from payments.states import PaymentStatus
from tests.factories import OrderFactory, UserFactory

from .browser_stand_in import authenticate_payment, confirm_card_setup, fake_stripe

pytestmark = [pytest.mark.stripe, pytest.mark.django_db]

TOTAL = Decimal("149.90")


def _order_and_payment(user=None):
    order = OrderFactory(user=user, payment_method="card", total=TOTAL)
    return order, payment_create(order=order, method="card", amount=TOTAL, currency="TRY")


def _pay(fake_stripe: str, payment: Payment, *, card: str = "visa", user=None) -> Payment:
    """The shopper enters a card in the browser, then our server charges it."""
    customer = card_customer_for(user=user) if user else card_customer_for(order=payment.order)
    setup = card_setup_intent(customer_id=customer, order_number=payment.order.number)
    confirm_card_setup(fake_stripe, setup.setup_intent_id, card)
    return card_pay(payment=payment, setup_intent_id=setup.setup_intent_id, customer_id=customer)


def test_a_card_payment_is_charged_once_with_the_attempts_key_and_pays_the_order(fake_stripe, sent):
    order, payment = _order_and_payment()
    payment = _pay(fake_stripe, payment)
    order.refresh_from_db()
    assert payment.status == PaymentStatus.PAID and payment.reference.startswith("pi_")
    assert (order.status, order.payment_status) == (OrderStatus.CONFIRMED, PaymentStatus.PAID)
    capture = payment.events.get(kind=PaymentEvent.Kind.CAPTURE)
    assert capture.reference.startswith("ch_") and capture.amount == TOTAL
    creates = [h for m, url, h in sent if m == "post" and url.endswith("/v1/payment_intents")]
    assert [h.get("Idempotency-Key") for h in creates] == [f"payment-{payment.pk}-start"]
    intent = fake_stripe_client(fake_stripe).v1.payment_intents.retrieve(payment.reference)
    assert (intent.amount, intent.currency) == (14990, "try")
    assert intent.metadata["payment_id"] == str(payment.pk)


def fake_stripe_client(url: str) -> stripe.StripeClient:
    return fake_stripe(url)


def test_paying_again_after_success_charges_nothing_more(fake_stripe, sent):
    _, payment = _order_and_payment()
    payment = _pay(fake_stripe, payment)
    payment = _pay(fake_stripe, payment)  # a double submit of the card form
    creates = [url for m, url, _ in sent if m == "post" and url.endswith("/v1/payment_intents")]
    assert len(creates) == 1
    assert payment.events.filter(kind=PaymentEvent.Kind.CAPTURE).count() == 1


def test_a_declined_card_leaves_the_order_waiting_and_another_card_pays_it(fake_stripe):
    order, first = _order_and_payment()
    first = _pay(fake_stripe, first, card="declined")
    order.refresh_from_db()
    assert first.status == PaymentStatus.FAILED
    assert order.status == OrderStatus.PENDING_PAYMENT
    failure = first.events.get(kind=PaymentEvent.Kind.FAILURE)
    assert failure.message == "Your card was declined."
    second = payment_create(order=order, method="card", amount=TOTAL, currency="TRY")
    second = _pay(fake_stripe, second)
    order.refresh_from_db()
    assert second.status == PaymentStatus.PAID
    assert (order.status, order.payment_status) == (OrderStatus.CONFIRMED, PaymentStatus.PAID)
    assert order.payments.count() == 2


def test_three_d_secure_is_finished_in_the_browser_and_read_back_from_stripe(fake_stripe):
    order, payment = _order_and_payment()
    payment = _pay(fake_stripe, payment, card="3ds")
    assert payment.status == PaymentStatus.REQUIRES_ACTION
    secret = card_action_secret(payment=payment)
    assert secret.startswith(payment.reference)
    assert "secret" not in json.dumps(list(payment.events.values_list("raw", flat=True)))
    authenticate_payment(fake_stripe, secret)
    payment = payment_refresh(payment=payment)
    order.refresh_from_db()
    assert payment.status == PaymentStatus.PAID
    assert order.status == OrderStatus.CONFIRMED


def test_a_signed_in_shopper_gets_one_stripe_customer(fake_stripe):
    user = UserFactory()
    first = card_customer_for(user=user)
    assert card_customer_for(user=user) == first
    assert StripeCustomer.objects.get(user=user).customer_id == first


def test_a_card_refund_is_sent_once_per_refund_and_recorded(fake_stripe, sent):
    _, payment = _order_and_payment()
    payment = _pay(fake_stripe, payment)
    first = payment_refund(payment=payment, amount=Decimal("40.00"))
    second = payment_refund(payment=payment, amount=Decimal("40.00"))
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PARTIALLY_REFUNDED
    assert first.reference.startswith("re_") and first.reference != second.reference
    assert payment.ledger_sum(PaymentEvent.Kind.REFUND) == Decimal("80.00")
    keys = [h.get("Idempotency-Key") for m, url, h in sent if url.endswith("/v1/refunds")]
    assert keys == [f"refund-{first.pk}", f"refund-{second.pk}"]


# --- Webhooks ------------------------------------------------------------------------------


def _signed(body: str, secret: str, *, at: int | None = None) -> str:
    at = at or int(time.time())
    mac = hmac.new(secret.encode(), f"{at}.{body}".encode(), hashlib.sha256).hexdigest()
    return f"t={at},v1={mac}"


def _event(event_id: str, kind: str, intent: dict) -> str:
    return json.dumps({"id": event_id, "object": "event", "type": kind, "data": {"object": intent}})


def _intent(payment: Payment, status: str, **fields: object) -> dict:
    return {
        "id": payment.reference or "pi_test",
        "object": "payment_intent",
        "amount": 14990,
        "amount_received": 14990 if status == "succeeded" else 0,
        "currency": "try",
        "status": status,
        "client_secret": "pi_test_secret_must_not_be_kept",
        "latest_charge": "ch_webhook_1",
        "metadata": {"payment_id": str(payment.pk)},
        **fields,
    }


@pytest.fixture
def post(client, django_capture_on_commit_callbacks):
    """Post a webhook as Stripe does; the work it queues after commit runs (eager Celery)."""

    def send(body: str, signature: str):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(
                reverse("payments:stripe_webhook"),
                body,
                content_type="application/json",
                HTTP_STRIPE_SIGNATURE=signature,
            )

    return send


def test_a_webhook_with_a_bad_or_stale_signature_changes_nothing(post, settings):
    _, payment = _order_and_payment()
    body = _event("evt_1", "payment_intent.succeeded", _intent(payment, "succeeded"))
    assert post(body, _signed(body, "whsec_wrong")).status_code == 400
    stale = _signed(body, settings.STRIPE_WEBHOOK_SECRET, at=int(time.time()) - 3600)
    assert post(body, stale).status_code == 400
    settings.STRIPE_WEBHOOK_SECRET = ""
    assert post(body, _signed(body, "")).status_code == 400
    assert not StripeEvent.objects.exists()
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.UNPAID


def test_the_same_event_twice_and_a_late_failure_leave_one_payment_paid(post, settings):
    order, payment = _order_and_payment()
    secret = settings.STRIPE_WEBHOOK_SECRET
    body = _event("evt_ok", "payment_intent.succeeded", _intent(payment, "succeeded"))
    for _ in range(2):
        assert post(body, _signed(body, secret)).status_code == 200
    failed = _intent(
        payment,
        "requires_payment_method",
        last_payment_error={"charge": "ch_late", "code": "card_declined", "message": "No"},
    )
    late = _event("evt_late_fail", "payment_intent.payment_failed", failed)
    assert post(late, _signed(late, secret)).status_code == 200
    payment.refresh_from_db()
    order.refresh_from_db()
    assert payment.status == PaymentStatus.PAID
    assert payment.events.filter(kind=PaymentEvent.Kind.CAPTURE).count() == 1
    assert order.status == OrderStatus.CONFIRMED
    assert (
        StripeEvent.objects.count() == 2
        and not StripeEvent.objects.filter(processed_at__isnull=True).exists()
    )
    stored = json.dumps(list(StripeEvent.objects.values_list("payload", flat=True)))
    assert "must_not_be_kept" not in stored


def test_a_webhook_for_another_amount_is_flagged_not_paid(post, settings):
    _, payment = _order_and_payment()
    body = _event(
        "evt_short", "payment_intent.succeeded", _intent(payment, "succeeded", amount_received=100)
    )
    assert post(body, _signed(body, settings.STRIPE_WEBHOOK_SECRET)).status_code == 200
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.UNPAID and payment.needs_review


def test_a_charge_with_no_ledger_row_is_listed_for_staff(fake_stripe):
    from django.utils import timezone

    since = timezone.now() - timezone.timedelta(minutes=5)
    _, payment = _order_and_payment()
    payment = _pay(fake_stripe, payment)
    stray = fake_stripe_client(fake_stripe).v1.payment_intents.create(
        params={
            "amount": 5000,
            "currency": "try",
            "payment_method": "pm_card_visa",
            "confirm": True,
        }
    )
    assert stray.status == "succeeded"
    assert card_reconcile(since=since) == 1
    item = ReconciliationItem.objects.get()
    assert item.kind == ReconciliationItem.Kind.CHARGE_NOT_IN_LEDGER
    assert item.amount == Decimal("50.00")
    assert card_reconcile(since=since) == 0  # a rerun lists nothing twice
