"""The customer's messages about an order: which status sends what, and with what content.

`order_transition` calls `order_message_schedule` inside its transaction; the notification
outbox writes the rows there and delivers them on commit, once per order and status.
"""

from datetime import date
from decimal import Decimal

from django.utils import translation
from django.utils.translation import gettext

from crm.notifications.kinds import MessageKind, register_kind
from crm.notifications.models import Category, Channel
from crm.notifications.services import Recipient, notification_send
from payments.states import PaymentStatus

from .links import download_url, order_page_url, order_pay_link, order_pay_url, order_track_url
from .models import DownloadLink, Order, OrderEvent, Return, ShipmentEvent, ShipmentStatus
from .states import CancelReason, OrderStatus, ReturnKind

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
    "track_url": "http://127.0.0.1:8000/track/?number=DK-7K3M-Q9XZ",
    "cancel_reason": "Ödeme zamanında tamamlanmadı",
    "is_cod": True,
    "is_paid": False,
    "parcels": [
        {
            "carrier": "Yurtiçi Kargo",
            "tracking_number": "YK123456789",
            "tracking_url": "https://kargo.example/t/YK123456789",
        }
    ],
    "problem": "Alıcı adreste bulunamadı",
    "promised_from": "2026-12-10",
    "promised_to": "2026-12-11",
    "estimated_to": "",
    "downloads": [{"name": "Şiir E-kitabı", "url": "http://127.0.0.1:8000/orders/DK-7K3M-Q9XZ/"}],
    "return": {
        "number": "DK-7K3M-Q9XZ-R1",
        "is_withdrawal": True,
        "code_issued": True,
        "amount": "115.00",
        "staff_note": "",
        "carrier": "Yurtiçi Kargo",
        "lines": [{"name": "Pamuklu tişört", "quantity": 1}],
    },
}

# status -> message kind; statuses without a kind send nothing (yet).
KIND_BY_STATUS = {
    OrderStatus.CONFIRMED: "order_confirmed",
    OrderStatus.CANCELLED: "order_cancelled",
    OrderStatus.SHIPPED: "order_shipped",
    OrderStatus.OUT_FOR_DELIVERY: "order_out_for_delivery",
    OrderStatus.DELIVERED: "order_delivered",
}

# OrderEvent.kind -> message kind: steps that are not (only) a status change.
KIND_BY_EVENT = {
    "delivery_problem": "order_delivery_problem",
    "downloads": "order_downloads_ready",
    "return_requested": "order_return_requested",
    "return_approved": "order_return_approved",
    "return_rejected": "order_return_rejected",
    "return_received": "order_return_received",
    "late": "order_late",  # it will miss its promise: the new estimate and an apology
}
# Steps whose message is sent another way: a return's refund is told by "payment_refunded"
# (once per refund), so the order going back to delivered or on to returned sends nothing.
# Steps the customer hears about another way (the replacement order sends its own message).
SILENT_EVENTS = frozenset({"return_refunded", "replacement"})
# --- exchanges (services/exchanges.py): timeline steps told by the exchange's own messages ---
SILENT_EVENTS |= {
    "exchange_requested",
    "exchange_for",
    "exchange_released",
    "exchange_refunded_in_full",
    "return_cancelled",
}


# Messages about paying, not about a status: sent once per payment or order.
PAYMENT_KINDS = (
    "payment_received",
    "payment_reminder",
    "payment_bounced",
    "payment_refunded",
    "payment_returned",
    "refund_account_needed",
    "order_pay_link",  # a phone order: what the agent put together, and the link to pay it
)


# The order's steps that also go as a browser notification (to customers who turned them on).
PUSH_KINDS = frozenset({"order_shipped", "order_out_for_delivery", "order_delivered", "order_late"})


def register_order_kinds() -> None:
    for kind in (*KIND_BY_STATUS.values(), *KIND_BY_EVENT.values(), *PAYMENT_KINDS):
        channels = (Channel.EMAIL, Channel.SMS)
        if kind in PUSH_KINDS:
            channels = (*channels, Channel.PUSH)
        register_kind(MessageKind(kind, Category.TRANSACTIONAL, channels, SAMPLE))


def order_message_schedule(*, order: Order, status: str, event: OrderEvent | None = None) -> None:
    """Queue the message for an order's new status or step, once per OrderEvent.

    Keyed by the event, so a second "out for delivery" after a failed attempt is sent too.
    """
    if event is not None and event.kind in SILENT_EVENTS:
        return
    kind = KIND_BY_EVENT.get(event.kind) if event is not None and event.kind else None
    kind = kind or KIND_BY_STATUS.get(status)
    if kind is None:
        return
    _send(
        order,
        kind,
        {
            **order_message_context(order=order, with_documents=status == OrderStatus.CONFIRMED),
            **order_step_context(order=order, event=event),
        },
        dedupe_key=f"order-event:{event.pk}" if event is not None else f"order:{order.pk}:{status}",
    )


def payment_received_schedule(*, order: Order, payment_id: int) -> None:
    """Tell the customer their money arrived for an order already under way (once a payment)."""
    _send(
        order,
        "payment_received",
        order_message_context(order=order),
        dedupe_key=f"payment:{payment_id}:received",
    )


def payment_refunded_schedule(*, order: Order, amount: Decimal, key: str) -> None:
    """Money went back to the customer: one message per refund (keyed by its ledger row)."""
    context = order_message_context(order=order)
    context["refunded"] = str(amount)
    _send(order, "payment_refunded", context, dedupe_key=f"refund:{key}"[:200])


def refund_account_ask_schedule(*, order: Order, refund_id: int, amount: Decimal) -> None:
    """A cash refund waits for an account nobody gave: ask for the IBAN, once per refund, with a
    link to the order page where the customer gives it (signed for a guest)."""
    context = order_message_context(order=order)
    context["refunded"] = str(amount)
    _send(order, "refund_account_needed", context, dedupe_key=f"refund:{refund_id}:account")


def payment_bounced_schedule(*, order: Order, payment_id: int) -> None:
    """The e-check bounced: ask the customer to pay another way, with a "pay now" link."""
    context = order_message_context(order=order)
    context["url"] = order_pay_url(number=order.number, language=order.language)
    _send(order, "payment_bounced", context, dedupe_key=f"payment:{payment_id}:bounced")


def payment_returned_schedule(*, order: Order, payment_id: int) -> None:
    """The bank took a cleared e-check back: ask the customer to pay another way, with a link."""
    context = order_message_context(order=order)
    context["url"] = order_pay_url(number=order.number, language=order.language)
    _send(order, "payment_returned", context, dedupe_key=f"payment:{payment_id}:returned")


def payment_reminder_schedule(*, order: Order) -> None:
    """Remind the customer to finish paying before the order expires, with a "pay now" link."""
    context = order_message_context(order=order)
    context["url"] = order_pay_url(number=order.number, language=order.language)
    context["expires_at"] = order.expires_at.isoformat() if order.expires_at else ""
    _send(order, "payment_reminder", context, dedupe_key=f"order:{order.pk}:payment_reminder")


def phone_order_link_schedule(*, order: Order, pays_now: bool) -> None:
    """A phone order's message: its lines and total, and the link to pay it (`pays_now`) or to
    see it (cash on delivery). Once per order; delivered on commit."""
    context = order_message_context(order=order)
    context["pays_now"] = pays_now
    if pays_now:
        context["url"] = order_pay_link(order=order)
    context["expires_at"] = order.expires_at.isoformat() if order.expires_at else ""
    _send(order, "order_pay_link", context, dedupe_key=f"order:{order.pk}:pay_link")


def _send(order: Order, kind: str, context: dict, *, dedupe_key: str) -> None:
    recipient = order.user or Recipient(
        email=order.email, phone=order.phone, language=order.language
    )
    if order.user is not None and not order.user.phone and order.phone:
        # The phone given at checkout reaches a customer whose account has none.
        recipient = Recipient(
            email=order.email,
            phone=order.phone,
            language=order.user.language or order.language,
            account=order.user,
        )
    notification_send(
        to=recipient, kind=kind, context=context, subject=("order", order.pk), dedupe_key=dedupe_key
    )


def _iso(day: date | None) -> str:
    return day.isoformat() if day else ""


def order_message_context(*, order: Order, with_documents: bool = False) -> dict:
    with translation.override(order.language):
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
            # The delivery promise while it is ahead (ISO dates; `day_span` writes them), and
            # the new estimate once the order runs late.
            "promised_from": _iso(order.promised_from) if order.promise_open else "",
            "promised_to": _iso(order.promised_to) if order.promise_open else "",
            "estimated_to": _iso(order.estimated_to) if order.promise_open else "",
            "url": order_page_url(order=order),  # signed for a guest, who has no "My orders"
            # A guest's "Track your order": the tracking page, number filled in (no expiry);
            # an account holder follows the order in "My orders".
            "track_url": order_track_url(order=order) if order.user_id is None else "",
        }


def order_step_context(*, order: Order, event: OrderEvent | None) -> dict:
    """What the fulfilment messages add: the order page link, parcels, a problem, downloads.

    A guest's link is signed, so it opens the order's page in any browser.
    """
    url = order_page_url(order=order)
    parcels = [
        {
            "carrier": shipment.carrier.name,
            "tracking_number": shipment.tracking_number,
            "tracking_url": shipment.tracking_url,
        }
        for shipment in order.shipments.select_related("carrier")
    ]
    downloads = [
        {
            "name": link.order_line.product_name,
            "title": link.file.title,
            "url": download_url(link=link),
        }
        for link in order_download_links(order=order)
    ]
    problem = ""
    if event is not None and event.kind == "delivery_problem":
        report = (
            ShipmentEvent.objects.filter(
                shipment__order=order, status=ShipmentStatus.EXCEPTION, applied=True
            )
            .order_by("-happened_at")
            .first()
        )
        with translation.override(order.language):
            problem = gettext(report.description) if report and report.description else ""
    context = {"url": url, "parcels": parcels, "problem": problem, "downloads": downloads}
    if event is not None and event.kind.startswith("return_"):
        context["return"] = return_context(order=order, number=event.note, parcels=parcels)
    return context


def return_context(*, order: Order, number: str, parcels: list[dict]) -> dict:
    """A return step's details: its code, what comes back, the refund and the way back."""
    order_return = (
        Return.objects.filter(order=order, number=number)
        .prefetch_related("lines__order_line")
        .first()
    )
    if order_return is None:
        return {}
    with translation.override(order.language):
        return {
            "number": order_return.number,
            "is_withdrawal": order_return.kind == ReturnKind.WITHDRAWAL,
            "code_issued": order_return.code_issued,
            "amount": str(order_return.amount),
            "staff_note": order_return.staff_note,
            "carrier": parcels[0]["carrier"] if parcels else "",
            "lines": [
                {"name": line.order_line.product_name, "quantity": line.quantity}
                for line in order_return.lines.all()
            ],
        }


def order_download_links(*, order: Order) -> list[DownloadLink]:
    return list(
        DownloadLink.objects.filter(order_line__order=order, revoked=False).select_related(
            "order_line", "file", "order_line__order"
        )
    )
