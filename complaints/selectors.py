"""Reads of the complaint desk."""

from collections.abc import Sequence

from django.urls import reverse

from crm.registry import ComplaintRow
from shop.models import User

from .models import Ticket
from .states import OPEN, TicketStatus


def customer_complaint_rows(customer: User, limit: int) -> Sequence[ComplaintRow]:
    """The customer's latest tickets as the 360 shows them; one query."""
    tickets = (
        Ticket.objects.filter(customer=customer)
        .only("pk", "number", "subject", "status", "created_at")
        .order_by("-created_at")[:limit]
    )
    return [
        ComplaintRow(
            object_type="complaint",
            object_id=str(ticket.pk),
            number=ticket.number,
            subject=ticket.subject,
            status=TicketStatus(ticket.status).label,
            is_open=ticket.status in OPEN,
            opened_at=ticket.created_at,
            url=reverse("admin:complaints_ticket_change", args=[ticket.pk]),
        )
        for ticket in tickets
    ]


def open_ticket_count() -> int:
    return Ticket.objects.filter(status__in=OPEN).count()
