"""The payment ledger: keyed by money movement, moved by a status table, refunds reserved first.

Payments move orders through signals; ledger rows are append-only and recorded once.
"""

from decimal import Decimal

import pytest

from orders.models import OrderEvent
from orders.states import OrderStatus
from payments.exceptions import PaymentError
from payments.interface import Outcome, ProviderResult
from payments.methods.cod.services import refund_account_create
from payments.models import PaymentEvent, Refund
from payments.services import (
    Operation,
    payment_capture,
    payment_create,
    payment_record,
    payment_refund,
    payment_start,
    payment_void,
)
from payments.states import TRANSITIONS, PaymentStatus
from tests.factories import OrderFactory, StaffFactory

pytestmark = pytest.mark.django_db

TOTAL = Decimal("269.90")


def _cod_payment(order=None):
    order = order or OrderFactory(payment_method="cod", total=TOTAL)
    payment = payment_create(order=order, method="cod", amount=order.total, currency="TRY")
    # The customer chose store credit for this cash (the default is a bank transfer).
    refund_account_create(payment=payment, destination="store_credit")
    return order, payment


def _paid_cod_payment():
    order, payment = _cod_payment()
    payment_start(payment=payment)
    return order, payment_capture(payment=payment, details={"collected_by": "courier 7"})


def _record(payment, outcome, *, amount=TOTAL, currency="TRY", reference="", key="k", op=None):
    return payment_record(
        payment_id=payment.pk,
        result=ProviderResult(outcome, amount, currency=currency, reference=reference),
        operation=op or Operation.START,
        operation_key=key,
    )


def test_cash_on_delivery_confirms_the_order_at_once_with_cash_due():
    order, payment = _cod_payment()
    payment_start(payment=payment)
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
    assert ledger == [(PaymentEvent.Kind.AUTHORIZE, TOTAL)]


def test_cash_collected_by_the_courier_marks_the_order_paid():
    order, payment = _cod_payment()
    payment_start(payment=payment)
    staff = StaffFactory()
    payment_capture(payment=payment, by=staff, details={"collected_by": "courier 7"})
    payment_capture(payment=payment, by=staff, details={"collected_by": "courier 7"})  # retried
    order.refresh_from_db()
    assert order.payment_status == PaymentStatus.PAID
    capture = payment.events.get(kind=PaymentEvent.Kind.CAPTURE)
    assert capture.created_by == staff
    assert capture.raw == {}  # who collected it is `created_by`, never a name in the ledger
    assert payment.ledger_sum(PaymentEvent.Kind.CAPTURE) == TOTAL


def test_the_same_capture_seen_by_a_retrieve_and_by_a_webhook_is_one_row():
    _, payment = _cod_payment()
    _record(payment, Outcome.CAPTURED, reference="ch_1", key="payment-1-start")
    _record(payment, Outcome.CAPTURED, reference="ch_1", key="evt_webhook_9")
    assert payment.events.count() == 1
    assert payment.ledger_sum(PaymentEvent.Kind.CAPTURE) == TOTAL


def test_an_action_wait_a_decline_and_a_success_on_one_intent_are_three_rows():
    _, payment = _cod_payment()
    _record(payment, Outcome.REQUIRES_ACTION, reference="pi_1")
    _record(payment, Outcome.FAILED, reference="ch_declined")
    _record(payment, Outcome.CAPTURED, reference="ch_ok")
    payment.refresh_from_db()
    assert payment.events.count() == 3
    assert payment.status == PaymentStatus.PAID


def test_a_failure_after_a_success_never_unpays():
    order, payment = _cod_payment()
    _record(payment, Outcome.CAPTURED, reference="ch_ok")
    _record(payment, Outcome.FAILED, reference="ch_late_failure")
    payment.refresh_from_db()
    order.refresh_from_db()
    assert payment.status == PaymentStatus.PAID
    assert order.payment_status == PaymentStatus.PAID
    assert order.status == OrderStatus.CONFIRMED


def test_a_failed_attempt_leaves_the_order_awaiting_payment():
    order, payment = _cod_payment()
    _record(payment, Outcome.FAILED, reference="ch_declined")
    order.refresh_from_db()
    assert order.status == OrderStatus.PENDING_PAYMENT
    assert order.payment_status == PaymentStatus.FAILED


def test_only_the_newest_attempt_speaks_for_the_order():
    order, first = _cod_payment()
    _, second = _cod_payment(order)
    _record(second, Outcome.CAPTURED, reference="ch_second")
    _record(first, Outcome.FAILED, reference="ch_first_declined_late")
    order.refresh_from_db()
    assert order.payment_status == PaymentStatus.PAID
    assert order.status == OrderStatus.CONFIRMED


def test_a_capture_of_another_amount_or_currency_is_flagged_not_paid():
    _, payment = _cod_payment()
    _record(payment, Outcome.CAPTURED, amount=Decimal("26.99"), reference="ch_short")
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.UNPAID
    assert payment.needs_review and "26.99" in payment.review_note
    _, other = _cod_payment()
    _record(other, Outcome.CAPTURED, currency="EUR", reference="ch_eur")
    other.refresh_from_db()
    assert other.status == PaymentStatus.UNPAID and other.needs_review
    assert payment.events.get().amount == Decimal("26.99")  # the money that moved is recorded


def test_a_voided_payment_cannot_be_started_again():
    _, payment = _cod_payment()
    payment_void(payment=payment)
    payment = payment_start(payment=payment)
    assert payment.status == PaymentStatus.VOIDED
    assert list(payment.events.values_list("kind", flat=True)) == [PaymentEvent.Kind.VOID]


def test_two_partial_refunds_without_a_provider_reference_are_two_rows():
    _, payment = _paid_cod_payment()
    staff = StaffFactory()
    first = payment_refund(payment=payment, amount=Decimal("100.00"), by=staff)
    second = payment_refund(payment=payment, amount=Decimal("100.00"), by=staff)
    payment.refresh_from_db()
    assert (first.status, second.status) == (Refund.Status.SUCCEEDED, Refund.Status.SUCCEEDED)
    assert payment.ledger_sum(PaymentEvent.Kind.REFUND) == Decimal("200.00")
    assert payment.status == PaymentStatus.PARTIALLY_REFUNDED
    assert payment.refundable() == Decimal("69.90")
    payment_refund(payment=payment, amount=Decimal("69.90"), by=staff)
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.REFUNDED


def test_a_refund_never_exceeds_what_is_left_counting_reserved_ones():
    _, payment = _paid_cod_payment()
    Refund.objects.create(payment=payment, amount=Decimal("200.00"), currency="TRY")  # reserved
    with pytest.raises(PaymentError, match=r"at most ₺69\.90"):
        payment_refund(payment=payment, amount=Decimal("70.00"))
    with pytest.raises(PaymentError, match="more than 0"):
        payment_refund(payment=payment, amount=Decimal("0"))
    assert not payment.events.filter(kind=PaymentEvent.Kind.REFUND).exists()


def test_an_unpaid_payment_cannot_be_refunded():
    _, payment = _cod_payment()
    payment_start(payment=payment)
    with pytest.raises(PaymentError, match="Only a payment that was taken"):
        payment_refund(payment=payment, amount=Decimal("1.00"))
    assert not Refund.objects.exists()


def test_the_status_table_never_leads_from_money_taken_back_to_unpaid():
    taken = {PaymentStatus.PAID, PaymentStatus.PARTIALLY_REFUNDED, PaymentStatus.REFUNDED}
    for status in taken:
        assert not TRANSITIONS[status] & {PaymentStatus.UNPAID, PaymentStatus.FAILED}
    assert set(TRANSITIONS) == set(PaymentStatus.values)


def test_ledger_rows_cannot_be_changed_or_deleted():
    _, payment = _cod_payment()
    payment_start(payment=payment)
    row = payment.events.get()
    row.amount = Decimal("1.00")
    with pytest.raises(ValueError, match="append-only"):
        row.save()
    with pytest.raises(ValueError, match="append-only"):
        row.delete()


def test_client_secrets_are_not_kept_in_the_provider_data():
    _, payment = _cod_payment()
    payment_record(
        payment_id=payment.pk,
        result=ProviderResult(
            Outcome.REQUIRES_ACTION,
            TOTAL,
            currency="TRY",
            reference="pi_3ds",
            raw={"id": "pi_3ds", "client_secret": "pi_3ds_secret_x", "next": {"client_secret": 1}},
        ),
        operation=Operation.START,
        operation_key="k",
    )
    assert payment.events.get().raw == {"id": "pi_3ds"}  # only allow-listed ids and statuses
