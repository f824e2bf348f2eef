"""What the crisis part adds when the app starts: its message kind and its ticket panel (the
periodic task is found through complaints/tasks.py)."""

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _


def crisis_setup() -> None:
    from crm.notifications.kinds import MessageKind, register_kind
    from crm.notifications.models import Category, Channel

    from ..panels import TicketPanel, register_ticket_panel

    register_kind(
        MessageKind(
            "complaint_crisis_alert",
            Category.TRANSACTIONAL,
            (Channel.EMAIL, Channel.SMS),
            {
                "first_name": "Zeynep",
                "alert_label": "Seramik kupa",
                "scenario": _("Product defect wave"),
                "dimension": _("Product"),
                "count": 12,
                "baseline": "1.25",
                "hours": 6,
                "action_url": "http://127.0.0.1:8000/admin/complaints/crisisalert/1/change/",
            },
        )
    )
    register_ticket_panel(
        TicketPanel(
            name="crisis",
            template="admin/complaints/panels/crisis.html",
            context=crisis_panel,
            order=10,
        )
    )


def crisis_panel(request: HttpRequest, ticket) -> dict | None:
    """The open crisis alerts this ticket is part of, with their plans; None when none."""
    from .selectors import open_crisis_alerts

    if not request.user.has_perm("complaints.view_crisisalert"):
        return None
    crises = open_crisis_alerts(ticket=ticket)
    if not crises:
        return None
    return {
        "crises": crises,
        "may_manage": request.user.has_perm("complaints.manage_crisis"),
    }
