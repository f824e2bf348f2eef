"""Reads of crisis alerts: the banner's open alerts with their tickets grouped, a ticket's."""

from dataclasses import dataclass, field

from django.db.models import Count, Prefetch

from ..models import CrisisAlert, CrisisPlan, CrisisStatus, Ticket
from ..states import TicketStatus


@dataclass
class OpenCrisis:
    alert: CrisisAlert
    plan: CrisisPlan | None
    tickets: list[Ticket]
    # The linked tickets grouped by status: (label, tickets), in the order of the lifecycle.
    ticket_groups: list[tuple[str, list[Ticket]]] = field(default_factory=list)
    mention_count: int = 0


def tickets_grouped(tickets: list[Ticket]) -> list[tuple[str, list[Ticket]]]:
    groups = []
    for status in TicketStatus:
        members = [t for t in tickets if t.status == status]
        if members:
            groups.append((str(status.label), members))
    return groups


def open_crisis_alerts(*, ticket: Ticket | None = None) -> list[OpenCrisis]:
    """Alerts not yet closed (newest first), each with its plan and its linked tickets grouped
    by status; only those linking `ticket` when given. Three queries."""
    alerts = CrisisAlert.objects.exclude(status=CrisisStatus.CLOSED)
    if ticket is not None:
        alerts = alerts.filter(tickets=ticket)
    tickets = Ticket.objects.only("pk", "number", "subject", "status", "priority", "created_at")
    alerts = list(
        alerts.annotate(mention_total=Count("mentions", distinct=True))
        .prefetch_related(Prefetch("tickets", queryset=tickets.order_by("created_at")))
        .order_by("-raised_at")
    )
    if not alerts:
        return []
    scenarios = {alert.scenario for alert in alerts}
    plans = {plan.scenario: plan for plan in CrisisPlan.objects.filter(scenario__in=scenarios)}
    result = []
    for alert in alerts:
        linked = list(alert.tickets.all())
        result.append(
            OpenCrisis(
                alert=alert,
                plan=plans.get(alert.scenario),
                tickets=linked,
                ticket_groups=tickets_grouped(linked),
                mention_count=alert.mention_total,
            )
        )
    return result
