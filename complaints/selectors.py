"""Reads of the complaint desk."""

from collections.abc import Sequence

from django.db.models import QuerySet
from django.http import Http404
from django.urls import reverse

from crm.registry import ComplaintRow
from shop.models import User

from .models import Ticket, TicketMessage
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


def customer_tickets(*, customer: User) -> QuerySet[Ticket]:
    """'My complaints': the customer's tickets, newest first (only the columns the list shows)."""
    return (
        Ticket.objects.filter(customer=customer)
        .only("number", "subject", "status", "created_at", "updated_at")
        .order_by("-created_at")
    )


def ticket_for_customer(*, number: str, customer: User) -> Ticket:
    """The customer's own ticket by its number; another's (or none) is a 404."""
    ticket = (
        Ticket.objects.filter(number=number.strip().upper(), customer=customer)
        .select_related("order")
        .first()
    )
    if ticket is None:
        raise Http404
    return ticket


def ticket_by_token(*, token: str) -> Ticket:
    ticket = Ticket.objects.filter(token=token).select_related("order").first()
    if ticket is None:
        raise Http404
    return ticket


def public_conversation(*, ticket: Ticket) -> list[TicketMessage]:
    """What the customer sees: their messages and the desk's replies, never internal notes."""
    return list(
        ticket.messages.exclude(kind=TicketMessage.Kind.NOTE)
        .only("kind", "body", "created_at")
        .order_by("created_at", "pk")
    )
