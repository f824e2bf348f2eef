"""The staff ticket screen: an agent sees the facts, the conversation (without another team's
internal notes), the history and the deadline; replies, notes, status changes, assignment and
reclassification go through the screen's forms with a message each; a refused change changes
nothing; permissions are enforced; the queue runs a constant number of queries."""

from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth.models import Permission
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from complaints import panels
from complaints.models import Ticket, TicketEvent, TicketMessage
from complaints.panels import TicketPanel, register_ticket_panel, unregister_ticket_panel
from complaints.services import complaint_note, complaint_reply
from complaints.states import TicketStatus
from crm.models import Team
from crm.notifications.models import Message
from shop.models import AuditEntry
from tests.complaints.desk_helpers import agent, guest_ticket
from tests.crm.staff_helpers import staff_groups  # noqa: F401
from tests.factories import StaffFactory
from tests.orders.conftest import _english  # noqa: F401  (pages asserted in English)

pytestmark = [pytest.mark.django_db, pytest.mark.postgres, pytest.mark.usefixtures("staff_groups")]

OTHER_TICKETS_TEMPLATE = "admin/complaints/panels/other_tickets.html"
# A Tuesday morning in working hours: the four-hour first-response target runs today.
TUESDAY = timezone.datetime(2027, 1, 12, 10, 0, tzinfo=timezone.get_fixed_timezone(180))


@pytest.fixture
def desk():
    delivery, payments = Team.objects.create(name="Kargo"), Team.objects.create(name="Ödeme")
    deniz = agent("deniz@example.com", delivery, first_name="Deniz", last_name="")
    ece = agent("ece@example.com", payments, first_name="Ece", last_name="")
    lead = agent("lead@example.com", delivery, group="Team lead", first_name="Leyla", last_name="")
    return {"delivery": delivery, "payments": payments, "deniz": deniz, "ece": ece, "lead": lead}


def _screen(ticket: Ticket) -> str:
    return reverse("admin:complaints_ticket_change", args=[ticket.pk])


def _url(name: str, ticket: Ticket) -> str:
    return reverse(f"admin:complaints_ticket_{name}", args=[ticket.pk])


def _said(response) -> str:
    """The message this request added (earlier ones wait, unread, in the session)."""
    return [str(message) for message in get_messages(response.wsgi_request)][-1]


@time_machine.travel(TUESDAY, tick=False)
def test_an_agent_sees_the_ticket_but_not_another_teams_notes_and_a_lead_sees_all(client, desk):
    ticket = guest_ticket()
    complaint_note(ticket=ticket, by=desk["ece"], body="Ödeme ekibinin notu")
    complaint_note(ticket=ticket, by=desk["deniz"], body="Kargo ekibinin notu")
    complaint_reply(ticket=ticket, by=desk["deniz"], body="Kargonuz yolda.")

    client.force_login(desk["deniz"])
    page = client.get(_screen(ticket)).content.decode()
    assert ticket.number in page and "Kargom gelmedi." in page and "Kargonuz yolda." in page
    assert "Kargo ekibinin notu" in page
    assert "Ödeme ekibinin notu" not in page
    assert "ayse@example.com" in page and "+905321234567" in page
    assert "due in" in page  # the resolution deadline, counted in working time
    assert "Late or missing delivery" in page

    client.force_login(desk["lead"])
    page = client.get(_screen(ticket)).content.decode()
    assert "Ödeme ekibinin notu" in page and "Kargo ekibinin notu" in page


def test_an_overdue_ticket_says_so(client, desk):
    with time_machine.travel(TUESDAY, tick=False):
        ticket = guest_ticket()
    with time_machine.travel(TUESDAY + timedelta(days=1), tick=False):
        client.force_login(desk["lead"])
        page = client.get(_screen(ticket)).content.decode()
        assert "overdue by" in page
        overdue = client.get(reverse("admin:complaints_ticket_changelist"), {"queue": "overdue"})
        assert ticket.number in overdue.content.decode()


@time_machine.travel(TUESDAY, tick=False)
def test_an_agent_replies_notes_and_moves_the_status_through_the_screen(
    client, desk, django_capture_on_commit_callbacks
):
    ticket = guest_ticket()
    client.force_login(desk["deniz"])

    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post(_url("reply", ticket), {"body": "Kargonuz yarın elinizde."})
    assert answer["Location"] == _screen(ticket)
    assert _said(answer) == "Your reply is on its way to the customer."
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.IN_PROGRESS and ticket.first_response_at is not None
    assert Message.objects.filter(kind="complaint_reply", recipient="ayse@example.com").exists()

    answer = client.post(_url("note", ticket), {"body": "Kargo firmasını aradım."})
    assert _said(answer) == "The note is saved."
    note = ticket.messages.get(kind=TicketMessage.Kind.NOTE)
    assert note.author == desk["deniz"] and note.team == desk["delivery"]

    answer = client.post(_url("status", ticket), {"to": "waiting_on_customer", "note": "Adres?"})
    assert _said(answer) == "The complaint is now “Waiting on the customer”."
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.WAITING_ON_CUSTOMER and ticket.due_at is None

    page = client.get(_screen(ticket)).content.decode()
    assert "Kargo firmasını aradım." in page and "Adres?" in page  # conversation and history


@time_machine.travel(TUESDAY, tick=False)
def test_a_status_the_table_refuses_shows_the_message_and_changes_nothing(client, desk):
    ticket = guest_ticket()
    client.force_login(desk["deniz"])
    page = client.get(_screen(ticket)).content.decode()
    assert 'value="closed"' not in page  # only the transitions allowed now are offered
    events = TicketEvent.objects.count()

    answer = client.post(_url("status", ticket), {"to": "closed"})  # a stale or forged form
    assert _said(answer) == "A complaint that is “New” cannot become “Closed”."
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.NEW and TicketEvent.objects.count() == events

    answer = client.post(_url("reply", ticket), {"body": "   "})  # an empty reply: the form says
    assert answer.status_code == 200 and "This field is required." in answer.content.decode()
    assert not ticket.messages.filter(kind=TicketMessage.Kind.REPLY).exists()


@time_machine.travel(TUESDAY, tick=False)
def test_agents_take_tickets_and_only_a_lead_reassigns_another_agents(client, desk):
    ticket = guest_ticket()
    deniz, ece, lead = desk["deniz"], desk["ece"], desk["lead"]

    client.force_login(deniz)
    answer = client.post(_url("assign", ticket), {"to": deniz.pk})
    assert _said(answer) == "The complaint is assigned to Deniz."
    ticket.refresh_from_db()
    assert ticket.assignee == deniz and ticket.team == desk["delivery"]

    client.force_login(ece)
    answer = client.post(_url("assign", ticket), {"to": ece.pk})
    assert _said(answer) == "Only a team lead can reassign a complaint another agent is working on."
    ticket.refresh_from_db()
    assert ticket.assignee == deniz

    client.force_login(lead)
    answer = client.post(_url("assign", ticket), {"to": ece.pk, "team": desk["payments"].pk})
    assert _said(answer) == "The complaint is assigned to Ece."
    ticket.refresh_from_db()
    assert ticket.assignee == ece and ticket.team == desk["payments"]
    assert ticket.events.filter(kind="assigned", actor=lead).exists()
    assert AuditEntry.objects.filter(action="complaint.assign", actor=lead).exists()

    answer = client.post(_url("assign", ticket), {"to": deniz.pk, "team": desk["payments"].pk})
    assert _said(answer) == "Deniz is not a member of Ödeme."
    answer = client.post(_url("assign", ticket), {})
    assert "Choose an agent or a team." in answer.content.decode()
    ticket.refresh_from_db()
    assert ticket.assignee == ece


@time_machine.travel(TUESDAY, tick=False)
def test_priority_and_category_change_move_the_deadline_and_are_logged(client, desk):
    ticket = guest_ticket()
    normal_due = ticket.due_at
    client.force_login(desk["deniz"])
    answer = client.post(
        _url("reclassify", ticket),
        {"priority": "urgent", "category": "wrong_or_damaged", "note": "Kırık ürün"},
    )
    assert _said(answer) == "Priority and category are saved."
    ticket.refresh_from_db()
    assert ticket.priority == "urgent" and ticket.category == "wrong_or_damaged"
    assert ticket.due_at == TUESDAY + timedelta(hours=1) < normal_due
    assert {event.kind for event in ticket.events.all()} >= {"priority", "category"}
    assert AuditEntry.objects.filter(action="complaint.reclassify").count() == 1


def test_without_the_permissions_the_screen_and_its_forms_refuse(client, desk):
    ticket = guest_ticket()
    stranger = StaffFactory(is_superuser=False, email="x@example.com")
    client.force_login(stranger)
    assert client.get(_screen(ticket)).status_code == 403

    viewer = StaffFactory(is_superuser=False, email="viewer@example.com")
    viewer.user_permissions.add(Permission.objects.get(codename="view_ticket"))
    client.force_login(viewer)
    page = client.get(_screen(ticket))
    assert page.status_code == 200 and "Send the reply" not in page.content.decode()
    before = (TicketMessage.objects.count(), TicketEvent.objects.count())
    for name, data in [
        ("reply", {"body": "x"}),
        ("note", {"body": "x"}),
        ("status", {"to": "resolved"}),
        ("assign", {"to": viewer.pk}),
        ("reclassify", {"priority": "urgent", "category": "other"}),
    ]:
        assert client.post(_url(name, ticket), data).status_code == 403, name
    assert client.get(reverse("admin:complaints_ticket_intake")).status_code == 403
    assert (TicketMessage.objects.count(), TicketEvent.objects.count()) == before
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.NEW and ticket.assignee is None


def test_the_queues_filter_and_only_leads_get_the_overdue_queue(client, desk):
    deniz = desk["deniz"]
    mine, teams, loose = guest_ticket(), guest_ticket(), guest_ticket()
    Ticket.objects.filter(pk=mine.pk).update(assignee=deniz, team=desk["delivery"])
    Ticket.objects.filter(pk=teams.pk).update(team=desk["delivery"], assignee=desk["lead"])
    changelist = reverse("admin:complaints_ticket_changelist")
    client.force_login(deniz)

    def shown(queue: str) -> set[str]:
        page = client.get(changelist, {"queue": queue}).content.decode()
        return {t.number for t in (mine, teams, loose) if t.number in page}

    assert shown("mine") == {mine.number}
    assert shown("team") == {mine.number, teams.number}
    assert shown("unassigned") == {loose.number}
    assert "queue=overdue" not in client.get(changelist).content.decode()
    client.force_login(desk["lead"])
    assert "queue=overdue" in client.get(changelist).content.decode()


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


def test_the_queue_and_the_screen_run_a_constant_number_of_queries(
    client, desk, django_assert_max_num_queries, monkeypatch
):
    # The screen's own queries (and the desk's own panel): other parts' panels pin theirs.
    monkeypatch.setattr(panels, "_panels", {"other_tickets": panels._panels["other_tickets"]})
    deniz = desk["deniz"]
    client.force_login(deniz)
    changelist = reverse("admin:complaints_ticket_changelist")
    first = guest_ticket()
    Ticket.objects.update(assignee=deniz, team=desk["delivery"])
    complaint_note(ticket=first, by=deniz, body="not")
    client.get(changelist)  # the site's once-per-process reads (the menu's categories)
    few_list, few_screen = _queries(client, changelist), _queries(client, _screen(first))
    for number in range(6):
        ticket = guest_ticket(contact_email=f"m{number}@example.com")
        complaint_note(ticket=first, by=desk["ece"], body=f"not {number}")
        complaint_reply(ticket=first, by=deniz, body=f"yanıt {number}")
    Ticket.objects.update(assignee=deniz, team=desk["delivery"])
    assert _queries(client, changelist) == few_list
    assert _queries(client, _screen(first)) == few_screen
    with django_assert_max_num_queries(16):
        client.get(changelist, {"queue": "mine"})
    with django_assert_max_num_queries(22):
        client.get(_screen(ticket))


def test_the_screen_renders_the_registered_panels_with_their_context(client, desk):
    first = guest_ticket(subject="İlk şikâyet")
    ticket = guest_ticket()
    lonely = guest_ticket(contact_email="baska@example.com")
    client.force_login(desk["deniz"])

    page = client.get(_screen(ticket)).content.decode()
    assert "Other complaints of this customer" in page  # the desk's own panel
    assert first.number in page and "İlk şikâyet" in page
    assert "Other complaints of this customer" not in client.get(_screen(lonely)).content.decode()

    seen = []

    def probe(request, shown):
        seen.append((request.user, shown.pk))
        return {"others": [lonely]} if shown.pk == ticket.pk else None

    register_ticket_panel(TicketPanel("probe", OTHER_TICKETS_TEMPLATE, probe, order=1))
    try:
        page = client.get(_screen(ticket)).content.decode()
        assert lonely.number in page  # the panel's own context reached its template
        assert seen == [(desk["deniz"], ticket.pk)]
        assert lonely.number not in client.get(_screen(first)).content.decode()  # None: no panel
    finally:
        unregister_ticket_panel("probe")


def test_the_screen_speaks_turkish(client, desk):
    ticket = guest_ticket()
    client.force_login(desk["deniz"])
    with translation.override("tr"):
        page = client.get(_screen(ticket)).content.decode()
        queue = client.get(reverse("admin:complaints_ticket_changelist")).content.decode()
    assert "Müşteriye yanıt" in page and "Yanıtı gönder" in page and "Atama" in page
    assert "Benim" in queue and "Atanmamış" in queue
