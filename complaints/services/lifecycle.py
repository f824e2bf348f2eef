"""The ticket's life after the desk's answer: the customer reopens a resolved ticket within
the reopen period; periodic sweeps close resolved tickets after it, remind a customer the desk
waits on, and resolve the ticket when they stay silent. Every sweep is safe to run twice."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from crm.notifications.models import Channel as MessageChannel
from crm.notifications.services import notification_send
from shop.models import User

from ..exceptions import ComplaintRefused
from ..lifecycle import customer_may_reopen, reopen_expired_message, reopen_period
from ..links import ticket_url
from ..models import Ticket, TicketEvent
from ..states import TicketStatus
from .tickets import _recipient, complaint_transition


def complaint_customer_reopen(*, ticket: Ticket, by: User | None = None) -> Ticket:
    """The customer takes a resolved ticket up again (in progress) within the reopen period;
    after it, or for a ticket that is not resolved, a clear refusal and nothing changed."""
    with transaction.atomic():
        locked = Ticket.objects.select_for_update().get(pk=ticket.pk)
        if locked.status != TicketStatus.RESOLVED:
            raise ComplaintRefused(_("Only a resolved complaint can be reopened."))
        if not customer_may_reopen(locked):
            raise ComplaintRefused(reopen_expired_message())
        return complaint_transition(
            ticket=locked,
            to=TicketStatus.IN_PROGRESS,
            by=by,
            note=_("Reopened by the customer."),
        )


@dataclass
class LifecycleTally:
    closed: int = 0
    reminded: int = 0
    resolved: int = 0


def complaint_lifecycle_sweep(*, now: datetime | None = None) -> LifecycleTally:
    """Close, remind and resolve what is due now (each ticket under its own lock)."""
    now = now or timezone.now()
    tally = LifecycleTally()
    expired = Ticket.objects.filter(
        status=TicketStatus.RESOLVED, resolved_at__lte=now - reopen_period()
    )
    for ticket_id in expired.values_list("pk", flat=True):
        tally.closed += ticket_close_after_reopen_period(ticket_id=ticket_id, now=now)
    remind_after = timedelta(days=settings.COMPLAINTS_WAITING_REMINDER_DAYS)
    resolve_after = timedelta(days=settings.COMPLAINTS_WAITING_RESOLVE_DAYS)
    waiting = _waiting_tickets()
    for ticket_id in waiting.filter(waiting_since__lte=now - resolve_after).values_list(
        "pk", flat=True
    ):
        tally.resolved += ticket_resolve_unanswered(ticket_id=ticket_id, now=now)
    for ticket_id in waiting.filter(waiting_since__lte=now - remind_after).values_list(
        "pk", flat=True
    ):
        tally.reminded += ticket_waiting_remind(ticket_id=ticket_id, now=now)
    return tally


def _waiting_since():
    """When the ticket's current wait began (its latest move into "waiting on customer")."""
    return Subquery(
        TicketEvent.objects.filter(
            ticket=OuterRef("pk"), to_status=TicketStatus.WAITING_ON_CUSTOMER
        )
        .order_by("-created_at", "-pk")
        .values("created_at")[:1]
    )


def _waiting_tickets():
    return Ticket.objects.filter(status=TicketStatus.WAITING_ON_CUSTOMER).annotate(
        waiting_since=_waiting_since()
    )


def _locked(ticket_id: int, status: str) -> Ticket | None:
    ticket = Ticket.objects.select_for_update().filter(pk=ticket_id, status=status).first()
    return ticket


def ticket_close_after_reopen_period(*, ticket_id: int, now: datetime) -> int:
    """Close a resolved ticket whose reopen period has passed; 1 when closed now."""
    with transaction.atomic():
        ticket = _locked(ticket_id, TicketStatus.RESOLVED)
        if ticket is None or customer_may_reopen(ticket, now):
            return 0
        complaint_transition(
            ticket=ticket, to=TicketStatus.CLOSED, note=_("The reopen period has passed.")
        )
    return 1


def _current_wait(ticket: Ticket) -> TicketEvent | None:
    return (
        TicketEvent.objects.filter(ticket=ticket, to_status=TicketStatus.WAITING_ON_CUSTOMER)
        .order_by("-created_at", "-pk")
        .first()
    )


def ticket_waiting_remind(*, ticket_id: int, now: datetime) -> int:
    """Remind the customer once per wait (the message's key names the wait); 1 when sent now."""
    with transaction.atomic():
        ticket = _locked(ticket_id, TicketStatus.WAITING_ON_CUSTOMER)
        wait = _current_wait(ticket) if ticket else None
        if wait is None:
            return 0
        days = settings.COMPLAINTS_WAITING_REMINDER_DAYS
        if wait.created_at > now - timedelta(days=days):
            return 0
        already = TicketEvent.objects.filter(
            ticket=ticket, kind="waiting_reminder", created_at__gte=wait.created_at
        ).exists()
        if already:
            return 0
        TicketEvent.objects.create(ticket=ticket, kind="waiting_reminder")
        resolve_days = settings.COMPLAINTS_WAITING_RESOLVE_DAYS
        notification_send(
            to=_recipient(ticket),
            kind="complaint_waiting_reminder",
            context={
                "ticket_number": ticket.number,
                "action_url": ticket_url(ticket=ticket, absolute=True),
                "resolve_on": timezone.localtime(wait.created_at + timedelta(days=resolve_days)),
            },
            channels=[MessageChannel.EMAIL],
            subject=("complaint", ticket.pk),
            dedupe_key=f"complaint-waiting-reminder:{ticket.pk}:{wait.pk}",
        )
    return 1


def ticket_resolve_unanswered(*, ticket_id: int, now: datetime) -> int:
    """Resolve a ticket whose customer has not answered for the configured days; 1 when
    resolved now (the customer may still reopen it within the reopen period)."""
    with transaction.atomic():
        ticket = _locked(ticket_id, TicketStatus.WAITING_ON_CUSTOMER)
        wait = _current_wait(ticket) if ticket else None
        days = settings.COMPLAINTS_WAITING_RESOLVE_DAYS
        if wait is None or wait.created_at > now - timedelta(days=days):
            return 0
        complaint_transition(
            ticket=ticket,
            to=TicketStatus.RESOLVED,
            note=ngettext(
                "No answer from the customer in %(days)d day.",
                "No answer from the customer in %(days)d days.",
                days,
            )
            % {"days": days},
        )
    return 1
