"""Reads of the SLA watch: the tickets past their deadline (leads see them), and those warned
at 80 % but not yet past it."""

from datetime import datetime

from django.db.models import Case, Exists, OuterRef, QuerySet, Value, When
from django.utils import timezone

from crm.models import Team

from .models import SlaAlert, Ticket
from .states import CLOCK_PAUSED, OPEN


def current_target() -> Case:
    """The name of the target a ticket's clock runs towards: first response until answered."""
    return Case(
        When(first_response_at__isnull=True, then=Value(SlaAlert.Target.FIRST_RESPONSE)),
        default=Value(SlaAlert.Target.RESOLUTION),
    )


def running_tickets(team: Team | None = None) -> QuerySet[Ticket]:
    """Open tickets whose clock runs (not waiting on the customer)."""
    return _running(team)


def _running(team: Team | None) -> QuerySet[Ticket]:
    tickets = Ticket.objects.filter(status__in=OPEN, due_at__isnull=False).exclude(
        status__in=CLOCK_PAUSED
    )
    return tickets.filter(team=team) if team is not None else tickets


def breached_tickets(*, team: Team | None = None, now: datetime | None = None) -> QuerySet[Ticket]:
    """Open tickets whose clock runs and whose deadline has passed (of one team, or all),
    longest overdue first."""
    return (
        _running(team)
        .filter(due_at__lte=now or timezone.now())
        .select_related("team", "assignee")
        .order_by("due_at", "pk")
    )


def breached_ticket_count(*, team: Team | None = None, now: datetime | None = None) -> int:
    return _running(team).filter(due_at__lte=now or timezone.now()).count()


def warned_tickets(*, team: Team | None = None, now: datetime | None = None) -> QuerySet[Ticket]:
    """Running tickets warned at 80 % of their current target and not yet past it."""
    warned = SlaAlert.objects.filter(
        ticket=OuterRef("pk"), stage=SlaAlert.Stage.WARNING, target=OuterRef("current_target")
    )
    return (
        _running(team)
        .annotate(current_target=current_target())
        .filter(due_at__gt=now or timezone.now())
        .filter(Exists(warned))
        .order_by("due_at", "pk")
    )
