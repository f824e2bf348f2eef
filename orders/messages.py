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
from payments.states import PaymentStatus

from .links import order_pay_url
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
    "is_paid": False,
}

# status -> message kind; statuses without a kind send nothing (yet).
KIND_BY_STATUS = {
    OrderStatus.CONFIRMED: "order_confirmed",
    OrderStatus.CANCELLED: "order_cancelled",
}


# Messages about paying, not about a status: sent once per payment or order.
PAYMENT_KINDS = ("payment_received", "payment_reminder")


def register_order_kinds() -> None:
    for kind in (*KIND_BY_STATUS.values(), *PAYMENT_KINDS):
        register_kind(
            MessageKind(kind, Category.TRANSACTIONAL, (Channel.EMAIL, Channel.SMS), SAMPLE)
        )


def order_message_schedule(*, order: Order, status: str) -> None:
    """Queue the message for an order's new status (once per order and status)."""
    kind = KIND_BY_STATUS.get(status)
    if kind is None:
        return
    _send(
        order,
        kind,
        order_message_context(order=order, with_documents=status == OrderStatus.CONFIRMED),
        dedupe_key=f"order:{order.pk}:{status}",
    )


def payment_received_schedule(*, order: Order, payment_id: int) -> None:
    """Tell the customer their money arrived for an order already under way (once a payment)."""
    _send(
        order,
        "payment_received",
        order_message_context(order=order),
        dedupe_key=f"payment:{payment_id}:received",
    )


def payment_reminder_schedule(*, order: Order) -> None:
    """Remind the customer to finish paying before the order expires, with a "pay now" link."""
    context = order_message_context(order=order)
    context["url"] = order_pay_url(number=order.number, language=order.language)
    context["expires_at"] = order.expires_at.isoformat() if order.expires_at else ""
    _send(order, "payment_reminder", context, dedupe_key=f"order:{order.pk}:payment_reminder")


def _send(order: Order, kind: str, context: dict, *, dedupe_key: str) -> None:
    recipient = order.user or Recipient(
        email=order.email, phone=order.phone, language=order.language
    )
    if order.user is not None and not order.user.phone and order.phone:
        # The phone given at checkout reaches a customer whose account has none.
        recipient = Recipient(
            email=order.email, phone=order.phone, language=order.user.language or order.language
        )
    notification_send(
        to=recipient, kind=kind, context=context, subject=("order", order.pk), dedupe_key=dedupe_key
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
            "is_paid": order.payment_status == PaymentStatus.PAID,
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
