"""SLA policies per category × priority: the deadline the door keeps reads the policy of the
ticket's category and priority (else the per-priority defaults in settings). Due times are
counted by hand on the 2027 calendar (09:00–18:00 Monday to Friday in Istanbul; Ramazan
Bayramı 9–11 March with its eve, Monday 8 March, closing at 13:00)."""

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib import admin
from django.urls import reverse
from django.utils import translation

from complaints.models import SlaPolicy, Ticket
from complaints.services import (
    complaint_customer_message,
    complaint_open,
    complaint_reply,
    complaint_transition,
    sla_target_hours,
    ticket_clock_update,
)
from complaints.states import Category, Channel, TicketStatus
from shop.models import AuditEntry
from shop.services import calendar_seed
from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db
IST = ZoneInfo("Europe/Istanbul")


def at(month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2027, month, day, hour, minute, tzinfo=IST)


@pytest.fixture(autouse=True)
def calendar_2027():
    calendar_seed(year=2027)


def _policy(category: str, priority: str, first: str, resolution: str) -> SlaPolicy:
    return SlaPolicy.objects.create(
        category=category,
        priority=priority,
        first_response_hours=Decimal(first),
        resolution_hours=Decimal(resolution),
    )


def _open(category: str, priority: str, agent) -> Ticket:
    return complaint_open(
        channel=Channel.PHONE,
        category=category,
        description="Bir sorun var.",
        contact_email="misafir@example.com",
        priority=priority,
        by=agent,
    )


def test_a_pair_without_a_policy_takes_the_priority_defaults_and_one_with_it_its_own():
    _policy(Category.PAYMENT, "normal", "1.5", "6")
    assert sla_target_hours(category=Category.PAYMENT, priority="normal") == (
        Decimal("1.5"),
        Decimal("6"),
    )
    assert sla_target_hours(category=Category.OTHER, priority="normal") == (
        Decimal("4"),
        Decimal("27"),
    )


def test_opened_on_the_bayram_eve_at_half_past_twelve():
    _policy(Category.WRONG_OR_DAMAGED, "normal", "1.5", "6")
    agent = StaffFactory()
    with time_machine.travel(at(3, 8, 12, 30), tick=False):  # the eve, Monday, open until 13:00
        ticket = _open(Category.WRONG_OR_DAMAGED, "normal", agent)
    # 1.5 h: half an hour on the eve, the bayram (Tue–Thu) none, one hour on Friday 12 March.
    assert ticket.due_at == at(3, 12, 10)

    with time_machine.travel(at(3, 12, 9, 30), tick=False):
        complaint_reply(ticket=ticket, by=agent, body="İnceliyoruz.")
    ticket.refresh_from_db()
    # 6 h from the opening: half an hour on the eve, then 5.5 h on Friday from 09:00.
    assert ticket.due_at == at(3, 12, 14, 30)


def test_opened_on_a_friday_afternoon_across_the_weekend():
    _policy(Category.LATE_OR_MISSING, "high", "3", "10.5")
    agent = StaffFactory()
    with time_machine.travel(at(3, 19, 16), tick=False):  # Friday 19 March 16:00
        ticket = _open(Category.LATE_OR_MISSING, "high", agent)
    # 3 h: two on Friday (16–18), the weekend none, one on Monday 22 March.
    assert ticket.due_at == at(3, 22, 10)

    with time_machine.travel(at(3, 22, 9, 15), tick=False):
        complaint_reply(ticket=ticket, by=agent, body="Kargoya soruyoruz.")
    ticket.refresh_from_db()
    # 10.5 h: two on Friday, then 8.5 h on Monday from 09:00.
    assert ticket.due_at == at(3, 22, 17, 30)


def test_paused_while_waiting_on_the_customer():
    _policy(Category.PAYMENT, "low", "2", "12")
    agent = StaffFactory()
    with time_machine.travel(at(3, 23, 10), tick=False):  # Tuesday 23 March 10:00
        ticket = _open(Category.PAYMENT, "low", agent)
    assert ticket.due_at == at(3, 23, 12)  # 2 h first response

    with time_machine.travel(at(3, 23, 11), tick=False):
        complaint_reply(ticket=ticket, by=agent, body="Dekontu gönderir misiniz?")
    ticket.refresh_from_db()
    # 12 h: eight on Tuesday (10–18), four on Wednesday.
    assert ticket.due_at == at(3, 24, 13)

    with time_machine.travel(at(3, 23, 14), tick=False):  # four working hours used
        ticket = complaint_transition(ticket=ticket, to=TicketStatus.WAITING_ON_CUSTOMER, by=agent)
    assert ticket.due_at is None

    with time_machine.travel(at(3, 25, 11), tick=False):  # Thursday 11:00 the customer answers
        complaint_customer_message(ticket=ticket, body="Dekont ekte.")
    ticket.refresh_from_db()
    # The other 8 h: seven on Thursday (11–18), one on Friday 26 March.
    assert ticket.due_at == at(3, 26, 10)


def test_a_new_priority_or_a_changed_policy_moves_the_deadline():
    agent = StaffFactory()
    with time_machine.travel(at(3, 22, 9), tick=False):  # Monday 09:00
        ticket = _open(Category.STOCK, "normal", agent)
        assert ticket.due_at == at(3, 22, 13)  # the default 4 h

        Ticket.objects.filter(pk=ticket.pk).update(priority="urgent")
        ticket.refresh_from_db()
        ticket_clock_update(ticket)  # whoever changes the priority recomputes the clock
        assert ticket.due_at == at(3, 22, 10)

        policy = SlaPolicy(
            category=Category.STOCK,
            priority="urgent",
            first_response_hours=Decimal("0.5"),
            resolution_hours=Decimal("4"),
        )
        model_admin = admin.site._registry[SlaPolicy]
        request = type("Request", (), {"user": agent})()
        model_admin.save_model(request, policy, None, change=False)
    ticket.refresh_from_db()
    assert ticket.due_at == at(3, 22, 9, 30)
    entry = AuditEntry.objects.get(action="complaint.sla_policy_add")
    assert entry.actor == agent and entry.details["tickets_reclocked"] == 1


def test_a_complaint_manager_edits_policies_in_the_admin(client):
    manager = StaffFactory()
    with time_machine.travel(at(3, 22, 9), tick=False):
        client.force_login(manager)
        ticket = _open(Category.OTHER, "normal", manager)
        answer = client.post(
            reverse("admin:complaints_slapolicy_add"),
            {
                "category": Category.OTHER,
                "priority": "normal",
                "first_response_hours": "2",
                "resolution_hours": "8",
            },
        )
        assert answer.status_code == 302
        ticket.refresh_from_db()
        assert ticket.due_at == at(3, 22, 11)
        again = client.post(
            reverse("admin:complaints_slapolicy_add"),
            {
                "category": Category.OTHER,
                "priority": "normal",
                "first_response_hours": "0",
                "resolution_hours": "8",
            },
        )
    assert again.status_code == 200  # the form again: a duplicate pair, a target of 0 h
    with time_machine.travel(at(3, 22, 9), tick=False), translation.override("en"):
        shorter = client.post(
            reverse("admin:complaints_slapolicy_add"),
            {
                "category": Category.PAYMENT,
                "priority": "normal",
                "first_response_hours": "5",
                "resolution_hours": "4",
            },
        )
    assert "cannot be shorter than the first response" in shorter.content.decode()
    assert SlaPolicy.objects.count() == 1
