"""The ticket's SLA deadline (`Ticket.due_at`), recomputed by the door at each change.

Before the first public reply the clock runs towards the first-response target; after it,
towards the resolution target — the `SlaPolicy` of the ticket's category and priority, or the
per-priority defaults in settings when no policy names that pair; both from the opening, in working
time (`complaints.sla`), with the ticket's waiting-on-customer spells as pauses. While the
ticket waits on the customer, or once resolved or closed, there is no deadline (None)."""

from datetime import datetime
from decimal import Decimal

from django.conf import settings

from ..models import SlaAlert, SlaPolicy, Ticket, TicketEvent
from ..sla import sla_due_at
from ..states import CLOCK_PAUSED, OPEN

HOUR = 3600


def ticket_pauses(ticket: Ticket) -> list[tuple[datetime, datetime | None]]:
    """The spells the ticket waited on the customer, from its history (one query); the last
    one open (None) while it still waits."""
    pauses, started = [], None
    events = (
        TicketEvent.objects.filter(ticket=ticket).exclude(to_status="").order_by("created_at", "pk")
    )
    for event in events.only("created_at", "to_status"):
        if event.to_status in CLOCK_PAUSED and started is None:
            started = event.created_at
        elif event.to_status not in CLOCK_PAUSED and started is not None:
            pauses.append((started, event.created_at))
            started = None
    if started is not None:
        pauses.append((started, None))
    return pauses


def sla_target_hours(*, category: str, priority: str) -> tuple[Decimal, Decimal]:
    """(first response, resolution) in working hours: the policy of this category and
    priority, else the settings' defaults for the priority."""
    policy = (
        SlaPolicy.objects.filter(category=category, priority=priority)
        .values_list("first_response_hours", "resolution_hours")
        .first()
    )
    if policy is not None:
        return policy
    return (
        Decimal(str(settings.COMPLAINTS_SLA_FIRST_RESPONSE_HOURS[priority])),
        Decimal(str(settings.COMPLAINTS_SLA_RESOLUTION_HOURS[priority])),
    )


def ticket_target_name(ticket: Ticket) -> str:
    """Which target the clock runs towards now: first response until answered, then resolution."""
    return (
        SlaAlert.Target.RESOLUTION if ticket.first_response_at else SlaAlert.Target.FIRST_RESPONSE
    )


def ticket_target_seconds(ticket: Ticket) -> int:
    first_response, resolution = sla_target_hours(
        category=ticket.category, priority=ticket.priority
    )
    hours = resolution if ticket.first_response_at else first_response
    return int(hours * HOUR)


def ticket_due_at(ticket: Ticket) -> datetime | None:
    """The next deadline of an open ticket, or None (waiting on the customer, or done)."""
    if ticket.status not in OPEN or ticket.status in CLOCK_PAUSED:
        return None
    return sla_due_at(
        opened_at=ticket.created_at,
        target_seconds=ticket_target_seconds(ticket),
        pauses=ticket_pauses(ticket),
    )


def ticket_clock_update(ticket: Ticket) -> None:
    """Store the ticket's deadline as it stands now. Called inside the transaction that holds
    the ticket's row lock by every change the deadline depends on: a transition (the door),
    the first reply, and a change of priority or category (a policy of its own)."""
    ticket.due_at = ticket_due_at(ticket)
    Ticket.objects.filter(pk=ticket.pk).update(due_at=ticket.due_at)
