"""The prepaid balance: paying an order with it, top-ups by card, refunds and staff adjustments."""

from decimal import Decimal

import pytest
from django.db import IntegrityError

from orders.exceptions import CheckoutError
from orders.models import Order
from orders.states import OrderStatus
from payments.exceptions import PaymentError
from payments.methods.stored_value.services import parse_top_up_amount
from payments.models import BalanceEntry, Payment, PaymentEvent, PaymentPurpose
from payments.services import (
    BalanceError,
    balance_adjust,
    balance_of,
    balance_top_up_create,
    card_customer_for,
    card_pay,
    card_setup_intent,
    payment_refund,
)
from payments.states import PaymentStatus
from tests.factories import StaffFactory, UserFactory
from tests.orders.helpers import cart_with, make_checkout_request, place, stocked_variant

from .browser_stand_in import confirm_card_setup
from .test_card import _event, _signed

pytestmark = pytest.mark.django_db


def _digital(price: str = "40.00"):
    return stocked_variant(on_hand=0, price=price, product__kind="digital")


def _customer_with(amount: str):
    customer = UserFactory(verified=True)
    balance_adjust(
        user=customer, amount=Decimal(amount), reason="Welcome credit", by=StaffFactory()
    )
    return customer


def test_an_order_paid_from_the_balance_is_confirmed_at_placement_with_one_debit():
    customer = _customer_with("100.00")
    order = place(cart_with((_digital("40.00"), 1), user=customer), payment_method="stored_value")
    assert (order.status, order.payment_status) == (OrderStatus.CONFIRMED, PaymentStatus.PAID)
    assert balance_of(user_id=customer.pk) == Decimal("60.00")
    debit = BalanceEntry.objects.get(kind=BalanceEntry.Kind.PURCHASE)
    assert debit.amount == Decimal("-40.00") and debit.payment.order == order
    capture = PaymentEvent.objects.get(payment__order=order, kind=PaymentEvent.Kind.CAPTURE)
    assert capture.reference == f"balance-entry-{debit.pk}"


def test_a_balance_that_does_not_cover_the_order_is_refused_and_changes_nothing():
    customer = _customer_with("30.00")
    variant = _digital("40.00")
    with pytest.raises(CheckoutError):  # the method is offered disabled, with the shortfall
        place(cart_with((variant, 1), user=customer), payment_method="stored_value")
    assert Order.objects.count() == 0
    assert balance_of(user_id=customer.pk) == Decimal("30.00")
    assert BalanceEntry.objects.count() == 1


def test_the_checkout_offers_the_balance_disabled_with_the_shortfall():
    from orders import selectors

    customer = _customer_with("30.00")
    cart = cart_with((_digital("40.00"), 1), user=customer)
    quote = selectors.cart_quote(cart=cart, user=customer)
    choice = next(c for c in quote.payment_options if c.method == "stored_value")
    assert not choice.availability.available
    assert "10.00" in choice.availability.reason


def test_a_refund_of_a_balance_paid_order_returns_to_the_balance_once():
    customer = _customer_with("100.00")
    order = place(cart_with((_digital("40.00"), 1), user=customer), payment_method="stored_value")
    payment = order.payments.get()
    refund = payment_refund(payment=payment, amount=Decimal("15.00"), reason="One track missing")
    assert refund.status == "succeeded"
    assert balance_of(user_id=customer.pk) == Decimal("75.00")
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PARTIALLY_REFUNDED
    with pytest.raises(PaymentError):
        payment_refund(payment=payment, amount=Decimal("30.00"))
    assert balance_of(user_id=customer.pk) == Decimal("75.00")


def test_staff_adjustments_need_a_reason_never_go_below_zero_and_entries_are_append_only():
    customer = _customer_with("20.00")
    staff = StaffFactory()
    with pytest.raises(BalanceError):
        balance_adjust(user=customer, amount=Decimal("5"), reason=" ", by=staff)
    with pytest.raises(BalanceError):
        balance_adjust(user=customer, amount=Decimal("-25"), reason="Goodwill reversed", by=staff)
    entry = balance_adjust(user=customer, amount=Decimal("-5"), reason="Typo fixed", by=staff)
    assert entry.created_by == staff and balance_of(user_id=customer.pk) == Decimal("15.00")
    with pytest.raises(ValueError):
        entry.save()
    with pytest.raises(IntegrityError):
        BalanceEntry.objects.filter(pk=entry.pk).update(amount=0)


@pytest.mark.parametrize("raw", ["5", "99999", "abc", "10.001", "NaN", "-50"])
def test_a_top_up_out_of_range_or_unreadable_is_refused(raw, settings):
    settings.BALANCE_TOP_UP_MIN, settings.BALANCE_TOP_UP_MAX = "20.00", "5000.00"
    with pytest.raises(BalanceError):
        parse_top_up_amount(raw)
    assert parse_top_up_amount("150,50") == Decimal("150.50")


def test_a_payment_without_an_order_needs_its_purpose_and_owner():
    with pytest.raises(IntegrityError):
        Payment.objects.create(method="card", amount=Decimal("10"), currency="TRY")


@pytest.mark.stripe
def test_a_top_up_paid_by_card_credits_once_and_a_declined_one_credits_nothing(
    fake_stripe, client, settings, django_capture_on_commit_callbacks
):
    customer = UserFactory(verified=True)
    customer_id = card_customer_for(user=customer)

    def pay(card: str) -> Payment:
        payment = balance_top_up_create(user=customer, amount=Decimal("100.00"))
        setup = card_setup_intent(customer_id=customer_id, order_number="top-up")
        confirm_card_setup(fake_stripe, setup.setup_intent_id, card)
        return card_pay(
            payment=payment, setup_intent_id=setup.setup_intent_id, customer_id=customer_id
        )

    declined = pay("declined")
    assert declined.status == PaymentStatus.FAILED
    assert balance_of(user_id=customer.pk) == 0
    paid = pay("visa")
    assert (paid.status, paid.purpose, paid.order) == (PaymentStatus.PAID, "top_up", None)
    assert balance_of(user_id=customer.pk) == Decimal("100.00")

    # Stripe's webhook for the same PaymentIntent, delivered twice: still one credit.
    intent = {
        "id": paid.reference,
        "object": "payment_intent",
        "amount": 10000,
        "amount_received": 10000,
        "currency": "try",
        "status": "succeeded",
        "latest_charge": paid.events.get(kind="capture").reference,
        "metadata": {"payment_id": str(paid.pk)},
    }
    body = _event("evt_top_up", "payment_intent.succeeded", intent)
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                "/payments/stripe/webhook/",
                body,
                content_type="application/json",
                HTTP_STRIPE_SIGNATURE=_signed(body, settings.STRIPE_WEBHOOK_SECRET),
            )
        assert response.status_code == 200
    assert balance_of(user_id=customer.pk) == Decimal("100.00")
    assert BalanceEntry.objects.filter(kind="top_up").count() == 1
    assert Payment.objects.filter(purpose=PaymentPurpose.TOP_UP).count() == 2


def test_a_guest_cannot_pay_from_a_balance():
    variant = _digital("40.00")
    with pytest.raises(CheckoutError):
        place(cart_with((variant, 1)), payment_method="stored_value")
    assert make_checkout_request  # the helper builds guest requests too
