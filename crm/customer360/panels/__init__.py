"""crm's own panels of the customer 360 and their timeline items (registered in CrmConfig.ready).

Each loader runs one or two queries whatever the customer's history: the latest `limit` rows,
only the columns shown, on indexed filters (orders by (user, placed_at); messages by user and
by (subject_type, subject_id); consents by (user, channel, created_at); balance entries by
(account, created_at)).
"""

from collections.abc import Callable

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from orders.states import OrderStatus
from shop.models import User

from ...registry import (
    Action,
    Panel,
    TimelineSource,
    register_action,
    register_panel,
    register_timeline_source,
    registered_complaint_sources,
)
from .base import TEMPLATES, _changelist
from .money import balance, points, tab
from .orders import cancellations, messages, orders, returns
from .people import callbacks, contact, coupons, figures, interactions, profile
from .timeline import (
    _complaint_items,
    _complaints_more,
    _coupon_items,
    _interaction_items,
    _message_items,
    _order_items,
    complaints,
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
            "points",
            _("Loyalty points"),
            points,
            TEMPLATES + "points.html",
            60,
            more_url=lambda u: _changelist("payments_pointsentry", q=u.email),
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
    from ..actions import register_message_kinds

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
        Action(
            "points",
            _("Give goodwill points"),
            _action_url("points"),
            "crm.give_goodwill_points",
            60,
        ),
    ):
        register_action(action)
