"""The questions the "where is my order" assistant answers about an order (orders/assistant.py
answers them): which make sense now, read from the order's row alone (no query)."""

from django.utils.translation import gettext_lazy

from payments.states import PaymentStatus

from ..models import Order
from ..states import OrderStatus

S = OrderStatus
WHERE, CANCEL, RETURN, REFUND = "where", "cancel", "return", "refund"
TOPICS = (WHERE, CANCEL, RETURN, REFUND)
TOPIC_LABELS = {
    WHERE: gettext_lazy("Where is my order?"),
    CANCEL: gettext_lazy("Can I cancel it?"),
    RETURN: gettext_lazy("Can I return it?"),
    REFUND: gettext_lazy("Where is my refund?"),
}
# After delivery or once cancelled there is nothing left to cancel.
_NOTHING_TO_CANCEL = frozenset({S.DELIVERED, S.RETURN_REQUESTED, S.RETURNED, S.CANCELLED})
_MONEY_BACK = frozenset(
    {PaymentStatus.BOUNCED, PaymentStatus.REFUNDED, PaymentStatus.PARTIALLY_REFUNDED}
)


def order_topics(*, order: Order) -> list[str]:
    """The questions that make sense for this order now (from the order's row alone)."""
    topics = [WHERE]
    if order.status not in _NOTHING_TO_CANCEL:
        topics.append(CANCEL)
    if order.status not in (S.CANCELLED, S.PENDING_PAYMENT):
        topics.append(RETURN)
    if order.status in (S.CANCELLED, S.RETURN_REQUESTED, S.RETURNED) or (
        order.payment_status in _MONEY_BACK
    ):
        topics.append(REFUND)
    return topics
