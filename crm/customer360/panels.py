"""crm's own panels of the customer 360 and their timeline items (registered in CrmConfig.ready).

Each loader runs one or two queries whatever the customer's history: the latest `limit` rows,
only the columns shown, on indexed filters (orders by (user, placed_at); messages by user and
by (subject_type, subject_id); consents by (user, channel, created_at); balance entries by
(account, created_at)).
"""

from collections.abc import Iterable, Mapping
from urllib.parse import urlencode

from django.db.models import CharField, DecimalField, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Cast, Coalesce
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from crm.notifications.models import Channel, Consent, Message
from orders.models import Order, OrderEvent, Return
from orders.states import OrderStatus
from payments.models import BalanceEntry, Payment, PaymentPurpose, Tab
from payments.selectors import left_on_tab
from payments.states import PaymentStatus
from shop.models import User
from shop.money import ZERO, to_money

from ..models import CustomerStats
from ..registry import (
    ComplaintRow,
    Panel,
    Rows,
    TimelineItem,
    TimelineSource,
    register_panel,
    register_timeline_source,
    registered_complaint_sources,
)

TEMPLATES = "admin/crm/customer360/"


def _changelist(name: str, **query: object) -> str:
    return f"{reverse(f'admin:{name}_changelist')}?{urlencode(query)}"


def _has_field(model: type, name: str) -> bool:
    return any(f.name == name for f in model._meta.get_fields())


# --- contact and consents -----------------------------------------------------------------------


def contact(user: User, limit: int) -> Rows:
    """Email, phone, language, time zone (already loaded with the customer), and the current
    consent per channel: the latest decision of each channel, in one query."""
    latest = (
        Consent.objects.filter(user_id=user.pk, channel=OuterRef("channel"))
        .order_by("-created_at", "-pk")
        .values("pk")[:1]
    )
    consents = {
        c.channel: c
        for c in Consent.objects.filter(user_id=user.pk, pk=Subquery(latest)).only(
            "channel", "granted", "source", "created_at"
        )
    }
    return {
        "consents": [(label, consents.get(value)) for value, label in Channel.choices],
    }


# --- figures (CustomerStats) --------------------------------------------------------------------


def figures(user: User, limit: int) -> Rows:
    """The rollup row kept by the periodic job; never summed here."""
    stats = CustomerStats.objects.filter(user_id=user.pk).first()
    return {"stats": stats}


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


# --- money: balance and the open tab ------------------------------------------------------------


def balance(user: User, limit: int) -> Rows:
    """The prepaid balance (a sum of its entries) and its latest entries."""
    entries = BalanceEntry.objects.filter(account__user_id=user.pk)
    total = entries.aggregate(total=Sum("amount"))["total"]
    latest = list(
        entries.only("kind", "amount", "currency", "reason", "created_at").order_by(
            "-created_at", "-pk"
        )[:limit]
    )
    return {"balance": to_money(total or ZERO), "entries": latest}


def tab(user: User, limit: int) -> Rows:
    """The tab not paid yet, with what it holds (its order payments still on it), in one query."""
    money = DecimalField(max_digits=12, decimal_places=2)
    held = (
        Payment.objects.filter(
            tab=OuterRef("pk"), purpose=PaymentPurpose.ORDER, status=PaymentStatus.ON_TAB
        )
        .values("tab")
        .annotate(total=Sum(left_on_tab()))
        .values("total")
    )
    current = (
        Tab.objects.filter(user_id=user.pk)
        .exclude(status=Tab.Status.SETTLED)
        .only("status", "currency", "opened_at", "settle_attempts", "last_error")
        .annotate(
            held=Coalesce(Subquery(held, output_field=money), Value(ZERO), output_field=money)
        )
        .first()
    )
    if current is not None:
        current.held = to_money(current.held)
    return {"tab": current}


# --- complaints (through the registry: crm never imports complaints) ----------------------------


def complaints(user: User, limit: int) -> Rows:
    rows: list[ComplaintRow] = []
    for source in registered_complaint_sources():
        rows.extend(source.for_customer(user, limit))
    rows.sort(key=lambda row: row.opened_at, reverse=True)
    return rows[:limit]


def _complaints_more(user: User) -> str:
    for source in registered_complaint_sources():
        if source.more_url is not None:
            return source.more_url(user)
    return ""


# --- timeline items from what the panels loaded -------------------------------------------------


def _order_items(user: User, limit: int, loaded: Mapping[str, Rows]) -> Iterable[TimelineItem]:
    for order in loaded.get("orders", ()):
        yield TimelineItem(
            at=order.placed_at,
            kind="order",
            title=str(_("Order %(number)s placed") % {"number": order.number}),
            detail=f"{order.get_status_display()} · {order.get_payment_status_display()}",
            url=reverse("admin:orders_order_change", args=[order.pk]),
        )
    for order in loaded.get("cancellations", ()):
        if order.cancelled_at:
            yield TimelineItem(
                at=order.cancelled_at,
                kind="cancellation",
                title=str(_("Order %(number)s cancelled") % {"number": order.number}),
                detail=str(order.get_cancel_reason_display()),
                url=reverse("admin:orders_order_change", args=[order.pk]),
            )
    for order_return in loaded.get("returns", ()):
        yield TimelineItem(
            at=order_return.requested_at,
            kind="return",
            title=str(_("Return %(number)s requested") % {"number": order_return.number}),
            detail=str(order_return.get_status_display()),
            url=reverse("admin:orders_return_change", args=[order_return.pk]),
        )


def _message_items(user: User, limit: int, loaded: Mapping[str, Rows]) -> Iterable[TimelineItem]:
    for message in loaded.get("messages", ()):
        yield TimelineItem(
            at=message.created_at,
            kind="message",
            title=f"{message.get_channel_display()}: {message.subject_line or message.kind}",
            detail=str(message.get_status_display()),
            url=reverse("admin:notifications_message_change", args=[message.pk]),
        )


def _complaint_items(user: User, limit: int, loaded: Mapping[str, Rows]) -> Iterable[TimelineItem]:
    for row in loaded.get("complaints", ()):
        yield TimelineItem(
            at=row.opened_at,
            kind="complaint",
            title=f"{row.number}: {row.subject}",
            detail=row.status,
            url=row.url,
        )


def register_crm_panels() -> None:
    """crm's own panels and timeline sources; called from CrmConfig.ready()."""
    for panel in (
        Panel("contact", _("Contact and consents"), contact, TEMPLATES + "contact.html", 10),
        Panel("figures", _("Figures"), figures, TEMPLATES + "figures.html", 20),
        Panel(
            "orders",
            _("Orders"),
            orders,
            TEMPLATES + "orders.html",
            30,
            more_url=lambda u: _changelist("orders_order", user__id__exact=u.pk),
            width="wide",
        ),
        Panel(
            "returns",
            _("Returns"),
            returns,
            TEMPLATES + "returns.html",
            40,
            more_url=lambda u: _changelist("orders_return", q=u.email),
        ),
        Panel(
            "cancellations",
            _("Cancellations"),
            cancellations,
            TEMPLATES + "cancellations.html",
            50,
            more_url=lambda u: _changelist(
                "orders_order", user__id__exact=u.pk, status__exact=OrderStatus.CANCELLED
            ),
        ),
        Panel(
            "messages",
            _("Messages sent"),
            messages,
            TEMPLATES + "messages.html",
            70,
            more_url=lambda u: _changelist("notifications_message", q=u.email),
            width="wide",
        ),
        Panel(
            "complaints",
            _("Complaints"),
            complaints,
            TEMPLATES + "complaints.html",
            75,
            more_url=_complaints_more,
            enabled=lambda: bool(registered_complaint_sources()),
        ),
        Panel(
            "balance",
            _("Prepaid balance"),
            balance,
            TEMPLATES + "balance.html",
            80,
            more_url=lambda u: _changelist("payments_balanceentry", q=u.email),
        ),
        Panel(
            "tab",
            _("Micropayment tab"),
            tab,
            TEMPLATES + "tab.html",
            90,
            more_url=lambda u: _changelist("payments_tab", q=u.email),
        ),
    ):
        register_panel(panel)
    register_timeline_source(TimelineSource("orders", _order_items))
    register_timeline_source(TimelineSource("messages", _message_items))
    register_timeline_source(TimelineSource("complaints", _complaint_items))
