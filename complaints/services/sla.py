"""The SLA watch: each open ticket whose clock runs is warned at 80 % of its current target
(the assignee is told) and escalated once the target passes (the team lead is told and takes
an unassigned ticket, the priority goes up one step, the deadline is recomputed).

Each happens once per ticket, stage and target (`SlaAlert`, unique): a second run, or two runs
at once, send nothing twice. Run by the periodic task `complaints.sla_watch`."""

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from crm.notifications.models import Channel as MessageChannel
from crm.notifications.services import notification_send
from shop.audit import audit_record
from shop.models import User

from ..models import SlaAlert, SlaPolicy, Ticket, TicketEvent
from ..selectors_sla import current_target, running_tickets
from ..sla import WARNING_FRACTION, sla_fraction
from ..states import CLOCK_PAUSED, OPEN, Priority
from .clock import ticket_clock_update, ticket_pauses, ticket_target_name, ticket_target_seconds
from .recipients import ticket_leads

# One step up at each breach; urgent stays urgent.
PRIORITY_STEP = {
    Priority.LOW: Priority.NORMAL,
    Priority.NORMAL: Priority.HIGH,
    Priority.HIGH: Priority.URGENT,
    Priority.URGENT: Priority.URGENT,
}


@dataclass
class SlaWatchTally:
    warned: int = 0
    escalated: int = 0


def _running_tickets():
    """Open tickets whose clock runs, with the name of the target it runs towards."""
    return running_tickets().annotate(current_target=current_target())


def _not_alerted(stage: str):
    return ~Exists(
        SlaAlert.objects.filter(
            ticket=OuterRef("pk"), stage=stage, target=OuterRef("current_target")
        )
    )


def sla_watch(*, now: datetime | None = None) -> SlaWatchTally:
    """Warn and escalate what is due now; safe to run twice (and at once)."""
    now = now or timezone.now()
    tally = SlaWatchTally()
    breached = _running_tickets().filter(_not_alerted(SlaAlert.Stage.BREACH), due_at__lte=now)
    for ticket_id in breached.values_list("pk", flat=True).order_by("due_at"):
        tally.escalated += ticket_sla_escalate(ticket_id=ticket_id, now=now)
    candidates = _running_tickets().filter(_not_alerted(SlaAlert.Stage.WARNING), due_at__gt=now)
    fields = ("pk", "created_at", "category", "priority", "first_response_at")
    for ticket in candidates.only(*fields).order_by("due_at"):
        # Measured without a lock first: most tickets are far from 80 % and stay unlocked.
        if _fraction_used(ticket, now) >= WARNING_FRACTION:
            tally.warned += ticket_sla_warn(ticket_id=ticket.pk, now=now)
    return tally


def _fraction_used(ticket: Ticket, now: datetime) -> float:
    return sla_fraction(
        opened_at=ticket.created_at,
        now=now,
        target_seconds=ticket_target_seconds(ticket),
        pauses=ticket_pauses(ticket),
    )


def _locked_running(ticket_id: int) -> Ticket | None:
    ticket = (
        Ticket.objects.select_for_update(of=("self",))
        .select_related("team__lead", "assignee")
        .filter(pk=ticket_id)
        .first()
    )
    if ticket is None or ticket.status not in OPEN or ticket.status in CLOCK_PAUSED:
        return None
    if ticket.due_at is None:
        return None
    return ticket


def _alert_once(*, ticket: Ticket, stage: str, target: str) -> SlaAlert | None:
    """The alert, new; None when this stage of this target was already recorded (the ticket's
    row lock orders racing runs; the unique constraint backs it)."""
    if SlaAlert.objects.filter(ticket=ticket, stage=stage, target=target).exists():
        return None
    return SlaAlert.objects.create(ticket=ticket, stage=stage, target=target, due_at=ticket.due_at)


def ticket_sla_warn(*, ticket_id: int, now: datetime) -> int:
    """Warn the assignee when 80 % of the current target is used; 1 when warned now."""
    with transaction.atomic():
        ticket = _locked_running(ticket_id)
        if ticket is None:
            return 0
        if _fraction_used(ticket, now) < WARNING_FRACTION:
            return 0
        target = ticket_target_name(ticket)
        alert = _alert_once(ticket=ticket, stage=SlaAlert.Stage.WARNING, target=target)
        if alert is None:
            return 0
        TicketEvent.objects.create(
            ticket=ticket,
            kind="sla_warning",
            note=str(SlaAlert.Target(target).label),
        )
        recipients = [ticket.assignee] if ticket.assignee else ticket_leads(ticket)
        for person in recipients:
            _tell(person, ticket=ticket, kind="complaint_sla_warning", alert=alert)
        audit_record(
            actor=None,
            action="complaint.sla_warning",
            target=ticket,
            details={"target": target, "due_at": ticket.due_at.isoformat()},
        )
    return 1


def ticket_sla_escalate(*, ticket_id: int, now: datetime) -> int:
    """Escalate a ticket past its current target: the lead is told (and takes it when nobody
    has it), the priority goes up a step and the deadline is recomputed; 1 when escalated now."""
    with transaction.atomic():
        ticket = _locked_running(ticket_id)
        if ticket is None or ticket.due_at > now:
            return 0
        target = ticket_target_name(ticket)
        alert = _alert_once(ticket=ticket, stage=SlaAlert.Stage.BREACH, target=target)
        if alert is None:
            return 0
        previous = ticket.priority
        ticket.priority = PRIORITY_STEP[Priority(previous)]
        lead = ticket.team.lead if ticket.team and ticket.team.lead_id else None
        fields = ["priority", "updated_at"]
        if ticket.assignee_id is None and lead is not None and lead.is_active:
            ticket.assignee = lead
            fields.append("assignee")
        ticket.save(update_fields=fields)
        ticket_clock_update(ticket)
        note = _("%(target)s target passed (due %(due)s); priority %(old)s → %(new)s.") % {
            "target": SlaAlert.Target(target).label,
            "due": timezone.localtime(alert.due_at).strftime("%Y-%m-%d %H:%M"),
            "old": Priority(previous).label,
            "new": Priority(ticket.priority).label,
        }
        TicketEvent.objects.create(ticket=ticket, kind="sla_breach", note=note)
        for person in ticket_leads(ticket):
            _tell(person, ticket=ticket, kind="complaint_sla_breach", alert=alert)
        audit_record(
            actor=None,
            action="complaint.sla_escalate",
            target=ticket,
            reason=note,
            details={
                "target": target,
                "due_at": alert.due_at.isoformat(),
                "priority": [previous, ticket.priority],
                "assignee": ticket.assignee_id,
            },
        )
    return 1


def _tell(person: User, *, ticket: Ticket, kind: str, alert: SlaAlert) -> None:
    """An email to a staff member about the ticket (on commit; once per alert and person)."""
    notification_send(
        to=person,
        kind=kind,
        context={
            "ticket_number": ticket.number,
            "ticket_subject": ticket.subject,
            "target": alert.target,
            "due_at": alert.due_at,
            "priority": ticket.priority,
            "action_url": settings.SITE_URL
            + reverse("admin:complaints_ticket_change", args=[ticket.pk]),
        },
        channels=[MessageChannel.EMAIL],
        subject=("complaint", ticket.pk),
        dedupe_key=f"complaint-sla-{alert.stage}:{ticket.pk}:{alert.target}:{person.pk}",
    )


def sla_policy_save(*, policy: SlaPolicy, by: User | None) -> SlaPolicy:
    """Save a policy (a complaint manager in the admin) and move the deadlines of the open
    tickets it governs; audited."""
    with transaction.atomic():
        created = policy.pk is None
        policy.save()
        moved = _reclock(category=policy.category, priority=policy.priority)
        audit_record(
            actor=by,
            action="complaint.sla_policy_add" if created else "complaint.sla_policy_change",
            target=policy,
            details={
                "category": policy.category,
                "priority": policy.priority,
                "first_response_hours": policy.first_response_hours,
                "resolution_hours": policy.resolution_hours,
                "tickets_reclocked": moved,
            },
        )
    return policy


def sla_policy_delete(*, policy: SlaPolicy, by: User | None) -> None:
    """Remove a policy: its tickets fall back to the per-priority defaults; audited."""
    with transaction.atomic():
        category, priority, pk = policy.category, policy.priority, policy.pk
        policy.delete()
        moved = _reclock(category=category, priority=priority)
        audit_record(
            actor=by,
            action="complaint.sla_policy_delete",
            target=("complaints.slapolicy", pk),
            details={"category": category, "priority": priority, "tickets_reclocked": moved},
        )


def _reclock(*, category: str, priority: str) -> int:
    """Recompute the deadline of each running ticket of this category and priority."""
    tickets = Ticket.objects.select_for_update().filter(
        category=category, priority=priority, status__in=OPEN
    )
    count = 0
    for ticket in tickets.order_by("pk"):
        ticket_clock_update(ticket)
        count += 1
    return count
