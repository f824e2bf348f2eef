"""Refunding a balance top-up takes its credit back first; a tab settlement is never refunded.

A top-up refunded to the card used to leave the balance credited (the customer kept the credit
and got the money back); refunding a tab's settlement returned the charge while every tab order
stayed paid.
"""

from decimal import Decimal

import pytest

from payments.exceptions import PaymentError
from payments.methods.stored_value.services import balance_top_up_refund
from payments.models import BalanceEntry, Payment, PaymentPurpose, Refund
from payments.services import (
    balance_of,
    balance_top_up_create,
    card_customer_for,
    card_pay,
    card_setup_intent,
    payment_refund,
    tab_settle,
)
from payments.states import PaymentStatus
from shop.models import AuditEntry
from tests.factories import StaffFactory, UserFactory
from tests.orders.helpers import cart_with, place, stocked_variant

from .browser_stand_in import confirm_card_setup
from .test_card import fake_stripe_client
from .test_refund_states import _refund_hit_by_a_stripe_error, _stripe_refund
from .test_wallet_and_tab import _customer_with_card_and_address, digital

pytestmark = [pytest.mark.stripe, pytest.mark.django_db]

TOP_UP = Decimal("100.00")


def _top_up(fake_stripe: str, customer=None) -> Payment:
    customer = customer or UserFactory(verified=True)
    customer_id = card_customer_for(user=customer)
    payment = balance_top_up_create(user=customer, amount=TOP_UP)
    setup = card_setup_intent(customer_id=customer_id, order_number="top-up")
    confirm_card_setup(fake_stripe, setup.setup_intent_id, "visa")
    paid = card_pay(payment=payment, setup_intent_id=setup.setup_intent_id, customer_id=customer_id)
    assert paid.status == PaymentStatus.PAID and balance_of(user_id=customer.pk) == TOP_UP
    return paid


def test_a_top_up_refunded_to_the_card_takes_its_credit_off_the_balance(fake_stripe):
    top_up = _top_up(fake_stripe)
    staff = StaffFactory()

    # Staff use the ordinary refund (the admin's refund page): it goes to the top-up refund.
    refund = payment_refund(payment=top_up, amount=Decimal("30.00"), reason="İade", by=staff)

    assert refund.status == Refund.Status.SUCCEEDED
    assert balance_of(user_id=top_up.user_id) == Decimal("70.00")
    taken = BalanceEntry.objects.get(kind=BalanceEntry.Kind.TOP_UP_REFUND)
    assert (taken.amount, taken.key) == (Decimal("-30.00"), f"top-up-refund:refund-{refund.pk}")
    at_stripe = fake_stripe_client(fake_stripe).v1.refunds.retrieve(refund.reference)
    assert (at_stripe.payment_intent, at_stripe.amount) == (top_up.reference, 3000)
    top_up.refresh_from_db()
    assert top_up.status == PaymentStatus.PARTIALLY_REFUNDED
    assert AuditEntry.objects.filter(action="balance.top_up_refund", actor=staff).count() == 1


def test_a_top_up_whose_credit_was_spent_is_refused_and_nothing_moves(fake_stripe):
    top_up = _top_up(fake_stripe)
    customer = top_up.user
    order = place(
        cart_with((stocked_variant(on_hand=0, price="80.00", product__kind="digital"), 1),
                  user=customer),
        payment_method="stored_value",
    )  # fmt: skip
    assert order.payment_status == PaymentStatus.PAID
    assert balance_of(user_id=customer.pk) == Decimal("20.00")

    with pytest.raises(PaymentError, match="no longer covers"):
        balance_top_up_refund(payment=top_up, amount=Decimal("50.00"), by=StaffFactory())

    assert not Refund.objects.exists()
    assert balance_of(user_id=customer.pk) == Decimal("20.00")
    intent = top_up.reference
    assert (
        not fake_stripe_client(fake_stripe).v1.refunds.list(params={"payment_intent": intent}).data
    )
    # What the balance still covers can go back.
    refund = payment_refund(payment=top_up, amount=Decimal("20.00"), by=StaffFactory())
    assert refund.status == Refund.Status.SUCCEEDED
    assert balance_of(user_id=customer.pk) == Decimal("0.00")


def test_a_tab_settlement_is_never_refunded_directly(fake_stripe):
    customer = _customer_with_card_and_address(fake_stripe)
    order = place(cart_with((digital("40.00"), 1), user=customer), payment_method="micropayment")
    settlement = tab_settle(tab_id=order.payments.get().tab_id)
    assert settlement.status == PaymentStatus.PAID
    assert settlement.purpose == PaymentPurpose.TAB_SETTLEMENT

    with pytest.raises(PaymentError, match="refund the orders on the tab"):
        payment_refund(payment=settlement, amount=Decimal("40.00"), by=StaffFactory())

    assert not Refund.objects.exists()
    assert (
        not fake_stripe_client(fake_stripe)
        .v1.refunds.list(params={"payment_intent": settlement.reference})
        .data
    )
    # The order's own refund is the way, and it is taken from the settlement's charge.
    refund = payment_refund(payment=order.payments.get(), amount=Decimal("10.00"))
    assert refund.status == Refund.Status.SUCCEEDED and refund.reference.startswith("re_")


def test_a_top_up_refund_the_card_refused_gives_the_credit_back(
    fake_stripe, settings, stripe_event_post
):
    top_up = _top_up(fake_stripe)
    refund = _refund_hit_by_a_stripe_error(top_up, settings)  # 40.00 reserved, credit taken
    assert balance_of(user_id=top_up.user_id) == Decimal("60.00")

    failed = _stripe_refund(top_up, refund, "failed", failure_reason="lost_or_stolen_card")
    stripe_event_post("evt_top_up_refund_failed", "refund.failed", failed)
    stripe_event_post("evt_top_up_refund_failed_again", "refund.failed", failed)

    refund.refresh_from_db()
    assert refund.status == Refund.Status.FAILED
    assert balance_of(user_id=top_up.user_id) == TOP_UP  # given back, once
    top_up.refresh_from_db()
    assert top_up.status == PaymentStatus.PAID and top_up.refundable() == TOP_UP
