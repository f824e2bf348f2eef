"""Payments started or refunded by racing requests on PostgreSQL: the provider is asked once."""

from dataclasses import dataclass, field
from decimal import Decimal

import pytest

from payments import registry
from payments.exceptions import PaymentError
from payments.methods.cod.services import refund_account_create
from payments.models import PaymentEvent, Refund
from payments.services import payment_capture, payment_create, payment_refund, payment_start
from payments.states import PaymentStatus
from tests.factories import OrderFactory
from tests.orders.test_concurrency import run_together

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@dataclass
class CountingProvider:
    """Stands in front of the real provider and counts what it is asked (an outside system)."""

    inner: object
    calls: list[str] = field(default_factory=list)

    def __getattr__(self, name: str) -> object:
        attribute = getattr(self.inner, name)
        if name in {"authorize", "capture", "refund", "void"}:

            def counted(**kwargs: object) -> object:
                self.calls.append(name)
                return attribute(**kwargs)

            return counted
        return attribute


@pytest.fixture
def counting_cod(monkeypatch) -> CountingProvider:
    provider = CountingProvider(registry.get_provider("cod"))
    monkeypatch.setitem(registry._providers, "cod", provider)
    return provider


def _payment():
    order = OrderFactory(payment_method="cod", total=Decimal("300.00"))
    payment = payment_create(order=order, method="cod", amount=order.total, currency="TRY")
    # The customer chose store credit for this cash (the default is a bank transfer).
    refund_account_create(payment=payment, destination="store_credit")
    return payment


def test_a_payment_started_by_two_requests_at_once_asks_the_provider_once(counting_cod):
    payment = _payment()
    results = run_together(lambda _: payment_start(payment=payment).status, [1, 2, 3, 4])
    # One request started it; the others found it claimed and left it alone.
    assert set(results) <= {PaymentStatus.UNPAID, PaymentStatus.COD_DUE}, results
    assert counting_cod.calls == ["authorize"]
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.COD_DUE
    assert payment.events.count() == 1


def test_racing_refunds_never_give_back_more_than_was_taken(counting_cod):
    payment = _payment()
    payment_start(payment=payment)
    payment_capture(payment=payment)
    results = run_together(
        lambda _: payment_refund(payment=payment, amount=Decimal("120.00")).status, range(4)
    )
    refused = [r for r in results if isinstance(r, PaymentError)]
    assert results.count(Refund.Status.SUCCEEDED) == 2, results
    assert len(refused) == 2
    assert counting_cod.calls.count("refund") == 2
    assert payment.ledger_sum(PaymentEvent.Kind.REFUND) == Decimal("240.00")


def test_the_same_webhook_event_delivered_four_times_at_once_has_one_effect(settings):
    from django.test import Client

    from payments.models import StripeEvent
    from tests.payments.test_card import _event, _intent, _signed

    order = OrderFactory(payment_method="card", total=Decimal("149.90"))
    payment = payment_create(order=order, method="card", amount=order.total, currency="TRY")
    body = _event("evt_race", "payment_intent.succeeded", _intent(payment, "succeeded"))
    signature = _signed(body, settings.STRIPE_WEBHOOK_SECRET)

    def deliver(_: object) -> int:
        return (
            Client()
            .post(
                "/payments/stripe/webhook/",
                body,
                content_type="application/json",
                HTTP_STRIPE_SIGNATURE=signature,
            )
            .status_code
        )

    assert run_together(deliver, range(4)) == [200] * 4
    payment.refresh_from_db()
    order.refresh_from_db()
    assert payment.status == PaymentStatus.PAID
    assert payment.events.filter(kind=PaymentEvent.Kind.CAPTURE).count() == 1
    assert StripeEvent.objects.filter(event_id="evt_race", processed_at__isnull=False).count() == 1
    assert order.status == "confirmed"


@pytest.mark.stripe
def test_a_card_form_submitted_three_times_at_once_makes_one_payment_intent(fake_stripe, sent):
    from orders.services import order_card_customer, order_card_pay
    from payments.services import card_setup_intent
    from tests.payments.browser_stand_in import confirm_card_setup

    order = OrderFactory(user=None, payment_method="card", total=Decimal("149.90"))
    payment_create(order=order, method="card", amount=order.total, currency="TRY")
    customer = order_card_customer(order=order, user=None)
    setup = card_setup_intent(customer_id=customer, order_number=order.number)
    confirm_card_setup(fake_stripe, setup.setup_intent_id, "visa")

    run_together(
        lambda _: order_card_pay(order=order, setup_intent_id=setup.setup_intent_id, user=None),
        range(3),
    )
    creates = [url for m, url, _ in sent if m == "post" and url.endswith("/v1/payment_intents")]
    assert len(creates) == 1
    order.refresh_from_db()
    assert order.payment_status == PaymentStatus.PAID
    assert order.payments.count() == 1


def _webhook_and_cancel_race(attempt: int) -> None:
    from orders.services import order_transition
    from orders.states import CancelReason, OrderStatus
    from payments.interface import Outcome, ProviderResult
    from payments.services import Operation, payment_record

    order = OrderFactory(payment_method="cod", total=Decimal("120.00"))
    payment = payment_create(order=order, method="cod", amount=order.total, currency="TRY")
    refund_account_create(payment=payment, destination="store_credit")  # chosen by the customer
    captured = ProviderResult(
        Outcome.CAPTURED, order.total, currency="TRY", reference=f"ch_race_{attempt}"
    )

    def act(which: str) -> str:
        if which == "webhook":
            return payment_record(
                payment_id=payment.pk,
                result=captured,
                operation=Operation.START,
                operation_key=f"evt_{attempt}",
            ).status
        return order_transition(
            order=order, to=OrderStatus.CANCELLED, cancel_reason=CancelReason.CUSTOMER
        ).status

    results = run_together(act, ["webhook", "cancel"])
    assert not any(isinstance(r, Exception) for r in results), results
    order.refresh_from_db()
    payment.refresh_from_db()
    assert order.status == OrderStatus.CANCELLED
    # Money that arrived for a cancelled order is given back, exactly once, whichever came first.
    assert payment.status == PaymentStatus.REFUNDED, (attempt, payment.status)
    assert payment.ledger_sum(PaymentEvent.Kind.REFUND) == order.total


def test_a_webhook_and_a_cancellation_at_once_neither_deadlock_nor_lose_money():
    for attempt in range(5):
        _webhook_and_cancel_race(attempt)


def test_the_same_refund_key_sent_at_once_and_again_refunds_once(counting_cod):
    payment = _payment()
    payment_start(payment=payment)
    payment_capture(payment=payment)

    def refund(_: object) -> int:
        return payment_refund(payment=payment, amount=Decimal("50.00"), key="return-7").pk

    results = [*run_together(refund, range(3)), refund(None)]
    assert len(set(results)) == 1, results  # every caller got the one refund
    assert counting_cod.calls.count("refund") == 1
    assert Refund.objects.get().status == Refund.Status.SUCCEEDED
    assert payment.ledger_sum(PaymentEvent.Kind.REFUND) == Decimal("50.00")
    # Another key is another refund.
    payment_refund(payment=payment, amount=Decimal("50.00"), key="return-8")
    assert payment.ledger_sum(PaymentEvent.Kind.REFUND) == Decimal("100.00")


def test_a_refund_left_reserved_by_a_crash_is_sent_by_the_retry_with_its_key(counting_cod):
    from datetime import timedelta

    from django.utils import timezone

    from payments.services import refund_reserve

    payment = _payment()
    payment_start(payment=payment)
    payment_capture(payment=payment)
    crashed = refund_reserve(payment=payment, amount=Decimal("30.00"), key="return-9")
    assert payment_refund(payment=payment, amount=Decimal("30.00"), key="return-9").pk == crashed.pk
    assert counting_cod.calls.count("refund") == 0  # so soon: the first request may still send
    Refund.objects.filter(pk=crashed.pk).update(created_at=timezone.now() - timedelta(minutes=5))

    retried = payment_refund(payment=payment, amount=Decimal("30.00"), key="return-9")

    assert (retried.pk, retried.status) == (crashed.pk, Refund.Status.SUCCEEDED)
    assert counting_cod.calls.count("refund") == 1
    assert payment.ledger_sum(PaymentEvent.Kind.REFUND) == Decimal("30.00")
