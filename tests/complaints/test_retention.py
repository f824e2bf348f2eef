"""Retention: a closed ticket's photos go after COMPLAINTS_ATTACHMENT_RETENTION_DAYS and its
personal details after COMPLAINTS_RETENTION_DAYS; its figures stay for reports; open tickets
and recently closed ones are untouched; the job run twice changes nothing more."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from complaints.models import Ticket, TicketAttachment
from complaints.services import complaint_open, complaint_reply, complaint_transition
from complaints.services.attachments import photos_checked, ticket_attachments_add
from complaints.services.retention import complaints_retention_sweep, retention_placeholder
from complaints.states import Category, Channel, TicketStatus
from crm.notifications.models import Message
from tests.factories import StaffFactory, UserFactory

from .inbound_helpers import png_bytes

pytestmark = pytest.mark.django_db
OPENED = datetime(2027, 1, 4, 9, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def private_root(settings, tmp_path):
    settings.COMPLAINTS_ATTACHMENTS_ROOT = str(tmp_path / "private-complaints")
    settings.COMPLAINTS_RETENTION_DAYS = 730
    settings.COMPLAINTS_ATTACHMENT_RETENTION_DAYS = 365


def _closed_ticket(customer, *, closed_on: datetime) -> Ticket:
    with time_machine.travel(OPENED, tick=False):
        ticket = complaint_open(
            channel=Channel.EMAIL,
            category=Category.WRONG_OR_DAMAGED,
            description="Ayşe Yılmaz, Bağdat Cad. 5: kupa kırık geldi.",
            subject="Kırık kupa — Ayşe",
            customer=customer,
            contact_phone="+905321234567",
        )
        photo = SimpleUploadedFile("kupa.png", png_bytes(), "image/png")
        ticket_attachments_add(
            ticket=ticket, message=ticket.messages.get(), photos=photos_checked([photo])
        )
        complaint_reply(ticket=ticket, by=StaffFactory(), body="Merhaba Ayşe Hanım, yenisi yolda.")
        complaint_transition(ticket=ticket, to=TicketStatus.RESOLVED)
    with time_machine.travel(closed_on, tick=False):
        return complaint_transition(ticket=ticket, to=TicketStatus.CLOSED)


def test_photos_then_personal_details_go_and_the_figures_stay():
    ayse = UserFactory(first_name="Ayşe", email="ayse@example.com")
    closed_on = datetime(2027, 1, 20, 9, 0, tzinfo=UTC)
    ticket = _closed_ticket(ayse, closed_on=closed_on)
    still_open = complaint_open(
        channel=Channel.WEB, category=Category.OTHER, description="Açık.", customer=ayse
    )
    photo_file = ticket.attachments.get().file
    assert photo_file.storage.exists(photo_file.name)

    with time_machine.travel(closed_on + timedelta(days=364), tick=False):
        assert complaints_retention_sweep().attachments_removed == 0

    with time_machine.travel(closed_on + timedelta(days=366), tick=False):
        run = complaints_retention_sweep()
    assert (run.attachments_removed, run.tickets_anonymised) == (1, 0)
    assert not TicketAttachment.objects.exists()
    assert not photo_file.storage.exists(photo_file.name)
    ticket.refresh_from_db()
    assert ticket.contact_email == "ayse@example.com" and ticket.anonymised_at is None

    later = closed_on + timedelta(days=731)
    with time_machine.travel(later, tick=False):
        run = complaints_retention_sweep()
        again = complaints_retention_sweep()
    assert run.tickets_anonymised == 1
    assert (again.attachments_removed, again.tickets_anonymised) == (0, 0)

    ticket.refresh_from_db()
    assert ticket.customer is None
    assert (ticket.contact_name, ticket.contact_email, ticket.contact_phone) == ("", "", "")
    with translation.override("tr"):
        assert ticket.subject == str(Category.WRONG_OR_DAMAGED.label)  # no longer her words
    assert ticket.anonymised_at == later
    assert set(ticket.messages.values_list("body", flat=True)) == {retention_placeholder()}
    assert not ticket.messages.filter(author=ayse).exists()
    assert not ticket.events.exclude(note="").exists()
    sent = Message.objects.filter(subject_type="complaint", subject_id=str(ticket.pk))
    assert set(sent.values_list("kind", flat=True)) == {"complaint_reply", "complaint_satisfaction"}
    for message in sent:
        assert message.recipient == "" and "Ayşe" not in message.body_text
    # The figures stay for the reports.
    assert (ticket.category, ticket.channel, ticket.status, ticket.priority) == (
        Category.WRONG_OR_DAMAGED,
        Channel.EMAIL,
        TicketStatus.CLOSED,
        "normal",
    )
    assert ticket.created_at == OPENED and ticket.closed_at == closed_on
    assert ticket.first_response_at == OPENED and ticket.resolved_at == OPENED
    assert ticket.events.filter(kind="anonymised").count() == 1
    # An open ticket keeps everything.
    still_open.refresh_from_db()
    assert still_open.customer == ayse and still_open.anonymised_at is None


def test_the_periodic_task_runs_the_sweep():
    from complaints.retention.tasks import retention_sweep

    ticket = _closed_ticket(UserFactory(), closed_on=datetime(2027, 2, 1, tzinfo=UTC))
    with time_machine.travel(datetime(2029, 3, 1, tzinfo=UTC), tick=False):
        assert retention_sweep.delay().get() == {"attachments": 1, "tickets": 1}
    ticket.refresh_from_db()
    assert ticket.contact_email == ""
