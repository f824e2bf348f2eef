"""Reads of the staff ticket screen: the ticket with what it shows, the conversation as this
staff member may see it, the history, the agents and teams it can go to, canned responses."""

from datetime import datetime
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.timesince import timesince, timeuntil
from django.utils.translation import gettext as _

from crm.models import CannedResponse, Team
from crm.staff.canned import canned_render, canned_responses
from orders.links import order_track_url
from shop.models import User

from ..models import Ticket, TicketEvent, TicketLine, TicketMessage
from ..states import OPEN, TRANSITIONS, TicketStatus

ASSIGN_PERMISSION = "complaints.assign_ticket"


def ticket_for_desk(*, pk: int) -> Ticket:
    """The ticket with its customer, order, team, assignee and lines (two queries); 404."""
    lines = TicketLine.objects.select_related("order_line").order_by("pk")
    ticket = (
        Ticket.objects.select_related("customer", "order", "team", "assignee", "created_by")
        .prefetch_related(Prefetch("lines", queryset=lines))
        .filter(pk=pk)
        .first()
    )
    if ticket is None:
        raise Http404
    return ticket


def sees_every_note(viewer: User) -> bool:
    """Leads, complaint managers and superusers read every team's internal notes."""
    return viewer.is_superuser or viewer.has_perm(ASSIGN_PERMISSION)


def visible_messages(*, ticket: Ticket, viewer: User) -> QuerySet[TicketMessage]:
    """The conversation as `viewer` may read it: the customer's messages, the public replies,
    and the internal notes — of the viewer's own teams, of no team, or their own; another
    team's notes only for leads and managers (`complaints.assign_ticket`) and superusers."""
    messages = ticket.messages.all()
    if not sees_every_note(viewer):
        own_teams = Team.objects.filter(members=viewer).values("pk")
        led_teams = Team.objects.filter(lead=viewer).values("pk")
        messages = messages.filter(
            ~Q(kind=TicketMessage.Kind.NOTE)
            | Q(team__isnull=True)
            | Q(team__in=own_teams)
            | Q(team__in=led_teams)
            | Q(author=viewer)
        )
    return messages.select_related("author", "team").order_by("created_at", "pk")


def ticket_history(*, ticket: Ticket) -> QuerySet[TicketEvent]:
    return ticket.events.select_related("actor").order_by("created_at", "pk")


def allowed_transitions(ticket: Ticket) -> list[tuple[str, str]]:
    """The statuses the door lets this ticket move to now, as (value, label)."""
    allowed = TRANSITIONS.get(ticket.status, frozenset())
    return [(value, label) for value, label in TicketStatus.choices if value in allowed]


def assignable_agents() -> QuerySet[User]:
    """Active staff in at least one team, by name."""
    return (
        User.objects.filter(is_active=True, is_staff=True, teams__isnull=False)
        .distinct()
        .only("pk", "email", "first_name", "last_name")
        .order_by("first_name", "last_name", "email")
    )


def due_text(ticket: Ticket, *, now: datetime | None = None) -> str:
    """ "due in 3 hours", "overdue by 2 hours", or "" with no deadline."""
    if ticket.due_at is None or ticket.status not in OPEN:
        return ""
    now = now or timezone.now()
    if ticket.due_at < now:
        return _("overdue by %(time)s") % {"time": timesince(ticket.due_at, now, depth=1)}
    return _("due in %(time)s") % {"time": timeuntil(ticket.due_at, now, depth=1)}


def is_overdue(ticket: Ticket, *, now: datetime | None = None) -> bool:
    return (
        ticket.due_at is not None
        and ticket.status in OPEN
        and ticket.due_at < (now or timezone.now())
    )


def ticket_canned_responses(ticket: Ticket) -> list[CannedResponse]:
    """The active canned responses in the ticket's language, for its category or any."""
    return list(canned_responses(language=ticket.language[:2], category=ticket.category))


def ticket_placeholder_values(ticket: Ticket) -> dict[str, str]:
    """What a canned response's placeholders become on this ticket."""
    if ticket.customer is not None and ticket.customer.first_name:
        first_name = ticket.customer.first_name
    else:
        first_name = (ticket.contact_name or "").split(" ")[0]
    return {
        "first_name": first_name,
        "order_number": ticket.order.number if ticket.order else "",
        "tracking_link": order_track_url(order=ticket.order) if ticket.order else "",
        "ticket_number": ticket.number,
    }


def canned_text_for(*, ticket: Ticket, canned_id: str) -> str | None:
    """The canned response `canned_id`, rendered for this ticket; None when there is no such
    active response in the ticket's language."""
    if not str(canned_id).isdigit():
        return None
    canned = (
        CannedResponse.objects.filter(pk=int(canned_id), active=True, language=ticket.language[:2])
        .only("body")
        .first()
    )
    if canned is None:
        return None
    return canned_render(canned=canned, values=ticket_placeholder_values(ticket))


OTHER_TICKETS_SHOWN = 5


def other_tickets_panel(request: HttpRequest, ticket: Ticket) -> dict[str, Any] | None:
    """The "other complaints of this customer" panel: their latest other tickets (the account's,
    or a guest's by email), one query; None (no panel) when there are none."""
    if ticket.customer_id is not None:
        same = Q(customer_id=ticket.customer_id)
    elif ticket.contact_email:
        same = Q(customer__isnull=True, contact_email=ticket.contact_email)
    else:
        return None
    others = list(
        Ticket.objects.filter(same)
        .exclude(pk=ticket.pk)
        .only("pk", "number", "subject", "status", "created_at")
        .order_by("-created_at")[:OTHER_TICKETS_SHOWN]
    )
    return {"others": others} if others else None
