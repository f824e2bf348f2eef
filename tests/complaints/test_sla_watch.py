"""The SLA watch: the assignee is warned once 80 % of the current target is used; past the
deadline the ticket escalates to the team lead with its priority raised one step. Each happens
once per ticket, stage and target, however often (or however concurrently) the job runs; a
ticket waiting on the customer is never warned. Calendar: 2027, 09:00–18:00 Mon–Fri, Istanbul."""

import threading
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib import admin
from django.contrib.auth.models import Group
from django.core import mail
from django.db import connection
from django.template.loader import render_to_string

from complaints.admin.sla import SlaFilter
from complaints.models import SlaAlert, Ticket, TicketEvent
from complaints.selectors_sla import breached_ticket_count, breached_tickets, warned_tickets
from complaints.services import (
    complaint_open,
    complaint_reply,
    complaint_transition,
    sla_watch,
)
from complaints.sla_panel import sla_panel_context
from complaints.states import Category, Channel, TicketStatus
from complaints.tasks import complaint_sla_watch
from crm.models import Team
from crm.notifications.models import Message
from shop.models import AuditEntry
from shop.services import calendar_seed
from tests.factories import StaffFactory

IST = ZoneInfo("Europe/Istanbul")


def at(month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2027, month, day, hour, minute, tzinfo=IST)


def _desk():
    lead = StaffFactory(first_name="Elif", email="elif@example.com", language="en")
    agent = StaffFactory(first_name="Can", email="can@example.com", language="en")
    team = Team.objects.create(name="Kargo", lead=lead)
    team.members.add(agent, lead)
    return team, lead, agent


def _open(*, team, agent, when: datetime) -> Ticket:
    with time_machine.travel(when, tick=False):
        ticket = complaint_open(
            channel=Channel.PHONE,
            category=Category.LATE_OR_MISSING,
            description="Kargo gelmedi.",
            contact_email="misafir@example.com",
            priority="normal",
            by=agent,
        )
    Ticket.objects.filter(pk=ticket.pk).update(team=team, assignee=agent)
    ticket.refresh_from_db()
    return ticket


def _run_at(when: datetime, capture):
    with time_machine.travel(when, tick=False), capture(execute=True):
        return complaint_sla_watch.apply().get()


@pytest.mark.django_db
def test_run_twice_the_job_warns_once_and_escalates_once(django_capture_on_commit_callbacks):
    calendar_seed(year=2027)
    team, lead, agent = _desk()
    # Monday 22 March 09:00, normal: first response due in 4 working hours, at 13:00.
    ticket = _open(team=team, agent=agent, when=at(3, 22, 9))
    assert ticket.due_at == at(3, 22, 13)

    assert _run_at(at(3, 22, 12, 11), django_capture_on_commit_callbacks) == {
        "warned": 0,
        "escalated": 0,
    }  # 3 h 11 min: just under 80 % of four hours
    assert _run_at(at(3, 22, 12, 12), django_capture_on_commit_callbacks)["warned"] == 1
    assert _run_at(at(3, 22, 12, 30), django_capture_on_commit_callbacks)["warned"] == 0
    warning = [m for m in mail.outbox if m.to == [agent.email]]
    assert len(warning) == 1
    assert ticket.number in warning[0].subject and "80 %" in warning[0].subject
    assert "first-response" in warning[0].body
    assert warned_tickets(now=at(3, 22, 12, 30)).get() == ticket

    assert _run_at(at(3, 22, 13), django_capture_on_commit_callbacks)["escalated"] == 1
    assert _run_at(at(3, 22, 13, 5), django_capture_on_commit_callbacks)["escalated"] == 0
    ticket.refresh_from_db()
    assert ticket.priority == "high"  # one step up
    # The clock reads the new priority: 2 h first response, due at 11:00 — still breached.
    assert ticket.due_at == at(3, 22, 11)
    assert ticket.assignee == agent  # the agent keeps it; the lead is told
    breach = [m for m in mail.outbox if m.to == [lead.email]]
    assert len(breach) == 1 and "overdue" in breach[0].subject
    assert TicketEvent.objects.filter(ticket=ticket, kind="sla_breach").count() == 1
    assert TicketEvent.objects.filter(ticket=ticket, kind="sla_warning").count() == 1
    assert AuditEntry.objects.filter(action="complaint.sla_escalate").count() == 1
    assert list(breached_tickets(team=team, now=at(3, 22, 13, 5))) == [ticket]
    assert breached_ticket_count(team=Team.objects.create(name="Ödeme")) == 0

    # Answered: the resolution target (high: 16 h) runs from the opening — 9 h on Monday and
    # 7 h on Tuesday, due Tuesday 16:00; 80 % (12 h 48 min) is Tuesday 12:48.
    with time_machine.travel(at(3, 22, 13, 30), tick=False):
        complaint_reply(ticket=ticket, by=agent, body="Kargoya soruyoruz.")
    ticket.refresh_from_db()
    assert ticket.due_at == at(3, 23, 16)
    assert breached_ticket_count(team=team, now=at(3, 22, 13, 30)) == 0
    assert _run_at(at(3, 23, 12, 47), django_capture_on_commit_callbacks)["warned"] == 0
    assert _run_at(at(3, 23, 12, 48), django_capture_on_commit_callbacks)["warned"] == 1
    assert set(SlaAlert.objects.values_list("stage", "target")) == {
        ("warning", "first_response"),
        ("breach", "first_response"),
        ("warning", "resolution"),
    }
    assert Message.objects.filter(kind="complaint_sla_warning").count() == 2


@pytest.mark.django_db
def test_a_ticket_waiting_on_the_customer_is_not_warned_nor_escalated():
    calendar_seed(year=2027)
    team, _lead, agent = _desk()
    ticket = _open(team=team, agent=agent, when=at(3, 22, 9))
    with time_machine.travel(at(3, 22, 12), tick=False):  # 3 of 4 hours used
        complaint_transition(ticket=ticket, to=TicketStatus.WAITING_ON_CUSTOMER, by=agent)
    for when in (at(3, 22, 12, 30), at(3, 22, 14), at(3, 24, 17)):
        with time_machine.travel(when, tick=False):
            assert sla_watch().warned == 0
            assert sla_watch().escalated == 0
    assert not SlaAlert.objects.exists()
    assert not Message.objects.filter(kind__startswith="complaint_sla").exists()


@pytest.mark.django_db
def test_with_no_team_lead_the_complaint_managers_hear_of_a_breach():
    calendar_seed(year=2027)
    agent = StaffFactory()
    manager = StaffFactory(email="mudur@example.com")
    Group.objects.get_or_create(name="Complaint manager")[0].user_set.add(manager)
    with time_machine.travel(at(3, 22, 9), tick=False):
        ticket = complaint_open(
            channel=Channel.PHONE,
            category=Category.OTHER,
            description="Ulaşamadım.",
            contact_email="misafir@example.com",
            priority="urgent",
            by=agent,
        )
    with time_machine.travel(at(3, 22, 10), tick=False):
        assert sla_watch().escalated == 1
    ticket.refresh_from_db()
    assert ticket.priority == "urgent"  # already at the top
    assert Message.objects.get(kind="complaint_sla_breach").recipient == "mudur@example.com"


@pytest.mark.django_db(transaction=True)
def test_two_runs_at_once_escalate_once():
    calendar_seed(year=2027)
    team, _lead, agent = _desk()
    ticket = _open(team=team, agent=agent, when=at(3, 22, 9))
    barrier = threading.Barrier(2)
    results, errors = [], []

    def run() -> None:
        try:
            barrier.wait()
            results.append(sla_watch(now=at(3, 22, 14)).escalated)
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(results) == [0, 1]
    assert SlaAlert.objects.filter(ticket=ticket, stage="breach").count() == 1
    assert Message.objects.filter(kind="complaint_sla_breach").count() == 1
    assert Ticket.objects.get(pk=ticket.pk).priority == "high"


@pytest.mark.django_db
def test_the_ticket_screens_sla_panel_shows_the_target_the_share_used_and_the_alerts(rf):
    calendar_seed(year=2027)
    team, _lead, agent = _desk()
    ticket = _open(team=team, agent=agent, when=at(3, 22, 9))
    request = rf.get("/")
    request.user = agent
    with time_machine.travel(at(3, 22, 12, 12), tick=False):
        sla_watch()
        context = sla_panel_context(request, ticket)
        html = render_to_string("admin/complaints/panels/sla.html", {**context, "ticket": ticket})
    assert context["sla_percent"] == 80 and context["sla_warned"] and not context["sla_breached"]
    assert context["sla_target_hours"] == 4 and not context["sla_from_policy"]
    assert [alert.stage for alert in context["sla_alerts"]] == ["warning"]
    assert 'value="80"' in html

    with time_machine.travel(at(3, 22, 12, 30), tick=False):
        complaint_transition(ticket=ticket, to=TicketStatus.WAITING_ON_CUSTOMER, by=agent)
    ticket.refresh_from_db()
    context = sla_panel_context(request, ticket)
    assert context["sla_paused"] and context["sla_percent"] is None


@pytest.mark.django_db
def test_the_queues_sla_filter_shows_breached_and_warned_tickets(rf):
    calendar_seed(year=2027)
    team, _lead, agent = _desk()
    late = _open(team=team, agent=agent, when=at(3, 22, 9))  # due 13:00
    close = _open(team=team, agent=agent, when=at(3, 22, 10))  # due 14:00; 80 % at 13:12
    calm = _open(team=team, agent=agent, when=at(3, 22, 13))  # due 17:00
    ticket_admin = admin.site._registry[Ticket]
    with time_machine.travel(at(3, 22, 13, 30), tick=False):
        sla_watch()
        shown = {}
        for value in ("breached", "warned"):
            request = rf.get("/", {"sla": value})
            request.user = agent
            sla = SlaFilter(request, {"sla": [value]}, Ticket, ticket_admin)
            shown[value] = set(sla.queryset(request, Ticket.objects.all()))
    assert shown == {"breached": {late}, "warned": {close}}
    assert calm not in shown["breached"] | shown["warned"]
