"""Reads of procedures, acknowledgements and quality reviews."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import (
    Avg,
    Count,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Window,
)
from django.db.models.functions import Random, RowNumber

from crm.models import Team
from shop.dates import days_between
from shop.models import User

from ..models import (
    Procedure,
    ProcedureAcknowledgement,
    ProcedureVersion,
    QualityReview,
    Ticket,
    TicketProcedureUse,
)
from ..states import TicketStatus


def current_versions() -> QuerySet[ProcedureVersion]:
    """The newest version of every procedure."""
    newest = (
        ProcedureVersion.objects.filter(procedure=OuterRef("procedure"))
        .order_by("-number")
        .values("number")[:1]
    )
    return ProcedureVersion.objects.filter(number=Subquery(newest)).select_related(
        "procedure", "procedure__team", "written_by"
    )


def current_version(procedure: Procedure) -> ProcedureVersion | None:
    return procedure.versions.select_related("written_by").order_by("-number").first()


def procedure_for_ticket(ticket: Ticket) -> Procedure | None:
    """The playbook for this ticket: its category on its channel, else on any channel; for its
    team before the one for every team (a procedure of another team never applies)."""
    candidates = Procedure.objects.filter(category=ticket.category).filter(
        Q(channel=ticket.channel) | Q(channel="")
    )
    candidates = candidates.filter(Q(team__isnull=True) | Q(team_id=ticket.team_id))
    ranked = sorted(
        candidates,
        key=lambda p: (p.channel != ticket.channel, p.team_id is None, p.pk),
    )
    return ranked[0] if ranked else None


def ticket_procedure_version(ticket: Ticket) -> ProcedureVersion | None:
    procedure = procedure_for_ticket(ticket)
    return current_version(procedure) if procedure else None


def ticket_followed(ticket: Ticket) -> TicketProcedureUse | None:
    """The version last recorded as followed on this ticket (kept after it is resolved)."""
    return (
        ticket.procedure_uses.select_related("version", "version__procedure", "user")
        .order_by("-created_at", "-pk")
        .first()
    )


def _procedures_of_teams(team_ids: list[int]) -> Q:
    return Q(procedure__team__isnull=True) | Q(procedure__team_id__in=team_ids)


def versions_to_acknowledge(user: User) -> list[ProcedureVersion]:
    """The current versions of the procedures of the agent's teams (and those for every team)
    that the agent has not yet read."""
    team_ids = list(user.teams.values_list("pk", flat=True))
    if not team_ids:
        return []
    return list(
        current_versions()
        .filter(_procedures_of_teams(team_ids))
        .exclude(acknowledgements__user=user)
        .order_by("procedure__category", "procedure__channel", "procedure__pk")
    )


@dataclass(frozen=True)
class AcknowledgementGap:
    version: ProcedureVersion
    team: Team
    missing: list[User]
    members: int

    @property
    def read(self) -> int:
        return self.members - len(self.missing)


def lead_teams(user: User) -> QuerySet[Team]:
    """The teams whose acknowledgements a lead sees: those they lead; a manager or superuser
    leading none sees every team."""
    led = Team.objects.filter(lead=user)
    if led.exists():
        return led
    return Team.objects.all()


def acknowledgement_gaps(*, user: User, all_versions: bool = False) -> list[AcknowledgementGap]:
    """Per (current) procedure version and team: the team's members who have not read it."""
    teams = list(lead_teams(user).prefetch_related("members").order_by("name"))
    versions = (
        ProcedureVersion.objects.select_related("procedure", "procedure__team")
        if all_versions
        else current_versions()
    )
    versions = list(
        versions.order_by("procedure__category", "procedure__channel", "procedure__pk", "-number")
    )
    read = set(
        ProcedureAcknowledgement.objects.filter(version__in=versions).values_list(
            "version_id", "user_id"
        )
    )
    gaps = []
    for version in versions:
        for team in teams:
            if version.procedure.team_id not in (None, team.pk):
                continue
            members = sorted(team.members.all(), key=lambda m: (m.get_full_name(), m.email))
            missing = [m for m in members if (version.pk, m.pk) not in read]
            gaps.append(AcknowledgementGap(version, team, missing, len(members)))
    return gaps


def quality_sample(*, start: date, end: date, per_agent: int) -> list[Ticket]:
    """Up to `per_agent` random tickets of each agent resolved in the period (resolved or since
    closed) that nobody has reviewed yet, grouped by agent."""
    since, until = days_between(start, end)
    ranked = (
        Ticket.objects.filter(
            status__in=(TicketStatus.RESOLVED, TicketStatus.CLOSED),
            resolved_at__gte=since,
            resolved_at__lt=until,
            assignee__isnull=False,
            quality_review__isnull=True,
        )
        .annotate(
            draw=Window(RowNumber(), partition_by=[F("assignee_id")], order_by=Random().asc())
        )
        .filter(draw__lte=per_agent)
        .select_related("assignee")
        .only("pk", "number", "subject", "category", "channel", "resolved_at", "assignee")
    )
    return sorted(ranked, key=lambda t: (t.assignee.email, t.resolved_at))


@dataclass(frozen=True)
class AgentQuality:
    agent: User
    count: int
    average: Decimal
    greeting: Decimal
    procedure: Decimal
    resolution: Decimal
    language: Decimal


def quality_summary(*, start: date, end: date) -> list[AgentQuality]:
    """Per agent: how many of their tickets were reviewed in the period and the average scores."""
    since, until = days_between(start, end)
    rows = (
        QualityReview.objects.filter(created_at__gte=since, created_at__lt=until)
        .values("agent")
        .annotate(
            count=Count("pk"),
            average=Avg("total"),
            greeting_avg=Avg("greeting"),
            procedure_avg=Avg("procedure"),
            resolution_avg=Avg("resolution"),
            language_avg=Avg("language"),
        )
    )
    agents = User.objects.in_bulk([row["agent"] for row in rows])

    def two(value: float | Decimal | None) -> Decimal:
        return Decimal(str(value or 0)).quantize(Decimal("0.01"))

    summary = [
        AgentQuality(
            agent=agents[row["agent"]],
            count=row["count"],
            average=two(row["average"]),
            greeting=two(row["greeting_avg"]),
            procedure=two(row["procedure_avg"]),
            resolution=two(row["resolution_avg"]),
            language=two(row["language_avg"]),
        )
        for row in rows
    ]
    return sorted(summary, key=lambda row: (-row.average, row.agent.email))
