"""Guards around the ledger: append-only in the database itself, amounts to the kuruş, and
payments whose start was lost or failed are not left stuck."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from orders.states import OrderStatus
from payments.exceptions import PaymentError
from payments.models import BalanceEntry, Payment, PaymentEvent
from payments.services import (
    balance_adjust,
    card_customer_for,
    card_set_up,
    card_setup_intent,
    payment_capture,
    payment_refund,
    payment_start,
)
from payments.states import PaymentStatus
from payments.tasks import start_lost_payments
from shop.models import AuditEntry, User
from tests.factories import StaffFactory, UserFactory
from tests.orders.helpers import cart_with, place, stocked_variant

from .browser_stand_in import confirm_card_setup
from .test_card import _order_and_payment
from .test_echeck import _details

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("shipping")]


def _refused(sql: str, params: list) -> bool:
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, params)
    except DatabaseError:
        return True
    return False


@pytest.mark.postgres
def test_the_database_refuses_to_change_or_delete_ledger_balance_and_audit_rows():
    staff = StaffFactory()
    entry = balance_adjust(
        user=UserFactory(), amount=Decimal("50.00"), reason="Hoş geldin", by=staff
    )
    payment = payment_capture(payment=_cod_started())
    event = payment.events.get(kind=PaymentEvent.Kind.CAPTURE)
    audit = AuditEntry.objects.filter(action="balance.adjust").get()

    for table, pk in (
        ("payments_paymentevent", event.pk),
        ("payments_balanceentry", entry.pk),
        ("shop_auditentry", audit.pk),
    ):
        assert _refused(f"UPDATE {table} SET created_at = now() WHERE id = %s", [pk]), table
        assert _refused(f"DELETE FROM {table} WHERE id = %s", [pk]), table
    assert _refused("UPDATE payments_paymentevent SET amount = 1 WHERE id = %s", [event.pk])
    assert PaymentEvent.objects.get(pk=event.pk).amount == event.amount
    # A staff account can still be deleted: its rows stay, without the name of who made them.
    User.objects.filter(pk=staff.pk).delete()
    assert BalanceEntry.objects.get(pk=entry.pk).created_by is None
    assert AuditEntry.objects.get(pk=audit.pk).actor is None


def _cod_started() -> Payment:
    order = place(
        cart_with((stocked_variant(price="250.00"), 1), user=UserFactory(verified=True)),
        payment_method="cod",
    )
    return payment_start(payment=order.payments.get())


def test_what_can_be_refunded_is_counted_to_the_kurus():
    payment = payment_capture(payment=_cod_started())
    payment_refund(payment=payment, amount=Decimal("100.10"))
    payment_refund(payment=payment, amount=Decimal("0.20"))
    left = Payment.objects.get(pk=payment.pk).refundable()
    assert str(left) == str(payment.amount - Decimal("100.30"))
    assert left.as_tuple().exponent == -2


@pytest.mark.parametrize("method", ["cod", "echeck"])
def test_an_order_whose_payment_start_was_lost_is_started_by_the_periodic_job(
    method, settings, time_machine
):
    overrides = {"payment_method": method}
    if method == "echeck":
        overrides["payment_details"] = _details()
    order = place(
        cart_with((stocked_variant(price="250.00"), 1), user=UserFactory(verified=True)),
        **overrides,
    )
    # The process died after the order committed, before its payment was started.
    assert (order.status, order.payments.get().status) == (
        OrderStatus.PENDING_PAYMENT,
        PaymentStatus.UNPAID,
    )
    assert start_lost_payments.apply().get() == 0  # the request itself may still start it
    later = timezone.now() + timedelta(seconds=settings.PAYMENT_START_LOST_AFTER_SECONDS + 5)
    time_machine.move_to(later)

    assert start_lost_payments.apply().get() == 1
    assert start_lost_payments.apply().get() == 0  # started once

    order.refresh_from_db()
    expected = PaymentStatus.COD_DUE if method == "cod" else PaymentStatus.CLEARING
    assert (order.status, order.payment_status) == (OrderStatus.CONFIRMED, expected)


@pytest.mark.stripe
def test_a_card_start_that_hit_a_stripe_error_can_be_retried_at_once(fake_stripe, settings):
    order, payment = _order_and_payment()
    customer = card_customer_for(order=order)
    setup = card_setup_intent(customer_id=customer, order_number=order.number)
    confirm_card_setup(fake_stripe, setup.setup_intent_id, "visa")
    card = card_set_up(setup_intent_id=setup.setup_intent_id, customer_id=customer)
    details = {"payment_method": card, "customer": customer}

    settings.STRIPE_API_BASE = "http://127.0.0.1:9"  # Stripe unreachable for this attempt
    with pytest.raises(PaymentError):
        payment_start(payment=payment, details=details)
    assert Payment.objects.get(pk=payment.pk).started_at is None  # the claim was given back
    settings.STRIPE_API_BASE = fake_stripe

    payment = payment_start(payment=payment, details=details)  # the shopper's retry, at once
    order.refresh_from_db()
    assert payment.status == PaymentStatus.PAID
    assert order.status == OrderStatus.CONFIRMED
