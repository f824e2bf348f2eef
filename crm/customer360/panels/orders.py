"""What the customer bought and was told: orders, returns, cancellations, messages."""

from django.db.models import CharField, OuterRef, Q, Subquery
from django.db.models.functions import Cast

from crm.notifications.models import Message
from orders.models import Order, OrderEvent, Return
from orders.states import OrderStatus
from shop.models import User

from ...registry import (
    Rows,
)
from .base import _has_field

# --- orders, returns, cancellations -------------------------------------------------------------

ORDER_COLUMNS = (
    "number",
    "status",
    "payment_method",
    "payment_status",
    "total",
    "currency",
    "placed_at",
    "user_id",
)


def orders(user: User, limit: int) -> Rows:
    return list(
        Order.objects.filter(user_id=user.pk)
        .only(*ORDER_COLUMNS)
        .order_by("-placed_at", "-pk")[:limit]
    )


def returns(user: User, limit: int) -> Rows:
    """Returns of the customer's orders, with the customer's words and, once returns carry
    one, the reason code."""
    columns = ["number", "kind", "status", "reason", "amount", "currency", "requested_at"]
    if _has_field(Return, "reason_code"):
        columns.append("reason_code")
    return list(
        Return.objects.filter(order__user_id=user.pk)
        .select_related("order")
        .only(*columns, "order__number", "order__user_id")
        .order_by("-requested_at", "-pk")[:limit]
    )


def cancellations(user: User, limit: int) -> Rows:
    """Cancelled orders with the reason on the order and the note of their cancel event."""
    cancel = OrderEvent.objects.filter(
        order=OuterRef("pk"), to_status=OrderStatus.CANCELLED
    ).order_by("-created_at", "-pk")
    return list(
        Order.objects.filter(user_id=user.pk, status=OrderStatus.CANCELLED)
        .only("number", "cancel_reason", "total", "currency", "placed_at", "user_id")
        .annotate(
            cancelled_at=Subquery(cancel.values("created_at")[:1]),
            cancel_note=Subquery(cancel.values("note")[:1]),
        )
        .order_by("-placed_at", "-pk")[:limit]
    )


# --- messages -----------------------------------------------------------------------------------

MESSAGE_COLUMNS = (
    "kind",
    "channel",
    "recipient",
    "subject_line",
    "status",
    "status_reason",
    "subject_type",
    "subject_id",
    "created_at",
    "sent_at",
)


def messages(user: User, limit: int) -> Rows:
    """Every message to the customer: by user, and about the customer's orders (an order
    message to a customer without a phone is stored against the order, with no user)."""
    order_ids = (
        Order.objects.filter(user_id=user.pk)
        .annotate(as_text=Cast("pk", CharField()))
        .values("as_text")
    )
    return list(
        Message.objects.filter(
            Q(user_id=user.pk) | Q(subject_type="order", subject_id__in=order_ids)
        )
        .only(*MESSAGE_COLUMNS)
        .order_by("-created_at", "-pk")[:limit]
    )
