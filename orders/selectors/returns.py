"""Reads about returns: what may still come back, and whether the withdrawal period is open."""

from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Sum
from django.http import Http404

from payments.models import Payment
from payments.states import REFUNDABLE, PaymentMethod

from ..models import CreditNote, Order, OrderEvent, ReturnLine
from ..states import COUNTS_AS_RETURNED, OrderStatus, ReturnStatus

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
