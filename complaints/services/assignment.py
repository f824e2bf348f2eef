"""Who works a ticket: assigned by hand (an agent takes it, a lead reassigns it) or picked
automatically within a team — the least-loaded member (fewest open tickets) or round robin
(the member longest without a new ticket), as `COMPLAINTS_ASSIGNMENT` says.

The pick is made under the team's row lock (lock order: ticket, then team), so two tickets
opened at once for a team of two go one to each."""

from django.conf import settings
from django.db import transaction
from django.db.models import Count, F, Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from crm.models import Team
from shop.audit import audit_record
from shop.models import User

from ..exceptions import ComplaintRefused
from ..models import Ticket, TicketEvent
from ..states import OPEN, TicketStatus

ASSIGN_PERMISSION = "complaints.assign_ticket"
LEAST_LOADED = "least_loaded"
ROUND_ROBIN = "round_robin"


def default_team() -> Team | None:
    """The team new tickets go to (`COMPLAINTS_DEFAULT_TEAM`, by name), or None."""
    name = (settings.COMPLAINTS_DEFAULT_TEAM or "").strip()
    return Team.objects.filter(name=name).first() if name else None


def team_member_pick(*, team: Team, exclude_ticket: int | None = None) -> User | None:
    """The active staff member of `team` who should get the next ticket (call it holding the
    team's row lock): the least loaded, ties to the one longest without a ticket, then the
    oldest account; or, for round robin, simply the one longest without a ticket."""
    in_team = Q(assigned_tickets__team=team)
    open_tickets = Q(assigned_tickets__status__in=OPEN)
    if exclude_ticket is not None:
        open_tickets &= ~Q(assigned_tickets__pk=exclude_ticket)
        in_team &= ~Q(assigned_tickets__pk=exclude_ticket)
    members = team.members.filter(is_active=True, is_staff=True).annotate(
        open_count=Count("assigned_tickets", filter=open_tickets),
        last_assigned=Max("assigned_tickets__assigned_at", filter=in_team),
    )
    longest_waiting = F("last_assigned").asc(nulls_first=True)
    if settings.COMPLAINTS_ASSIGNMENT == ROUND_ROBIN:
        order = [longest_waiting, "pk"]
    else:
        order = ["open_count", longest_waiting, "pk"]
    return members.order_by(*order).first()


def ticket_auto_assign(
    *, ticket: Ticket, team: Team | None = None, by: User | None = None
) -> Ticket:
    """Give the ticket to a member of `team` (the default team when none is given) picked by
    the assignment setting; no team, or a team without members: left as it is (unassigned)."""
    team = team or default_team()
    if team is None:
        return ticket
    with transaction.atomic():
        locked = Ticket.objects.select_for_update().get(pk=ticket.pk)
        locked_team = Team.objects.select_for_update().get(pk=team.pk)
        agent = team_member_pick(team=locked_team, exclude_ticket=locked.pk)
        _assign(locked, agent=agent, team=locked_team, by=by, automatic=True)
    _copy_assignment(locked, ticket)
    return ticket


def ticket_assign(
    *, ticket: Ticket, to: User | None = None, team: Team | None = None, by: User
) -> Ticket:
    """Assign the ticket to an agent (`to`, within `team` when given), or to a team (its member
    picked automatically). Reassigning a ticket another agent holds needs
    `complaints.assign_ticket` (team leads, complaint managers)."""
    if to is None and team is None:
        raise ComplaintRefused(_("Choose an agent or a team."))
    if to is not None and not (to.is_active and to.is_staff):
        raise ComplaintRefused(_("Complaints can be assigned only to active staff."))
    with transaction.atomic():
        locked = Ticket.objects.select_for_update().get(pk=ticket.pk)
        if locked.status == TicketStatus.CLOSED:
            raise ComplaintRefused(_("This complaint is closed."))
        held_by_another = locked.assignee_id is not None and locked.assignee_id != by.pk
        if held_by_another and not by.has_perm(ASSIGN_PERMISSION):
            raise ComplaintRefused(
                _("Only a team lead can reassign a complaint another agent is working on.")
            )
        locked_team = Team.objects.select_for_update().get(pk=team.pk) if team else None
        if to is not None:
            if locked_team is not None and not locked_team.members.filter(pk=to.pk).exists():
                raise ComplaintRefused(
                    _("%(agent)s is not a member of %(team)s.")
                    % {"agent": _agent_name(to), "team": locked_team.name}
                )
            if locked_team is None:
                locked_team = _team_for(to, current=locked.team_id)
            agent = to
        else:
            agent = team_member_pick(team=locked_team, exclude_ticket=locked.pk)
        _assign(locked, agent=agent, team=locked_team, by=by, automatic=to is None)
    _copy_assignment(locked, ticket)
    return ticket


def _team_for(agent: User, *, current: int | None) -> Team | None:
    """The ticket keeps its team when the agent is in it; else the agent's first team."""
    teams = agent.teams.order_by("pk")
    if current is not None and teams.filter(pk=current).exists():
        return Team.objects.get(pk=current)
    return teams.first()


def _assign(
    locked: Ticket, *, agent: User | None, team: Team | None, by: User | None, automatic: bool
) -> None:
    if locked.assignee_id == (agent.pk if agent else None) and locked.team_id == (
        team.pk if team else None
    ):
        return  # nothing changes, nothing logged
    locked.assignee = agent
    locked.team = team
    locked.assigned_at = timezone.now() if agent is not None else None
    locked.save(update_fields=["assignee", "team", "assigned_at", "updated_at"])
    who = _agent_name(agent) if agent else _("nobody")
    note = f"{team.name}: {who}" if team else who
    if automatic:
        note = _("%(assignment)s (automatic)") % {"assignment": note}
    TicketEvent.objects.create(ticket=locked, actor=by, kind="assigned", note=note)
    if by is not None:
        audit_record(
            actor=by,
            action="complaint.assign",
            target=locked,
            details={"assignee": agent.pk if agent else None, "team": team.pk if team else None},
        )


def _copy_assignment(source: Ticket, target: Ticket) -> None:
    for name in ("assignee", "team", "assigned_at", "updated_at"):
        setattr(target, name, getattr(source, name))


def _agent_name(agent: User) -> str:
    return agent.get_full_name() or agent.email
