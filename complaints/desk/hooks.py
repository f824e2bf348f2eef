"""What the staff desk adds to crm's screens (crm never imports complaints): "Open a complaint"
on the customer 360 and, for a guest, on the call-centre console; and its own ticket panel."""

from collections.abc import Mapping
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from crm.registry import Action, ContactAction, register_action, register_contact_action
from shop.models import User

WORK_PERMISSION = "complaints.work_ticket"


def _for_customer(user: User) -> str:
    return f"{reverse('admin:complaints_ticket_intake')}?{urlencode({'customer': user.pk})}"


def _for_contact(contact: Mapping[str, str]) -> str:
    known = {key: value for key, value in contact.items() if value}
    url = reverse("admin:complaints_ticket_intake")
    return f"{url}?{urlencode(known)}" if known else url


def register_desk() -> None:
    """Called once from ComplaintsConfig.ready(); also the desk's own panel on the ticket."""
    from ..panels import TicketPanel, register_ticket_panel
    from .selectors import other_tickets_panel

    register_ticket_panel(
        TicketPanel(
            "other_tickets",
            "admin/complaints/panels/other_tickets.html",
            other_tickets_panel,
            order=900,
        )
    )
    register_action(
        Action("complaint", _("Open a complaint"), _for_customer, WORK_PERMISSION, order=70)
    )
    register_contact_action(
        ContactAction("complaint", _("Open a complaint"), _for_contact, WORK_PERMISSION)
    )
