"""The ticket's core: opened from any channel and tied to the customer and the order, changed
only through its door (the table in states.py), answered in public (the customer is told) or
noted internally, and shown on the customer 360."""

import pytest
from django.contrib.auth.models import Permission
from django.core import mail
from django.urls import reverse
from django.utils import translation

from complaints.exceptions import ComplaintRefused, InvalidTicketTransition
from complaints.models import Ticket, TicketEvent, TicketMessage
from complaints.services import (
    complaint_note,
    complaint_open,
    complaint_reply,
    complaint_transition,
)
from complaints.states import TRANSITIONS, Category, Channel, TicketStatus
from crm.notifications.models import Message
from tests.factories import StaffFactory, UserFactory
from tests.orders.helpers import cart_with, place, shipping_setup, stocked_variant

pytestmark = pytest.mark.django_db


def _order_of(customer):
    shipping_setup()
    return place(cart_with((stocked_variant(), 2), (stocked_variant(), 1), user=customer))


def test_a_guest_by_phone_is_matched_to_her_account_and_the_ticket_holds_the_order_lines():
    ayse = UserFactory(phone="+905321234567", first_name="Ayşe", verified=True)
    UserFactory(phone="+905329999999")
    order = _order_of(ayse)
    damaged = order.lines.order_by("pk").first()
    ticket = complaint_open(
        channel=Channel.PHONE,
        category=Category.WRONG_OR_DAMAGED,
        description="Kupa kırık geldi.",
        contact_phone="0532 123 45 67",
        order=order,
        order_lines=[damaged],
        desired_outcome="replacement",
        by=StaffFactory(phone=""),
    )
    assert ticket.customer == ayse
    assert ticket.number.startswith("SK-") and ticket.status == TicketStatus.NEW
    assert list(ticket.lines.values_list("order_line", flat=True)) == [damaged.pk]
    assert ticket.messages.get().body == "Kupa kırık geldi."
    assert ticket.subject == str(Category.WRONG_OR_DAMAGED.label)  # no subject given: the category
    assert ticket.events.get().kind == "opened"


@pytest.mark.parametrize(
    ("fields", "error"),
    [
        ({"category": "bogus"}, "Choose what the complaint is about."),
        ({"description": "   "}, "Tell us what happened."),
        ({"contact_email": "not-an-email"}, "Enter a valid email address."),
        ({"contact_email": ""}, "Give an email address or a phone number to reach you."),
        ({"contact_phone": "12"}, "phone number"),
    ],
)
def test_bad_input_is_refused_with_a_clear_message_and_writes_nothing(fields, error):
    data = {
        "channel": Channel.WEB,
        "category": Category.LATE_OR_MISSING,
        "description": "Kargo gelmedi.",
        "contact_email": "misafir@example.com",
        **fields,
    }
    with translation.override("en"), pytest.raises(ComplaintRefused, match=error):
        complaint_open(**data)
    assert not Ticket.objects.exists() and not TicketMessage.objects.exists()


def test_lines_of_another_order_are_refused():
    customer = UserFactory(verified=True)
    order, other = _order_of(customer), _order_of(customer)
    with pytest.raises(ComplaintRefused):
        complaint_open(
            channel=Channel.WEB,
            category=Category.WRONG_OR_DAMAGED,
            description="x",
            customer=customer,
            order=order,
            order_lines=[other.lines.first()],
        )
    assert not Ticket.objects.exists()


def _ticket(**fields):
    return complaint_open(
        channel=Channel.WEB,
        category=Category.LATE_OR_MISSING,
        description="Kargo gelmedi.",
        contact_email="misafir@example.com",
        **fields,
    )


def test_the_door_follows_the_table_writes_history_and_a_resolved_ticket_reopens():
    staff = StaffFactory()
    ticket = _ticket()
    for status, allowed in TRANSITIONS.items():
        assert status not in allowed  # no self-loops: the door treats those as "no change"
    with translation.override("en"), pytest.raises(InvalidTicketTransition, match="cannot become"):
        complaint_transition(ticket=ticket, to=TicketStatus.CLOSED, by=staff)
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.NEW and ticket.events.count() == 1

    ticket = complaint_transition(ticket=ticket, to=TicketStatus.RESOLVED, by=staff)
    assert ticket.resolved_at is not None
    ticket = complaint_transition(ticket=ticket, to=TicketStatus.IN_PROGRESS, by=staff)
    assert ticket.resolved_at is None
    assert complaint_transition(ticket=ticket, to=TicketStatus.IN_PROGRESS, by=staff) == ticket
    kinds = list(ticket.events.values_list("kind", "from_status", "to_status"))
    assert kinds == [
        ("opened", "", "new"),
        ("status", "new", "resolved"),
        ("reopened", "resolved", "in_progress"),
    ]


def test_a_reply_reaches_the_customer_once_and_stamps_the_first_response(
    django_capture_on_commit_callbacks,
):
    agent = StaffFactory()
    ticket = _ticket(contact_name="Ayşe Yılmaz", language="tr")
    with django_capture_on_commit_callbacks(execute=True):
        complaint_reply(ticket=ticket, by=agent, body="Kargonuz yarın teslim edilecek.")
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.IN_PROGRESS
    assert ticket.first_response_at is not None
    [email] = mail.outbox
    assert email.to == ["misafir@example.com"]
    assert ticket.number in email.subject
    assert "Kargonuz yarın teslim edilecek." in email.body
    assert Message.objects.filter(subject_type="complaint", subject_id=str(ticket.pk)).count() == 1

    with pytest.raises(ComplaintRefused):
        complaint_reply(ticket=ticket, by=agent, body="  ")


def test_an_internal_note_is_kept_off_the_customers_conversation():
    agent = StaffFactory()
    ticket = _ticket()
    note = complaint_note(ticket=ticket, by=agent, body="Kargo firmasını aradım.")
    assert not note.is_public
    assert not Message.objects.exists()
    assert TicketEvent.objects.filter(ticket=ticket, kind="note").exists()


def test_the_customer_360_lists_her_tickets(client):
    ayse = UserFactory()
    ticket = _ticket(customer=ayse)
    agent = StaffFactory(is_superuser=False)
    agent.user_permissions.add(Permission.objects.get(codename="view_customer360"))
    client.force_login(agent)
    page = client.get(reverse("admin:crm_customer360", args=[ayse.pk]))
    assert page.status_code == 200
    assert ticket.number in page.content.decode()


def test_a_reply_also_tells_a_customer_with_a_mobile_number_by_sms(
    django_capture_on_commit_callbacks,
):
    ticket = _ticket(contact_phone="0532 123 45 67")
    with django_capture_on_commit_callbacks(execute=True):
        complaint_reply(ticket=ticket, by=StaffFactory(), body="Kargonuz yarın teslim edilecek.")
    sent = Message.objects.filter(kind="complaint_reply")
    assert set(sent.values_list("channel", "recipient")) == {
        ("email", "misafir@example.com"),
        ("sms", "+905321234567"),
    }
    sms = sent.get(channel="sms")
    assert ticket.number in sms.body_text and "Kargonuz" not in sms.body_text
