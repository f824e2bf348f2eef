"""crm's own panels of the customer 360 and their timeline items (registered in CrmConfig.ready).

Each loader runs one or two queries whatever the customer's history: the latest `limit` rows,
only the columns shown, on indexed filters (orders by (user, placed_at); messages by user and
by (subject_type, subject_id); consents by (user, channel, created_at); balance entries by
(account, created_at)).
"""

from collections.abc import Callable, Iterable, Mapping
from urllib.parse import urlencode

from django.contrib.postgres.aggregates import ArrayAgg
from django.db.models import CharField, DecimalField, F, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Cast, Coalesce, NullIf
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from crm.notifications.models import Channel, ConsentCurrent, Message
from orders.models import Coupon, Order, OrderEvent, Return
from orders.states import OrderStatus
from payments.models import BalanceEntry, Payment, PaymentPurpose, Tab
from payments.selectors import left_on_tab
from payments.states import PaymentStatus
from shop.models import User
from shop.money import ZERO, to_money

from ..models import Callback, CustomerProfile, CustomerStats, Interaction
from ..registry import (
    Action,
    ComplaintRow,
    Panel,
    Rows,
    TimelineItem,
    TimelineSource,
    register_action,
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
    consent per channel: the current-consent rows, in one query."""
    consents = {
        c.channel: c
        for c in ConsentCurrent.objects.filter(user_id=user.pk).only(
            "channel", "granted", "source", "updated_at"
        )
    }
    return {
        "consents": [(label, consents.get(value)) for value, label in Channel.choices],
    }


# --- profile ------------------------------------------------------------------------------------


def profile(user: User, limit: int) -> Rows:
    """What she told the shop about herself, with her catalogue interests' names: one query."""
    name = Coalesce(
        NullIf(F(f"interest_categories__name_{get_language_code()}"), Value("")),
        F("interest_categories__name_tr"),
        output_field=CharField(),
    )
    saved = (
        CustomerProfile.objects.filter(user_id=user.pk)
        .only("birth_date", "gender", "city", "interest_tags", "preferred_channel", "updated_at")
        .annotate(
            category_names=ArrayAgg(
                name, filter=Q(interest_categories__isnull=False), distinct=True, default=[]
            )
        )
        .first()
    )
    return {"profile": saved}


def get_language_code() -> str:
    language = (get_language() or "tr").split("-")[0]
    return language if language in ("tr", "en") else "tr"


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


# --- interactions and notes, callbacks, personal coupons ---------------------------------------


def interactions(user: User, limit: int) -> Rows:
    """Her latest contacts and staff notes, with the agent's name and the order's number."""
    return list(
        Interaction.objects.filter(customer_id=user.pk)
        .select_related("agent", "order")
        .only(
            "channel",
            "direction",
            "summary",
            "outcome",
            "recording_ref",
            "created_at",
            "subject_type",
            "subject_id",
            "customer_id",
            "agent__email",
            "agent__first_name",
            "agent__last_name",
            "order__number",
            "order__user_id",
        )
        .order_by("-created_at", "-pk")[:limit]
    )


def callbacks(user: User, limit: int) -> Rows:
    """ "Call me back" requests not answered yet, soonest due first."""
    return list(
        Callback.objects.filter(
            customer_id=user.pk, status__in=[Callback.Status.OPEN, Callback.Status.TAKEN]
        )
        .select_related("taken_by")
        .only(
            "phone",
            "topic",
            "order_number",
            "window_start",
            "window_end",
            "due_at",
            "status",
            "customer_id",
            "taken_by__email",
            "taken_by__first_name",
            "taken_by__last_name",
        )
        .order_by("due_at", "pk")[:limit]
    )


def coupons(user: User, limit: int) -> Rows:
    """Her personal coupons, newest first, each valid, used or expired."""
    rows = list(
        Coupon.objects.filter(user_id=user.pk)
        .select_related("issued_by")
        .only(
            "code",
            "kind",
            "value",
            "ends_at",
            "starts_at",
            "times_used",
            "max_uses",
            "is_active",
            "reason",
            "user_id",
            "issued_by__email",
        )
        .order_by("-pk")[:limit]
    )
    now = timezone.now()
    for coupon in rows:
        if coupon.max_uses is not None and coupon.times_used >= coupon.max_uses:
            coupon.state = "used"
        elif not coupon.is_active or (coupon.ends_at and coupon.ends_at <= now):
            coupon.state = "expired"
        else:
            coupon.state = "valid"
    return rows


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


def _interaction_items(
    user: User, limit: int, loaded: Mapping[str, Rows]
) -> Iterable[TimelineItem]:
    for row in loaded.get("interactions", ()):
        if row.is_note:
            title = str(_("Note"))
        else:
            title = f"{row.get_channel_display()} ({row.get_direction_display().lower()}): " + str(
                row.get_outcome_display()
            )
        yield TimelineItem(
            at=row.created_at,
            kind="note" if row.is_note else "interaction",
            title=title,
            detail=row.summary[:120],
            url=reverse("admin:crm_interaction_change", args=[row.pk]),
        )


def _coupon_items(user: User, limit: int, loaded: Mapping[str, Rows]) -> Iterable[TimelineItem]:
    for coupon in loaded.get("coupons", ()):
        if coupon.starts_at:
            yield TimelineItem(
                at=coupon.starts_at,
                kind="coupon",
                title=str(_("Personal coupon %(code)s issued") % {"code": coupon.code}),
                detail=coupon.reason,
                url=reverse("admin:orders_coupon_change", args=[coupon.pk]),
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
        Panel("profile", _("Profile"), profile, TEMPLATES + "profile.html", 15),
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
            "interactions",
            _("Interactions and notes"),
            interactions,
            TEMPLATES + "interactions.html",
            65,
            more_url=lambda u: _changelist("crm_interaction", customer__id__exact=u.pk),
            width="wide",
        ),
        Panel(
            "callbacks",
            _("Open callbacks"),
            callbacks,
            TEMPLATES + "callbacks.html",
            66,
            more_url=lambda u: _changelist("crm_callback", customer__id__exact=u.pk),
        ),
        Panel(
            "coupons",
            _("Personal coupons"),
            coupons,
            TEMPLATES + "coupons.html",
            67,
            more_url=lambda u: _changelist("orders_coupon", user__id__exact=u.pk),
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
    register_timeline_source(TimelineSource("interactions", _interaction_items))
    register_timeline_source(TimelineSource("coupons", _coupon_items))
    register_360_actions()


def _action_url(name: str) -> Callable[[User], str]:
    return lambda user: reverse(f"admin:crm_customer360_{name}", args=[user.pk])


def register_360_actions() -> None:
    """The 360's action buttons (their forms: crm.admin.customer360) and the message kinds."""
    from .actions import register_message_kinds

    register_message_kinds()
    for action in (
        Action("log", _("Log an interaction"), _action_url("log"), "crm.add_interaction", 10),
        Action("note", _("Add a note"), _action_url("note"), "crm.add_interaction", 20),
        Action("consent", _("Record a consent"), _action_url("consent"), "crm.record_consent", 30),
        Action(
            "message", _("Send a message"), _action_url("message"), "crm.send_customer_message", 40
        ),
        Action(
            "coupon",
            _("Give a goodwill coupon"),
            _action_url("coupon"),
            "crm.give_goodwill_coupon",
            50,
        ),
    ):
        register_action(action)
