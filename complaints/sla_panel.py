"""The ticket screen's SLA panel: the target the clock runs towards (and where it comes from:
a policy or the defaults), the deadline, the share of it used, and the warnings and breaches
recorded. Read-only: the watch acts, staff read."""

from typing import Any

from django.http import HttpRequest
from django.utils import timezone

from .models import SlaAlert, SlaPolicy, Ticket
from .panels import TicketPanel, register_ticket_panel
from .services.clock import (
    sla_target_hours,
    ticket_pauses,
    ticket_target_name,
    ticket_target_seconds,
)
from .sla import WARNING_FRACTION, sla_fraction
from .states import CLOCK_PAUSED, OPEN


def sla_panel_context(request: HttpRequest, ticket: Ticket) -> dict[str, Any] | None:
    alerts = list(SlaAlert.objects.filter(ticket=ticket).order_by("created_at", "pk"))
    running = ticket.status in OPEN and ticket.status not in CLOCK_PAUSED
    if not running and not alerts:
        return None
    target = ticket_target_name(ticket)
    first_response, resolution = sla_target_hours(
        category=ticket.category, priority=ticket.priority
    )
    context: dict[str, Any] = {
        "sla_target": SlaAlert.Target(target).label,
        "sla_target_hours": resolution if target == SlaAlert.Target.RESOLUTION else first_response,
        "sla_from_policy": SlaPolicy.objects.filter(
            category=ticket.category, priority=ticket.priority
        ).exists(),
        "sla_due_at": ticket.due_at,
        "sla_paused": ticket.status in CLOCK_PAUSED,
        "sla_running": running,
        "sla_alerts": alerts,
        "sla_percent": None,
        "sla_breached": False,
        "sla_warned": False,
    }
    if running and ticket.due_at is not None:
        fraction = sla_fraction(
            opened_at=ticket.created_at,
            now=timezone.now(),
            target_seconds=ticket_target_seconds(ticket),
            pauses=ticket_pauses(ticket),
        )
        context["sla_percent"] = round(fraction * 100)
        context["sla_breached"] = ticket.due_at <= timezone.now()
        context["sla_warned"] = fraction >= WARNING_FRACTION
    return context


def register() -> None:
    register_ticket_panel(
        TicketPanel(
            name="sla",
            template="admin/complaints/panels/sla.html",
            context=sla_panel_context,
            order=10,
        )
    )
