"""The ticket screen's procedure panel: the current version of the playbook that matches the
ticket, the version last recorded as followed, and the "I followed this version" button."""

from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from ..models import Ticket
from ..panels import TicketPanel, register_ticket_panel
from ..states import TicketStatus
from .selectors import ticket_followed, ticket_procedure_version

ACKNOWLEDGE_PERMISSION = "complaints.acknowledge_procedure"


def procedure_panel_context(request: HttpRequest, ticket: Ticket) -> dict[str, Any] | None:
    version = ticket_procedure_version(ticket)
    followed = ticket_followed(ticket)
    if version is None and followed is None:
        return None
    return {
        "procedure_version": version,
        "procedure_texts": version.texts() if version else None,
        "procedure_followed": followed,
        "procedure_followed_is_current": followed is not None
        and version is not None
        and followed.version_id == version.pk,
        "procedure_can_follow": version is not None
        and ticket.status != TicketStatus.CLOSED
        and request.user.has_perm(ACKNOWLEDGE_PERMISSION),
        "procedure_follow_url": reverse("admin:complaints_procedure_follow", args=[ticket.pk]),
    }


def register() -> None:
    register_ticket_panel(
        TicketPanel(
            name="procedure",
            template="admin/complaints/panels/procedure.html",
            context=procedure_panel_context,
            order=20,
        )
    )
