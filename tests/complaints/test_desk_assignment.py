"""Assignment: a new ticket goes to the default team's least-loaded agent (or round robin), under
the team's row lock, so two tickets opened at once for a team of two go one to each; without a
default team it stays unassigned."""

import threading
import time

import pytest
from django.db import connection, transaction
from django.utils import translation

from complaints.models import Ticket
from complaints.services import ticket_assign, ticket_auto_assign
from complaints.states import TicketStatus
from crm.models import Team
from shop.models import AuditEntry
from tests.complaints.desk_helpers import agent, guest_ticket
from tests.crm.staff_helpers import staff_groups  # noqa: F401

pytestmark = [pytest.mark.postgres]


@pytest.fixture
def team(db, staff_groups, settings):  # noqa: F811
    settings.COMPLAINTS_DEFAULT_TEAM = "Kargo"
    team = Team.objects.create(name="Kargo")
    agent("a@example.com", team, first_name="Aslı", last_name="")
    agent("b@example.com", team, first_name="Burak", last_name="")
    return team


def _owner(ticket: Ticket) -> str:
    ticket.refresh_from_db()
    return ticket.assignee.email if ticket.assignee else ""


@pytest.mark.django_db
def test_new_tickets_go_to_the_least_loaded_agent_of_the_default_team(team):
    first, second, third = guest_ticket(), guest_ticket(), guest_ticket()
    assert first.team == team and first.assignee is not None  # the returned ticket knows
    assert [_owner(first), _owner(second)] == ["a@example.com", "b@example.com"]
    assert _owner(third) == "a@example.com"  # both had one: the one longest without a new one
    # Aslı's two are done: with none open she gets the next one though she had the last one;
    # then both have one open and Burak, longer without a new one, gets the one after.
    Ticket.objects.filter(assignee__email="a@example.com").update(status=TicketStatus.RESOLVED)
    assert [_owner(guest_ticket()), _owner(guest_ticket())] == ["a@example.com", "b@example.com"]
    assert first.events.filter(kind="assigned", actor=None).exists()
    assert not AuditEntry.objects.filter(action="complaint.assign").exists()  # nobody did it


@pytest.mark.django_db
def test_round_robin_takes_turns_whatever_the_load(team, settings):
    settings.COMPLAINTS_ASSIGNMENT = "round_robin"
    owners = [_owner(guest_ticket()) for _ in range(2)]
    Ticket.objects.filter(assignee__email="a@example.com").update(status=TicketStatus.RESOLVED)
    owners += [_owner(guest_ticket()) for _ in range(3)]
    assert owners == [
        "a@example.com",
        "b@example.com",
        "a@example.com",
        "b@example.com",
        "a@example.com",
    ]


@pytest.mark.django_db
def test_without_a_default_team_a_ticket_stays_unassigned_and_a_team_can_be_given_later(
    team, settings
):
    settings.COMPLAINTS_DEFAULT_TEAM = ""
    ticket = guest_ticket()
    assert ticket.team is None and ticket.assignee is None
    settings.COMPLAINTS_DEFAULT_TEAM = "No such team"
    assert guest_ticket().assignee is None
    lead = agent("lead@example.com", group="Team lead")
    ticket_assign(ticket=ticket, team=team, by=lead)
    assert _owner(ticket) == "a@example.com" and ticket.team == team
    assert AuditEntry.objects.filter(action="complaint.assign", actor=lead).exists()


@pytest.mark.django_db
def test_a_team_without_active_members_leaves_the_ticket_in_its_queue(team):
    Team.objects.get(pk=team.pk).members.update(is_active=False)
    ticket = ticket_auto_assign(ticket=guest_ticket())
    assert ticket.team == team and ticket.assignee is None


@pytest.mark.django_db(transaction=True)
def test_two_tickets_opened_at_once_for_a_team_of_two_go_one_to_each(team):
    """Both openings are held at the team's lock (taken here first) with their ticket written
    and not committed; let go, each picks after the other's commit: one ticket each."""
    numbers: list[str] = []
    errors: list[Exception] = []

    def open_one(index: int) -> None:
        try:
            with translation.override("en"):
                numbers.append(guest_ticket(contact_email=f"m{index}@example.com").number)
        except Exception as error:  # the test reports what the thread got
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=open_one, args=(index,)) for index in range(2)]
    with transaction.atomic():
        Team.objects.select_for_update().get(pk=team.pk)
        for thread in threads:
            thread.start()
        waiting = _wait_for_lock_waiters(2)
    for thread in threads:
        thread.join(timeout=30)
    assert waiting == 2, "the openings did not wait for the team's lock"
    assert not any(thread.is_alive() for thread in threads), "an opening hung"
    assert not errors
    owners = Ticket.objects.filter(number__in=numbers).values_list("assignee__email", flat=True)
    assert sorted(owners) == ["a@example.com", "b@example.com"]


def _wait_for_lock_waiters(count: int, *, seconds: float = 15) -> int:
    """How many other sessions wait for a lock, once `count` do (or the time is up). The
    activity view is a snapshot per transaction: cleared before each look."""
    deadline = time.monotonic() + seconds
    waiting = 0
    with connection.cursor() as cursor:
        while waiting < count and time.monotonic() < deadline:
            cursor.execute("SELECT pg_stat_clear_snapshot()")
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                "AND datname = current_database() AND pid <> pg_backend_pid()"
            )
            waiting = cursor.fetchone()[0]
    return waiting
