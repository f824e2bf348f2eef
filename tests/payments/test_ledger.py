"""Payments move orders through signals; the ledger is append-only and idempotent."""

from decimal import Decimal

import pytest

from orders.models import OrderEvent
from orders.states import OrderStatus
from payments.interface import Outcome, ProviderResult
from payments.models import PaymentEvent
from payments.services import payment_authorize, payment_capture, payment_create, payment_record
from payments.states import PaymentStatus
from tests.factories import OrderFactory, StaffFactory

pytestmark = pytest.mark.django_db


def _cod_payment():
    order = OrderFactory(payment_method="cod", total=Decimal("269.90"))
    return order, payment_create(order=order, method="cod", amount=order.total, currency="TRY")


def test_cash_on_delivery_confirms_the_order_at_once_with_cash_due():
    order, payment = _cod_payment()
    payment_authorize(payment=payment)
    order.refresh_from_db()
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.COD_DUE
    assert order.payment_status == PaymentStatus.COD_DUE
    assert order.status == OrderStatus.CONFIRMED
    event = OrderEvent.objects.get(order=order)
    assert (event.from_status, event.to_status) == (
        OrderStatus.PENDING_PAYMENT,
        OrderStatus.CONFIRMED,
    )
    ledger = list(payment.events.values_list("kind", "amount"))
    assert ledger == [(PaymentEvent.Kind.AUTHORIZE, Decimal("269.90"))]


def test_cash_collected_by_the_courier_marks_the_order_paid():
    order, payment = _cod_payment()
    payment_authorize(payment=payment)
    staff = StaffFactory()
    payment_capture(payment=payment, by=staff, details={"collected_by": "courier 7"})
    order.refresh_from_db()
    assert order.payment_status == PaymentStatus.PAID
    capture = payment.events.get(kind=PaymentEvent.Kind.CAPTURE)
    assert capture.created_by == staff
    assert capture.raw == {"collected_by": "courier 7"}
    assert payment.ledger_sum(PaymentEvent.Kind.CAPTURE) == Decimal("269.90")


def test_the_same_provider_answer_recorded_twice_counts_once():
    _, payment = _cod_payment()
    result = ProviderResult(Outcome.CAPTURED, Decimal("269.90"), reference="rcpt-1")
    payment_record(payment_id=payment.pk, result=result, step="capture")
    payment_record(payment_id=payment.pk, result=result, step="capture")
    assert payment.events.count() == 1
    assert payment.ledger_sum(PaymentEvent.Kind.CAPTURE) == Decimal("269.90")


def test_a_failed_payment_cancels_the_pending_order():
    order, payment = _cod_payment()
    payment_record(
        payment_id=payment.pk,
        result=ProviderResult(Outcome.FAILED, Decimal("269.90"), message="declined"),
        step="authorize",
    )
    order.refresh_from_db()
    assert (order.status, order.cancel_reason) == (OrderStatus.CANCELLED, "payment_failed")


def test_ledger_rows_cannot_be_changed_or_deleted():
    _, payment = _cod_payment()
    payment_authorize(payment=payment)
    row = payment.events.get()
    row.amount = Decimal("1.00")
    with pytest.raises(ValueError, match="append-only"):
        row.save()
    with pytest.raises(ValueError, match="append-only"):
        row.delete()
