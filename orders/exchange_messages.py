"""The exchange's own message: the replacement costs more, here is the link to pay the difference.

Registered by the orders app (apps.py) like the order messages; sent through the outbox once per
replacement order, on commit.
"""

from django.utils import timezone, translation
from django.utils.formats import date_format

from crm.notifications.kinds import MessageKind, register_kind
from crm.notifications.models import Category, Channel

from .links import order_pay_link
from .messages import SAMPLE, _send, order_message_context
from .models import Order

EXCHANGE_PAY_LINK = "exchange_pay_link"

EXCHANGE_SAMPLE = {
    **SAMPLE,
    "total": "50.00",
    "original_number": "DK-2B7Q-LM4C",
    "expires_at": "2026-12-10T18:00:00+03:00",
    "keep_until": "10.12.2026 18:00",
}


def register_exchange_kinds() -> None:
    register_kind(
        MessageKind(
            EXCHANGE_PAY_LINK, Category.TRANSACTIONAL, (Channel.EMAIL, Channel.SMS), EXCHANGE_SAMPLE
        )
    )


def exchange_pay_link_schedule(*, order: Order, original: Order) -> None:
    """The replacement of an exchange owes the price difference: its lines, the amount, the link
    to pay it and until when the new items are kept. Once per replacement order."""
    context = order_message_context(order=order)
    context["original_number"] = original.number
    context["url"] = order_pay_link(order=order)
    context["expires_at"] = order.expires_at.isoformat() if order.expires_at else ""
    with translation.override(order.language):
        context["keep_until"] = (
            date_format(timezone.localtime(order.expires_at), "SHORT_DATETIME_FORMAT")
            if order.expires_at
            else ""
        )
    _send(order, EXCHANGE_PAY_LINK, context, dedupe_key=f"order:{order.pk}:exchange_pay_link")
