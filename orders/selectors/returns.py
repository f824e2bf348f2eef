"""Reads about returns: what may still come back, and whether the withdrawal period is open."""

from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Sum
from django.http import Http404

from payments.models import Payment, Refund
from payments.states import REFUNDABLE, PaymentMethod

from ..models import CreditNote, Order, OrderEvent, Return, ReturnLine
from ..states import (
    COUNTS_AS_RETURNED,
    OrderStatus,
    Restock,
    ReturnStatus,
    return_next_statuses,
)

RETURNABLE_ORDER = frozenset({OrderStatus.DELIVERED, OrderStatus.RETURN_REQUESTED})


def returned_quantities(*, order: Order, statuses: frozenset[str] = COUNTS_AS_RETURNED) -> dict:
    """Units per order line already coming back or back (a rejected claim does not count)."""
    rows = (
        ReturnLine.objects.filter(
            order_return__order=order, order_return__status__in=list(statuses)
        )
        .values("order_line_id")
        .annotate(units=Sum("quantity"))
        .values_list("order_line_id", "units")
    )
    return dict(rows)


def refundable_payment(*, order_id: int) -> Payment | None:
    """The order's payment a refund would come from (its newest that took money)."""
    return Payment.objects.filter(order_id=order_id, status__in=REFUNDABLE).order_by("-pk").first()


def order_refund_by_transfer(*, order: Order) -> bool:
    """True when a refund of this order is paid out by hand (cash collected at the door): the
    customer says where it goes, a bank account or store credit."""
    payment = refundable_payment(order_id=order.pk)
    return payment is not None and payment.method == PaymentMethod.COD


def refunded_quantities(*, order: Order) -> dict:
    return returned_quantities(order=order, statuses=frozenset({ReturnStatus.REFUNDED}))


def order_delivered_at(*, order: Order) -> datetime | None:
    """When the order was delivered (its last parcel arrived): the withdrawal period's start."""
    return (
        OrderEvent.objects.filter(
            order=order, to_status=OrderStatus.DELIVERED, kind__in=["", "downloads"]
        )
        .order_by("created_at", "pk")
        .values_list("created_at", flat=True)
        .first()
    )


def withdrawal_ends_at(delivered_at: datetime | None) -> datetime | None:
    if delivered_at is None:
        return None
    return delivered_at + timedelta(days=settings.WITHDRAWAL_DAYS)


def credit_note_of(*, order: Order, number: str) -> CreditNote:
    note = CreditNote.objects.filter(order=order, number=number).select_related("invoice").first()
    if note is None:
        raise Http404
    return note


def return_refund_failed(order_return: Return) -> bool:
    """Its refund was reserved and failed: staff may refund the return again."""
    refund = order_return.refund
    return refund is not None and refund.status == Refund.Status.FAILED


def return_next_steps(*, order_return: Return) -> list[str]:
    """The statuses staff may move this return to now, read from states.RETURN_TRANSITIONS.

    Moving to the status it has is a retry, offered only for a refund that failed.
    """
    return [
        status
        for status in return_next_statuses(order_return.status)
        if status != order_return.status or return_refund_failed(order_return)
    ]


def return_actions(*, order_return: Return) -> dict:
    """What the return's admin screen offers now (templates/admin/orders/return/
    next_actions.html): the next statuses and, to receive it, the items to inspect."""
    steps = return_next_steps(order_return=order_return)
    to_inspect = []
    if ReturnStatus.RECEIVED in steps:
        lines = order_return.lines.select_related("order_line")
        to_inspect = [line for line in lines if not line.order_line.is_digital]
    return {
        "order_return": order_return,
        "steps": steps,
        "to_inspect": to_inspect,
        "restock_choices": Restock.choices,
    }
