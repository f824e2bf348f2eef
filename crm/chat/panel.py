"""The customer's chats as a panel of their 360 (one query, the columns it shows)."""

from django.utils.translation import gettext_lazy as _

from crm.customer360.panels.base import _changelist
from crm.models import Conversation
from crm.registry import Panel, register_panel
from shop.models import User

TEMPLATE = "admin/crm/customer360/chats.html"


def customer_chats(user: User, limit: int) -> list[Conversation]:
    return list(
        Conversation.objects.filter(customer=user)
        .select_related("agent")
        .only(
            "pk",
            "status",
            "ended_reason",
            "started_at",
            "rating",
            "ticket_number",
            "ticket_url",
            "agent__first_name",
            "agent__email",
        )
        .order_by("-started_at", "-pk")[:limit]
    )


def _more(user: User) -> str:
    return _changelist("crm_conversation", customer__id__exact=user.pk)


def register() -> None:
    register_panel(
        Panel(
            "chats",
            _("Chats"),
            customer_chats,
            TEMPLATE,
            66,
            more_url=_more,
            permission="crm.view_conversation",
        )
    )
