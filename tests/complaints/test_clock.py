"""The ticket's deadline as the door keeps it: the first-response target from the opening, the
resolution target once answered, stopped while the desk waits on the customer and pushed back
by that wait — in the shop's working time, across a bayram with its half-day eve (2027's
Ramazan Bayramı: eve Monday 8 March until 13:00, bayram 9–11 March)."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from complaints.services import (
    complaint_customer_message,
    complaint_open,
    complaint_reply,
    complaint_transition,
)
from complaints.states import Category, Channel, TicketStatus
from shop.services import calendar_seed
from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db
IST = ZoneInfo("Europe/Istanbul")


def at(day: int, hour: int) -> datetime:
    return datetime(2027, 3, day, hour, tzinfo=IST)


def test_the_deadline_follows_the_answer_the_wait_and_the_bayram():
    calendar_seed(year=2027)
    agent = StaffFactory()
    with time_machine.travel(at(4, 16), tick=False):  # Thursday 16:00
        ticket = complaint_open(
            channel=Channel.PHONE,
            category=Category.LATE_OR_MISSING,
            description="Kargo gelmedi.",
            contact_email="misafir@example.com",
            priority="normal",
            by=agent,
        )
    assert ticket.due_at == at(5, 11)  # first response: 4 working hours → Friday 11:00

    with time_machine.travel(at(5, 10), tick=False):
        complaint_reply(ticket=ticket, by=agent, body="Bakıyoruz.")
    ticket.refresh_from_db()
    # Resolution: 27 working hours from Thursday 16:00 — Thu 2 h, Fri 9 h, the eve 4 h, the
    # bayram none, Fri 12 March 9 h, then 3 h on Monday 15 March.
    assert ticket.due_at == at(15, 12)

    with time_machine.travel(at(5, 12), tick=False):
        ticket = complaint_transition(ticket=ticket, to=TicketStatus.WAITING_ON_CUSTOMER, by=agent)
    assert ticket.due_at is None  # the clock stands while the desk waits on the customer

    with time_machine.travel(at(15, 9), tick=False):
        complaint_customer_message(ticket=ticket, body="Hâlâ gelmedi.")
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.IN_PROGRESS
    # 5 working hours ran before the wait; the other 22 from Monday 15 March 09:00.
    assert ticket.due_at == at(17, 13)

    with time_machine.travel(at(16, 9), tick=False):
        ticket = complaint_transition(ticket=ticket, to=TicketStatus.RESOLVED, by=agent)
    assert ticket.due_at is None
