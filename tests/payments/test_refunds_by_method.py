"""Refunds and voids for each of the six methods move the right money to the right place.

One table: for every method a full and a partial refund of a paid order (and of a tab order not
settled yet, which comes off the open tab), and a void where the method can hold money without
taking it. Real services, the real fake Stripe server; the place
the money lands is read back from where a customer or staff would see it (Stripe's refunds, the
customer's balance, the tab, the refund waiting for a bank transfer).
"""

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

import pytest

from payments.exceptions import PaymentError
from payments.models import Payment, PaymentEvent, Refund, Tab
from payments.services import (
    balance_adjust,
    balance_of,
    echeck_clear,
    echeck_create,
    payment_capture,
    payment_create,
    payment_refund,
    payment_start,
    payment_void,
    refund_confirm_payout,
    tab_settle,
    tab_total,
)
from payments.states import PaymentStatus
from tests.factories import OrderFactory, StaffFactory, UserFactory
from tests.orders.helpers import cart_with, place

from .test_card import _pay, fake_stripe_client
from .test_echeck import _details
from .test_wallet_and_tab import _customer_with_card_and_address, digital, save_card

pytestmark = [pytest.mark.stripe, pytest.mark.django_db]

TOTAL = Decimal("40.00")  # small enough for the tab
PART = Decimal("15.00")


@dataclass
class Paid:
    payment: Payment
    customer: object | None = None


# --- a paid order per method -------------------------------------------------------------------


def _card(stripe_url: str) -> Paid:
    order = OrderFactory(payment_method="card", total=TOTAL)
    payment = payment_create(order=order, method="card", amount=TOTAL, currency="TRY")
    return Paid(_pay(stripe_url, payment))


def _wallet(stripe_url: str) -> Paid:
    customer = UserFactory(verified=True)
    save_card(stripe_url, customer)
    order = OrderFactory(user=customer, payment_method="wallet", total=TOTAL)
    payment = payment_create(order=order, method="wallet", amount=TOTAL, currency="TRY")
    return Paid(payment_start(payment=payment), customer)


def _balance(stripe_url: str) -> Paid:
    customer = UserFactory(verified=True)
    balance_adjust(user=customer, amount=Decimal("100.00"), reason="Hoş geldin", by=StaffFactory())
    order = OrderFactory(user=customer, payment_method="stored_value", total=TOTAL)
    payment = payment_create(order=order, method="stored_value", amount=TOTAL, currency="TRY")
    return Paid(payment_start(payment=payment), customer)


def _tab_order(stripe_url: str) -> Paid:
    customer = _customer_with_card_and_address(stripe_url)
    order = place(cart_with((digital(str(TOTAL)), 1), user=customer), payment_method="micropayment")
    return Paid(order.payments.get(), customer)


def _settled_tab(stripe_url: str) -> Paid:
    paid = _tab_order(stripe_url)
    settlement = tab_settle(tab_id=paid.payment.tab_id)
    assert settlement.status == PaymentStatus.PAID
    paid.payment.refresh_from_db()
    return paid


def _clearing_echeck(stripe_url: str) -> Paid:
    order = OrderFactory(payment_method="echeck", total=TOTAL)
    payment = payment_create(order=order, method="echeck", amount=TOTAL, currency="TRY")
    echeck_create(payment=payment, details=_details())
    return Paid(payment_start(payment=payment))


def _echeck(stripe_url: str) -> Paid:
    paid = _clearing_echeck(stripe_url)
    paid.payment = echeck_clear(payment=paid.payment)
    return paid


def _cod_due(stripe_url: str, *, guest: bool = False) -> Paid:
    customer = None if guest else UserFactory()
    order = OrderFactory(user=customer, payment_method="cod", total=TOTAL)
    payment = payment_create(order=order, method="cod", amount=TOTAL, currency="TRY")
    return Paid(payment_start(payment=payment), customer)


def _cod(stripe_url: str, *, guest: bool = False) -> Paid:
    paid = _cod_due(stripe_url, guest=guest)
    paid.payment = payment_capture(payment=paid.payment, amount=TOTAL)
    return paid


# --- where the money lands ---------------------------------------------------------------------


def _to_stripe(stripe_url: str, paid: Paid, refund: Refund, amount: Decimal) -> None:
    """A Stripe refund of that amount on the PaymentIntent that took the money."""
    intent = paid.payment.reference
    if paid.payment.method == "micropayment":  # the tab's one charge
        intent = Payment.objects.get(tab_id=paid.payment.tab_id, purpose="tab_settlement").reference
    assert refund.status == Refund.Status.SUCCEEDED and refund.reference.startswith("re_")
    at_stripe = fake_stripe_client(stripe_url).v1.refunds.retrieve(refund.reference)
    assert (at_stripe.payment_intent, at_stripe.amount) == (intent, int(amount * 100))


def _to_balance(stripe_url: str, paid: Paid, refund: Refund, amount: Decimal) -> None:
    """Back on the customer's prepaid balance, once."""
    before = Decimal("60.00") if paid.payment.method == "stored_value" else Decimal("0.00")
    assert refund.status == Refund.Status.SUCCEEDED
    assert balance_of(user_id=paid.customer.pk) == before + amount
    assert refund.payment.balance_entries.filter(kind="refund").count() == 1


def _by_bank_transfer(stripe_url: str, paid: Paid, refund: Refund, amount: Decimal) -> None:
    """Waiting for staff to pay it out (it already counts against what can be refunded)."""
    assert refund.status == Refund.Status.AWAITING_PAYOUT
    assert not refund.payment.events.filter(kind=PaymentEvent.Kind.REFUND).exists()
    assert refund.payment.refundable() == TOTAL - amount
    with pytest.raises(PaymentError):  # nothing more than what is left, even before the payout
        payment_refund(payment=refund.payment, amount=TOTAL - amount + Decimal("0.01"))
    refund = refund_confirm_payout(refund=refund, reference="EFT-2026-1", by=StaffFactory())
    assert (refund.status, refund.reference) == (Refund.Status.SUCCEEDED, "EFT-2026-1")
    refund_confirm_payout(refund=refund, reference="EFT-again")  # confirmed twice: once
    assert refund.payment.events.filter(kind=PaymentEvent.Kind.REFUND).count() == 1


def _off_the_open_tab(stripe_url: str, paid: Paid, refund: Refund, amount: Decimal) -> None:
    """Taken off the open tab: nothing goes to Stripe, and the settlement charges only the rest
    and captures the order once."""
    assert refund.status == Refund.Status.SUCCEEDED
    # Recorded as a refund taken off the tab: no cash moved, the daily report leaves it out.
    off = refund.events.get()
    assert (off.kind, off.moves_cash) == (PaymentEvent.Kind.REFUND_OFF_TAB, False)
    tab = Tab.objects.get(pk=paid.payment.tab_id)
    assert tab_total(tab=tab) == TOTAL - amount
    settlement = tab_settle(tab_id=tab.pk)
    stripe = fake_stripe_client(stripe_url)
    if amount == TOTAL:  # everything came off: nothing to charge
        assert settlement is None
        assert not Payment.objects.filter(purpose="tab_settlement").exists()
        return
    assert settlement.status == PaymentStatus.PAID and settlement.amount == TOTAL - amount
    intent = stripe.v1.payment_intents.retrieve(settlement.reference)
    assert (intent.status, intent.amount) == ("succeeded", int((TOTAL - amount) * 100))
    assert not stripe.v1.refunds.list(params={"payment_intent": settlement.reference}).data
    assert paid.payment.events.filter(kind=PaymentEvent.Kind.CAPTURE).count() == 1


REFUNDS: dict[str, tuple[Callable[..., Paid], Callable[..., None]]] = {
    "card": (_card, _to_stripe),
    "wallet": (_wallet, _to_stripe),
    "stored_value": (_balance, _to_balance),
    "micropayment": (_settled_tab, _to_stripe),
    "micropayment-open-tab": (_tab_order, _off_the_open_tab),
    "echeck": (_echeck, _by_bank_transfer),
    "cod": (_cod, _by_bank_transfer),  # cash comes back by bank transfer unless credit is chosen
    "cod-guest": (lambda url: _cod(url, guest=True), _by_bank_transfer),
}


@pytest.mark.parametrize("share", ["full", "partial"])
@pytest.mark.parametrize("method", list(REFUNDS))
def test_a_refund_gives_the_money_back_where_the_method_took_it(method, share, fake_stripe):
    build, landed = REFUNDS[method]
    paid = build(fake_stripe)
    assert paid.payment.status in (PaymentStatus.PAID, PaymentStatus.ON_TAB)
    amount = TOTAL if share == "full" else PART

    refund = payment_refund(payment=paid.payment, amount=amount, reason="İade", by=StaffFactory())

    landed(fake_stripe, paid, refund, amount)
    payment = Payment.objects.get(pk=paid.payment.pk)
    expected = PaymentStatus.REFUNDED if share == "full" else PaymentStatus.PARTIALLY_REFUNDED
    assert payment.status == expected
    assert payment.refunded() == amount
    assert payment.order.payment_status == expected  # the customer's order page says so
    with pytest.raises(PaymentError, match=r"at most|was taken"):  # never more than was taken
        payment_refund(payment=payment, amount=TOTAL - amount + Decimal("0.01"))


# --- voids: money held or promised, never taken ---------------------------------------------


def _card_waiting_for_3ds(stripe_url: str) -> Paid:
    order = OrderFactory(payment_method="card", total=TOTAL)
    payment = payment_create(order=order, method="card", amount=TOTAL, currency="TRY")
    payment = _pay(stripe_url, payment, card="3ds")
    assert payment.status == PaymentStatus.REQUIRES_ACTION
    return Paid(payment)


def _wallet_waiting_for_3ds(stripe_url: str) -> Paid:
    customer = UserFactory(verified=True)
    save_card(stripe_url, customer, "3ds")
    order = OrderFactory(user=customer, payment_method="wallet", total=TOTAL)
    payment = payment_create(order=order, method="wallet", amount=TOTAL, currency="TRY")
    payment = payment_start(payment=payment)
    assert payment.status == PaymentStatus.REQUIRES_ACTION
    return Paid(payment, customer)


def _cancelled_at_stripe(stripe_url: str, paid: Paid) -> None:
    intent = fake_stripe_client(stripe_url).v1.payment_intents.retrieve(paid.payment.reference)
    assert intent.status == "canceled"


def _off_the_tab(stripe_url: str, paid: Paid) -> None:
    tab = Tab.objects.get(pk=paid.payment.tab_id)
    assert tab_total(tab=tab) == Decimal("0.00")
    assert tab_settle(tab_id=tab.pk) is None  # nothing left to charge
    assert not Payment.objects.filter(purpose="tab_settlement").exists()


def _nothing_to_collect(stripe_url: str, paid: Paid) -> None:
    assert not paid.payment.events.filter(kind=PaymentEvent.Kind.CAPTURE).exists()
    with pytest.raises(PaymentError, match="taken"):
        payment_refund(payment=paid.payment, amount=TOTAL)


VOIDS: dict[str, tuple[Callable[..., Paid], Callable[..., None]]] = {
    "card": (_card_waiting_for_3ds, _cancelled_at_stripe),
    "wallet": (_wallet_waiting_for_3ds, _cancelled_at_stripe),
    "micropayment": (_tab_order, _off_the_tab),
    "echeck": (_clearing_echeck, _nothing_to_collect),
    "cod": (_cod_due, _nothing_to_collect),
}
# The balance pays at placement, so there is never anything held to void: it is refunded
# instead (above).
CANNOT_VOID = {"stored_value"}


@pytest.mark.parametrize("method", list(VOIDS))
def test_a_void_cancels_what_was_held_and_takes_nothing(method, fake_stripe):
    build, check = VOIDS[method]
    paid = build(fake_stripe)

    voided = payment_void(payment=paid.payment)
    assert payment_void(payment=voided).status == PaymentStatus.VOIDED  # twice: once

    paid.payment.refresh_from_db()
    assert paid.payment.status == PaymentStatus.VOIDED
    assert paid.payment.events.filter(kind=PaymentEvent.Kind.VOID).count() == 1
    assert paid.payment.order.payment_status == PaymentStatus.VOIDED
    check(fake_stripe, paid)


def test_a_paid_balance_order_cannot_be_voided_only_refunded(fake_stripe):
    paid = _balance(fake_stripe)
    assert payment_void(payment=paid.payment).status == PaymentStatus.PAID
    assert balance_of(user_id=paid.customer.pk) == Decimal("60.00")
    assert set(VOIDS) | CANNOT_VOID == {
        "card",
        "wallet",
        "stored_value",
        "micropayment",
        "echeck",
        "cod",
    }
