"""The "where is my order" assistant's answers, worked out from the same `OrderPage` the order's
page shows, so the chat and the page never disagree. The chat (crm) asks; orders answers.

Each answer is plain text in the active language with the date and the source of the fact it
rests on (the timeline's event, the carrier's event, the refund row), and at most one link.
One module per question: where.py, actions.py (cancel, return), refunds.py.
"""

from ..models import Order
from ..selectors.assistant import CANCEL, REFUND, RETURN, TOPIC_LABELS, TOPICS, WHERE, order_topics
from ..selectors.orders import _full
from ..views.order_page import OrderPage
from .actions import answer_cancel, answer_return, cancel_preview_text
from .base import Answer, day, when
from .refunds import answer_refund
from .where import answer_where

__all__ = [
    "CANCEL",
    "REFUND",
    "RETURN",
    "TOPICS",
    "TOPIC_LABELS",
    "WHERE",
    "Answer",
    "cancel_preview_text",
    "day",
    "order_answer",
    "order_for_answers",
    "order_topics",
    "when",
]
_BUILDERS = {
    WHERE: answer_where,
    CANCEL: answer_cancel,
    RETURN: answer_return,
    REFUND: answer_refund,
}


def order_for_answers(*, order_id: int) -> Order | None:
    """The order with everything its page shows, in the page's fixed number of queries."""
    return _full(Order.objects.filter(pk=order_id)).first()


def order_answer(*, order: Order, topic: str) -> Answer | None:
    """The answer to one topic for an order loaded by `order_for_answers`; None if unknown."""
    builder = _BUILDERS.get(topic)
    return builder(OrderPage(order)) if builder is not None else None
