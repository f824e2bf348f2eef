"""The customer's messages about an order: which status sends what, and with what content.

`order_transition` calls `order_message_schedule` inside its transaction; the notification
outbox writes the rows there and delivers them on commit, once per order and status.
"""

from django.conf import settings
from django.urls import reverse
from django.utils import translation

from crm.notifications.kinds import MessageKind, register_kind
from crm.notifications.models import Category, Channel
from crm.notifications.services import Recipient, notification_send

from .models import Order
from .states import CancelReason, OrderStatus

SAMPLE = {
    "number": "DK-7K3M-Q9XZ",
    "total": "249.90",
    "currency": "TRY",
    "payment_method": "Kapıda ödeme",
    "lines": [
        {"name": "Pamuklu tişört", "option": "Kırmızı / M", "quantity": 2, "total": "230.00"}
    ],
    "shipping_address": [
        "Ayşe Yılmaz",
        "Moda Mah.",
        "Caferağa Sok. 5/3",
        "34710 Kadıköy / İstanbul",
    ],
    "documents": [{"title": "Mesafeli satış sözleşmesi", "text": "MADDE 1 – TARAFLAR …"}],
    "url": "http://127.0.0.1:8000/account/orders/",
    "cancel_reason": "Ödeme zamanında tamamlanmadı",
    "is_cod": True,
}

# status -> message kind; statuses without a kind send nothing (yet).
KIND_BY_STATUS = {
    OrderStatus.CONFIRMED: "order_confirmed",
    OrderStatus.CANCELLED: "order_cancelled",
}


def register_order_kinds() -> None:
    for kind in KIND_BY_STATUS.values():
        register_kind(
            MessageKind(kind, Category.TRANSACTIONAL, (Channel.EMAIL, Channel.SMS), SAMPLE)
        )


def order_message_schedule(*, order: Order, status: str) -> None:
    """Queue the message for an order's new status (once per order and status)."""
    kind = KIND_BY_STATUS.get(status)
    if kind is None:
        return
    recipient = order.user or Recipient(
        email=order.email, phone=order.phone, language=order.language
    )
    if order.user is not None and not order.user.phone and order.phone:
        # The phone given at checkout reaches a customer whose account has none.
        recipient = Recipient(
            email=order.email, phone=order.phone, language=order.user.language or order.language
        )
    notification_send(
        to=recipient,
        kind=kind,
        context=order_message_context(order=order, with_documents=status == OrderStatus.CONFIRMED),
        subject=("order", order.pk),
        dedupe_key=f"order:{order.pk}:{status}",
    )


def order_message_context(*, order: Order, with_documents: bool = False) -> dict:
    with translation.override(order.language):
        path = reverse("orders:order_list") if order.user_id else reverse("catalog:home")
        return {
            "number": order.number,
            "first_name": (order.billing_address or {}).get("full_name", "").split(" ")[0],
            "total": str(order.total),
            "currency": order.currency,
            "payment_method": str(order.get_payment_method_display()),
            "is_cod": order.payment_method == "cod",
            "lines": [
                {
                    "name": line.product_name,
                    "option": line.variant_name,
                    "quantity": line.quantity,
                    "total": str(line.total),
                }
                for line in order.lines.all()
            ],
            "shipping_address": (order.shipping_address or {}).get("lines", []),
            "documents": (
                [
                    {"title": str(document.get_kind_display()), "text": document.text}
                    for document in order.documents.all()
                ]
                if with_documents
                else []
            ),
            "cancel_reason": (
                str(CancelReason(order.cancel_reason).label) if order.cancel_reason else ""
            ),
            "url": f"{settings.SITE_URL}{path}",
        }
