"""After the desk's answer: a customer may reopen a resolved complaint for COMPLAINTS_REOPEN_DAYS
(14) from "My complaints" or the guest's link; after that the button is gone, a post is refused
and the sweep closes the ticket. A ticket waiting on the customer gets one reminder after
COMPLAINTS_WAITING_REMINDER_DAYS (3) and is resolved after COMPLAINTS_WAITING_RESOLVE_DAYS (7).
Each sweep is safe to run twice."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import translation

from complaints.exceptions import ComplaintRefused
from complaints.links import ticket_url
from complaints.models import Ticket, TicketEvent
from complaints.services import (
    complaint_customer_message,
    complaint_open,
    complaint_transition,
)
from complaints.states import Category, Channel, TicketStatus
from complaints.tasks import complaint_lifecycle
from crm.notifications.models import Message
from tests.factories import StaffFactory, UserFactory

pytestmark = pytest.mark.django_db
IST = ZoneInfo("Europe/Istanbul")
START = datetime(2027, 3, 22, 10, 0, tzinfo=IST)  # a Monday


def day(n: float) -> datetime:
    return START + timedelta(days=n)


def _ticket(customer=None, status: str = TicketStatus.RESOLVED) -> Ticket:
    agent = StaffFactory()
    with time_machine.travel(START, tick=False):
        ticket = complaint_open(
            channel=Channel.WEB,
            category=Category.WRONG_OR_DAMAGED,
            description="Kupa kırık geldi.",
            customer=customer,
            contact_email="" if customer else "misafir@example.com",
            by=agent,
        )
        complaint_transition(ticket=ticket, to=status, by=agent)
    ticket.refresh_from_db()
    return ticket


def _sweep(when: datetime, capture) -> dict[str, int]:
    with time_machine.travel(when, tick=False), capture(execute=True):
        return complaint_lifecycle.apply().get()


def test_the_customer_reopens_within_the_period_from_my_complaints(client):
    ayse = UserFactory(verified=True, language="en")
    ticket = _ticket(ayse)
    page_url = reverse("complaints:detail", args=[ticket.number])
    with time_machine.travel(day(13), tick=False):
        client.force_login(ayse)
        page = client.get(page_url).content.decode()
        assert 'id="complaint-reopen"' in page
        answer = client.post(reverse("complaints:reopen", args=[ticket.number]), follow=True)
    assert answer.redirect_chain[-1][0] == page_url
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.IN_PROGRESS and ticket.resolved_at is None
    assert ticket.events.filter(kind="reopened").get().actor == ayse


def test_after_the_period_the_button_is_gone_and_a_reopen_or_a_message_is_refused(client):
    ayse = UserFactory(verified=True, language="en")
    ticket = _ticket(ayse)
    with time_machine.travel(day(14.5), tick=False), translation.override("en"):
        client.force_login(ayse)
        page = client.get(reverse("complaints:detail", args=[ticket.number])).content.decode()
        assert 'id="complaint-reopen"' not in page and 'id="complaint-reply"' not in page
        answer = client.post(reverse("complaints:reopen", args=[ticket.number]), follow=True)
        assert "can be reopened within 14 days" in answer.content.decode()
        with pytest.raises(ComplaintRefused, match="within 14 days"):
            complaint_customer_message(ticket=ticket, body="Hâlâ kırık.", by=ayse)
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.RESOLVED
    assert ticket.messages.count() == 1


def test_a_guest_reopens_from_the_signed_link_and_another_customer_cannot(client):
    ticket = _ticket()
    with time_machine.travel(day(2), tick=False):
        page = client.get(ticket_url(ticket=ticket)).content.decode()
        assert 'id="complaint-reopen"' in page
        intruder = UserFactory(verified=True)
        client.force_login(intruder)
        refused = client.post(reverse("complaints:reopen", args=[ticket.number]))
        assert refused.status_code == 404
        client.logout()
        link = ticket_url(ticket=ticket).rstrip("/") + "/reopen/"
        assert client.post(link).status_code == 302
        assert client.post(link.replace("/t/", "/t/x")).status_code == 404
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.IN_PROGRESS


def test_the_sweep_closes_a_resolved_ticket_after_the_reopen_period_once(
    django_capture_on_commit_callbacks,
):
    ticket = _ticket()
    assert _sweep(day(13.9), django_capture_on_commit_callbacks)["closed"] == 0
    assert _sweep(day(14), django_capture_on_commit_callbacks)["closed"] == 1
    assert _sweep(day(14.1), django_capture_on_commit_callbacks)["closed"] == 0
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.CLOSED and ticket.closed_at == day(14)
    assert TicketEvent.objects.filter(ticket=ticket, to_status="closed").count() == 1


def test_a_silent_customer_is_reminded_once_then_the_ticket_is_resolved(
    django_capture_on_commit_callbacks,
):
    ayse = UserFactory(verified=True, language="en", email="ayse@example.com")
    ticket = _ticket(ayse, status=TicketStatus.WAITING_ON_CUSTOMER)
    assert _sweep(day(2.9), django_capture_on_commit_callbacks)["reminded"] == 0
    assert _sweep(day(3), django_capture_on_commit_callbacks)["reminded"] == 1
    assert _sweep(day(3.2), django_capture_on_commit_callbacks)["reminded"] == 0
    reminders = [m for m in mail.outbox if "waiting for your answer" in m.subject]
    assert len(reminders) == 1 and reminders[0].to == ["ayse@example.com"]
    assert ticket.number in reminders[0].subject and "March 29, 2027" in reminders[0].body

    assert _sweep(day(6.9), django_capture_on_commit_callbacks)["resolved"] == 0
    assert _sweep(day(7), django_capture_on_commit_callbacks) == {
        "closed": 0,
        "reminded": 0,
        "resolved": 1,
    }
    assert _sweep(day(7.5), django_capture_on_commit_callbacks)["resolved"] == 0
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.RESOLVED
    resolved = TicketEvent.objects.get(ticket=ticket, to_status="resolved")
    assert "7" in resolved.note
    assert Message.objects.filter(kind="complaint_waiting_reminder").count() == 1


def test_each_wait_gets_its_own_reminder(django_capture_on_commit_callbacks):
    ticket = _ticket(status=TicketStatus.WAITING_ON_CUSTOMER)
    assert _sweep(day(3), django_capture_on_commit_callbacks)["reminded"] == 1
    with time_machine.travel(day(4), tick=False):
        complaint_customer_message(ticket=ticket, body="Fotoğraf ekledim.")
        complaint_transition(ticket=ticket, to=TicketStatus.WAITING_ON_CUSTOMER)
    assert _sweep(day(6.5), django_capture_on_commit_callbacks)["reminded"] == 0
    assert _sweep(day(7), django_capture_on_commit_callbacks) == {
        "closed": 0,
        "reminded": 1,
        "resolved": 0,
    }
    assert Message.objects.filter(kind="complaint_waiting_reminder").count() == 2
