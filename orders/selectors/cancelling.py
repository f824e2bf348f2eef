"""Reads about cancelling an order: may the customer cancel it, and where its money goes then.

The order page shows this before the customer confirms; the cancellation itself
(`services.order_cancel_by_customer` → `order_transition`) voids or refunds each payment after
it commits, through the payments app's void and refund services, which this mirrors.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings

from payments.models import Payment, Refund
from payments.states import PaymentMethod, PaymentStatus

from ..models import Order
from ..states import CUSTOMER_CANCELLABLE, OrderStatus

S = OrderStatus
M = PaymentMethod
P = PaymentStatus

# Too late to cancel: the parcel is packed or on its way. After delivery the withdrawal right
# (a return within WITHDRAWAL_DAYS of delivery) takes over.
CANCEL_CLOSED = frozenset({S.PACKED, S.SHIPPED, S.IN_TRANSIT, S.OUT_FOR_DELIVERY})

# What happens to one payment when its order is cancelled (the template words each one).
CARD_REFUND = "card_refund"  # refunded at Stripe to the card that paid
SAVED_CARD_REFUND = "saved_card_refund"  # refunded at Stripe to the saved card that paid
TAB_CARD_REFUND = "tab_card_refund"  # a settled tab order: to the card the tab was charged to
BALANCE_REFUND = "balance_refund"  # back on the prepaid balance at once
TRANSFER_REFUND = "transfer_refund"  # a cleared e-check: paid back by bank transfer
CARD_RELEASE = "card_release"  # a card hold (authorized, not captured) released
TAB_OFF = "tab_off"  # an order still on the open tab: taken off it, never charged
ECHECK_VOID = "echeck_void"  # an e-check still clearing: cancelled, never collected
COD_NOTHING = "cod_nothing"  # cash due at delivery: nothing was paid, nothing to return
NOTHING_TAKEN = "nothing_taken"  # an attempt that took nothing (unpaid, awaiting 3-D Secure)

# Refunds that still hold (or already gave back) part of the payment.
_COUNTING_REFUNDS = frozenset(set(Refund.Status.values) - {Refund.Status.FAILED})


@dataclass(frozen=True)
class CancelMoney:
    """One payment's money on cancelling: what happens (`kind`), how much, and by when
    (`business_days`, or None when it happens at once)."""

    kind: str
    amount: Decimal
    currency: str
    business_days: int | None


def order_customer_may_cancel(*, order: Order) -> bool:
    """By status only, whatever paid it: until the order is packed."""
    return order.status in CUSTOMER_CANCELLABLE


def order_cancel_closed(*, order: Order) -> bool:
    """Packed or on its way: the page says why it cannot be cancelled and how to return it."""
    return order.status in CANCEL_CLOSED


def order_cancel_preview(*, order: Order) -> list[CancelMoney]:
    """Where each payment's money goes if the order is cancelled now, oldest attempt first.

    Reads the order's payments and their refunds as loaded (the order page prefetches both),
    so it adds no query there. Attempts that are over (failed, voided, refunded) are left out;
    an order with no money taken shows one "nothing taken" line.
    """
    found: list[CancelMoney] = []
    for payment in sorted(order.payments.all(), key=lambda p: p.pk):
        money = _on_cancel(payment)
        if money is not None:
            found.append(money)
    if not found:
        found.append(CancelMoney(NOTHING_TAKEN, order.total, order.currency, None))
    return found


def _on_cancel(payment: Payment) -> CancelMoney | None:
    status, method = payment.status, payment.method
    card_days = settings.CANCEL_CARD_REFUND_BUSINESS_DAYS
    if status in (P.PAID, P.PARTIALLY_REFUNDED):
        left = _left_to_refund(payment)
        if left <= 0:
            return None
        if method == M.CARD:
            return CancelMoney(CARD_REFUND, left, payment.currency, card_days)
        if method == M.WALLET:
            return CancelMoney(SAVED_CARD_REFUND, left, payment.currency, card_days)
        if method == M.MICROPAYMENT:
            return CancelMoney(TAB_CARD_REFUND, left, payment.currency, card_days)
        if method == M.STORED_VALUE:
            return CancelMoney(BALANCE_REFUND, left, payment.currency, None)
        # A cleared e-check (or collected cash): staff pay it back by bank transfer.
        transfer_days = settings.CANCEL_TRANSFER_REFUND_BUSINESS_DAYS
        return CancelMoney(TRANSFER_REFUND, left, payment.currency, transfer_days)
    if status == P.ON_TAB:
        return CancelMoney(TAB_OFF, _left_to_refund(payment), payment.currency, None)
    if status == P.AUTHORIZED:
        return CancelMoney(CARD_RELEASE, payment.amount, payment.currency, None)
    if status == P.CLEARING:
        return CancelMoney(ECHECK_VOID, payment.amount, payment.currency, None)
    if status == P.COD_DUE:
        return CancelMoney(COD_NOTHING, payment.amount, payment.currency, None)
    if status in (P.UNPAID, P.REQUIRES_ACTION):
        return CancelMoney(NOTHING_TAKEN, payment.amount, payment.currency, None)
    return None  # failed, voided, refunded, bounced, returned: nothing more to do


def _left_to_refund(payment: Payment) -> Decimal:
    """The payment's amount less its refunds done or under way (from loaded rows)."""
    given = sum(
        (refund.amount for refund in payment.refunds.all() if refund.status in _COUNTING_REFUNDS),
        Decimal("0.00"),
    )
    return payment.amount - given
