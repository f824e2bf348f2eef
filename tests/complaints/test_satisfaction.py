"""The satisfaction survey after a complaint is resolved: the email's score links, the signed
page, an unhappy answer reopening the ticket and telling the lead, one reminder, and a new
survey for each resolution."""

import re
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import translation

from complaints.exceptions import ComplaintRefused
from complaints.links import ticket_link_token
from complaints.models import SatisfactionSurvey, TicketEvent
from complaints.services import (
    complaint_open,
    complaint_transition,
    satisfaction_answer,
    satisfaction_reminders_send,
)
from complaints.states import Category, Channel, TicketStatus
from crm.models import Team
from crm.notifications.models import Message, Status
from shop.background import task_named
from tests.conftest import wait_until
from tests.factories import StaffFactory, UserFactory

pytestmark = pytest.mark.django_db

START = datetime(2027, 2, 8, 9, 0, tzinfo=UTC)  # a Monday


def _resolved(*, lead=None, **fields):
    fields.setdefault("contact_email", "misafir@example.com")
    ticket = complaint_open(
        channel=Channel.WEB,
        category=Category.WRONG_OR_DAMAGED,
        description="Kırık geldi.",
        **fields,
    )
    if lead is not None:
        team = Team.objects.create(name=f"Masa {ticket.pk}", lead=lead)
        ticket.team = team
        ticket.save(update_fields=["team"])
    complaint_transition(ticket=ticket, to=TicketStatus.RESOLVED, by=StaffFactory())
    ticket.refresh_from_db()
    return ticket


def _survey_path(email) -> str:
    """The page's path from the email's "5" link (the link as the customer clicks it)."""
    url = re.search(r"(http\S+/complaints/survey/\S+/)\?score=5", email.body).group(1)
    return urlsplit(url).path


def test_resolving_sends_one_survey_whose_score_link_opens_the_page_with_that_score(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        ticket = _resolved(customer=UserFactory(email="ayse@example.com", language="en"))
    [email] = mail.outbox
    assert email.to == ["ayse@example.com"]
    assert email.subject == f"How did we do with your complaint {ticket.number}?"
    for score in "12345":
        assert f"?score={score}" in email.body
    path = _survey_path(email)

    page = client.get(f"{path}?score=4")
    assert page.status_code == 200
    html = page.content.decode()
    assert re.search(r'value="4"[^>]*checked', html)
    assert ticket.number in html
    assert not SatisfactionSurvey.objects.filter(answered_at__isnull=False).exists()  # GET only

    answer = client.post(path, {"score": "5", "solved": "yes", "comment": "Teşekkürler"})
    assert answer.status_code == 302
    survey = SatisfactionSurvey.objects.get()
    assert (survey.score, survey.solved, survey.comment) == (5, True, "Teşekkürler")
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.RESOLVED
    assert TicketEvent.objects.filter(ticket=ticket, kind="satisfaction").exists()
    thanks = client.get(path).content.decode()
    assert "5 / 5" in thanks and 'name="score"' not in thanks


def test_a_low_score_reopens_the_ticket_and_tells_the_team_lead_once(
    django_capture_on_commit_callbacks,
):
    lead = StaffFactory(email="lider@dukkan.local")
    with django_capture_on_commit_callbacks(execute=True):
        ticket = _resolved(lead=lead)
    survey = SatisfactionSurvey.objects.get(ticket=ticket)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        satisfaction_answer(survey=survey, score=2, comment="Hâlâ kırık.")
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.IN_PROGRESS and ticket.resolved_at is None
    assert TicketEvent.objects.filter(ticket=ticket, kind="reopened").exists()
    [told] = mail.outbox
    assert told.to == ["lider@dukkan.local"]
    assert ticket.number in told.subject and "2/5" in told.subject
    assert "Hâlâ kırık." in told.body

    with pytest.raises(ComplaintRefused):
        satisfaction_answer(survey=survey, score=5)
    survey.refresh_from_db()
    assert survey.score == 2


def test_a_good_score_but_not_solved_reopens_too_and_a_closed_ticket_only_tells_the_lead(
    django_capture_on_commit_callbacks,
):
    lead = StaffFactory()
    solved_no = _resolved(lead=lead)
    satisfaction_answer(survey=solved_no.surveys.get(), score=4, solved=False)
    solved_no.refresh_from_db()
    assert solved_no.status == TicketStatus.IN_PROGRESS

    closed = _resolved(lead=lead)
    complaint_transition(ticket=closed, to=TicketStatus.CLOSED)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        satisfaction_answer(survey=closed.surveys.get(), score=1)
    closed.refresh_from_db()
    assert closed.status == TicketStatus.CLOSED
    [told] = mail.outbox
    assert told.to == [lead.email]


def test_each_resolution_asks_again(django_capture_on_commit_callbacks):
    ticket = _resolved()
    satisfaction_answer(survey=ticket.surveys.get(), score=1)
    with django_capture_on_commit_callbacks(execute=True):
        complaint_transition(ticket=ticket, to=TicketStatus.RESOLVED)
    assert list(ticket.surveys.order_by("round").values_list("round", "score")) == [
        (1, 1),
        (2, None),
    ]
    assert Message.objects.filter(kind="complaint_satisfaction").count() == 2


@pytest.mark.parametrize("score", ["0", "6", "abc", ""])
def test_a_bad_score_is_refused_clearly_and_nothing_is_saved(client, score):
    ticket = _resolved()
    from complaints.satisfaction.links import survey_link_token

    with translation.override("en"):
        path = reverse("complaints:survey", args=[survey_link_token(ticket.surveys.get())])
    answer = client.post(path, {"score": score})
    assert answer.status_code == 400
    assert "Choose a score from 1 to 5." in answer.content.decode()
    assert not SatisfactionSurvey.objects.filter(answered_at__isnull=False).exists()


def test_a_tampered_link_or_another_kind_of_signed_link_is_404(client):
    from complaints.satisfaction.links import survey_link_token

    ticket = _resolved()
    good = survey_link_token(ticket.surveys.get())
    assert client.get(reverse("complaints:survey", args=[good])).status_code == 200
    tampered = good[:-1] + ("a" if good[-1] != "a" else "b")
    assert client.get(reverse("complaints:survey", args=[tampered])).status_code == 404
    # The ticket's own guest link is signed for the ticket, not for a survey.
    guest = ticket_link_token(ticket)
    assert client.get(reverse("complaints:survey", args=[guest])).status_code == 404


def test_an_old_survey_no_longer_takes_answers(settings):
    with time_machine.travel(START, tick=False):
        ticket = _resolved()
    later = START + timedelta(days=settings.COMPLAINTS_CSAT_ANSWER_DAYS, hours=1)
    with time_machine.travel(later, tick=False), pytest.raises(ComplaintRefused):
        satisfaction_answer(survey=ticket.surveys.get(), score=4)


def test_one_reminder_when_unanswered_even_if_the_sweep_runs_twice(
    settings, django_capture_on_commit_callbacks
):
    with time_machine.travel(START, tick=False):
        quiet = _resolved(contact_email="sessiz@example.com")
        answered = _resolved(contact_email="cevapli@example.com")
        satisfaction_answer(survey=answered.surveys.get(), score=5)
    early = START + timedelta(days=settings.COMPLAINTS_CSAT_REMINDER_DAYS) - timedelta(hours=1)
    with time_machine.travel(early, tick=False):
        assert satisfaction_reminders_send() == 0
    due = START + timedelta(days=settings.COMPLAINTS_CSAT_REMINDER_DAYS, hours=1)
    mail.outbox.clear()
    with time_machine.travel(due, tick=False), django_capture_on_commit_callbacks(execute=True):
        assert satisfaction_reminders_send() == 1
        assert satisfaction_reminders_send() == 0
    [reminder] = mail.outbox
    assert reminder.to == ["sessiz@example.com"]
    assert quiet.number in reminder.subject


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_the_real_worker_sends_the_reminder(settings, celery_worker):
    """The real clock (the worker runs its own timers): a survey sent days ago."""
    ticket = _resolved(customer=UserFactory(email="hatirlat@example.com", language="en"))
    days = settings.COMPLAINTS_CSAT_REMINDER_DAYS
    SatisfactionSurvey.objects.filter(ticket=ticket).update(
        created_at=datetime.now(UTC) - timedelta(days=days, hours=1)
    )
    task_named("complaints.satisfaction_reminders").delay()
    assert wait_until(
        lambda: Message.objects.filter(
            kind="complaint_satisfaction",
            dedupe_key__startswith="complaint-csat-reminder:",
            status=Status.SENT,
        ).exists()
    )
    sent = [m for m in mail.outbox if m.subject.startswith("A reminder")]
    assert [m.to for m in sent] == [["hatirlat@example.com"]]


def test_the_retention_sweep_removes_the_comment_and_keeps_the_score(settings):
    from complaints.services.retention import complaints_retention_sweep

    with time_machine.travel(START, tick=False):
        ticket = _resolved(contact_email="eski@example.com")
        satisfaction_answer(survey=ticket.surveys.get(), score=4, comment="Ayşe, Kadıköy: iyi.")
        complaint_transition(ticket=ticket, to=TicketStatus.CLOSED)
    later = START + timedelta(days=settings.COMPLAINTS_RETENTION_DAYS + 1)
    with time_machine.travel(later, tick=False):
        assert complaints_retention_sweep().tickets_anonymised == 1
    survey = ticket.surveys.get()
    assert (survey.score, survey.comment) == (4, "")


def test_my_complaints_links_the_survey_until_it_is_answered(client):
    ayse = UserFactory(verified=True)
    ticket = _resolved(customer=ayse)
    client.force_login(ayse)
    page = reverse("complaints:detail", args=[ticket.number])
    html = client.get(page).content.decode()
    assert 'id="complaint-survey"' in html
    satisfaction_answer(survey=ticket.surveys.get(), score=5)
    assert 'id="complaint-survey"' not in client.get(page).content.decode()
