"""Quality review: a lead scores a sample of resolved tickets on a short scorecard, once per
ticket and never their own, and reads the average per agent."""

import re
import threading
import zoneinfo
from datetime import date, datetime

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.db import connection
from django.urls import reverse
from django.utils import translation

from complaints.exceptions import ComplaintRefused
from complaints.models import QualityReview, Ticket, TicketEvent
from complaints.procedures.selectors import quality_sample, quality_summary
from complaints.services import complaint_open, complaint_transition
from complaints.services.quality import quality_review_write
from complaints.states import Category, Channel, TicketStatus
from shop.models import AuditEntry
from tests.crm.staff_helpers import staff_groups  # noqa: F401
from tests.factories import StaffFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("staff_groups")]

ISTANBUL = zoneinfo.ZoneInfo("Europe/Istanbul")
GOOD = {"greeting": 2, "procedure": 2, "resolution": 1, "language": 2}


def _staff(group: str, email: str):
    user = StaffFactory(is_superuser=False, email=email, first_name=email.split("@")[0].title())
    user.groups.add(Group.objects.get(name=group))
    return user


def _resolved(agent, *, on: datetime = datetime(2027, 3, 10, 11, 0, tzinfo=ISTANBUL)) -> Ticket:
    """A ticket the agent worked and resolved at `on`."""
    with time_machine.travel(on, tick=False):
        ticket = complaint_open(
            channel=Channel.PHONE,
            category=Category.WRONG_OR_DAMAGED,
            description="Kupa kırık geldi.",
            contact_email="musteri@example.com",
        )
        Ticket.objects.filter(pk=ticket.pk).update(assignee=agent)  # assignment is the desk's
        return complaint_transition(ticket=ticket, to=TicketStatus.RESOLVED, by=agent)


def test_a_lead_reviews_a_resolved_ticket_once_on_the_scorecard():
    lead = _staff("Team lead", "lider@example.com")
    agent = _staff("Call-centre agent", "ali@example.com")
    ticket = _resolved(agent)
    review = quality_review_write(ticket=ticket, by=lead, scores=GOOD, comment="Güzel özür.")
    assert (review.agent, review.reviewer, review.total) == (agent, lead, 7)
    assert TicketEvent.objects.filter(ticket=ticket, kind="quality_review", note="7/8").exists()
    assert AuditEntry.objects.filter(action="complaint.quality_review", actor=lead).exists()
    with translation.override("en"), pytest.raises(ComplaintRefused, match="already been reviewed"):
        quality_review_write(ticket=ticket, by=lead, scores=GOOD)
    assert QualityReview.objects.count() == 1


def test_a_lead_cannot_review_their_own_an_open_or_an_unworked_ticket_nor_score_off_the_card():
    lead = _staff("Team lead", "lider@example.com")
    agent = _staff("Call-centre agent", "ali@example.com")
    own = _resolved(lead)
    still_open = complaint_open(
        channel=Channel.WEB, category=Category.PAYMENT, description="x", contact_email="a@b.co"
    )
    Ticket.objects.filter(pk=still_open.pk).update(assignee=agent)
    unworked = _resolved(agent)
    Ticket.objects.filter(pk=unworked.pk).update(assignee=None)
    cases = [
        (own, GOOD, "You cannot review your own complaint."),
        (still_open, GOOD, "Only a resolved complaint is reviewed."),
        (unworked, GOOD, "Nobody worked this complaint"),
        (_resolved(agent), {**GOOD, "language": 3}, "Answer every question of the scorecard."),
        (_resolved(agent), {"greeting": 2}, "Answer every question of the scorecard."),
    ]
    for ticket, scores, error in cases:
        with translation.override("en"), pytest.raises(ComplaintRefused, match=re.escape(error)):
            quality_review_write(ticket=ticket, by=lead, scores=scores)
    assert not QualityReview.objects.exists()


def test_the_sample_draws_up_to_n_unreviewed_tickets_per_agent_resolved_in_the_period():
    lead = _staff("Team lead", "lider@example.com")
    ali = _staff("Call-centre agent", "ali@example.com")
    veli = _staff("Call-centre agent", "veli@example.com")
    alis = [_resolved(ali) for _ in range(4)]
    velis = [_resolved(veli) for _ in range(2)]
    quality_review_write(ticket=velis[0], by=lead, scores=GOOD)
    _resolved(ali, on=datetime(2027, 1, 5, 12, 0, tzinfo=ISTANBUL))  # before the period
    open_one = complaint_open(
        channel=Channel.WEB, category=Category.PAYMENT, description="x", contact_email="a@b.co"
    )
    Ticket.objects.filter(pk=open_one.pk).update(assignee=ali)

    sample = quality_sample(start=date(2027, 3, 1), end=date(2027, 3, 31), per_agent=3)
    by_agent = {}
    for ticket in sample:
        by_agent.setdefault(ticket.assignee, []).append(ticket)
    assert len(by_agent[ali]) == 3 and set(by_agent[ali]) <= set(alis)
    assert by_agent[veli] == [velis[1]]  # the reviewed one is not drawn again


def test_the_summary_gives_each_agents_average_and_count():
    lead = _staff("Team lead", "lider@example.com")
    ali = _staff("Call-centre agent", "ali@example.com")
    veli = _staff("Call-centre agent", "veli@example.com")
    with time_machine.travel(datetime(2027, 3, 12, 10, 0, tzinfo=ISTANBUL), tick=False):
        quality_review_write(ticket=_resolved(ali), by=lead, scores=GOOD)  # 7
        quality_review_write(
            ticket=_resolved(ali),
            by=lead,
            scores={"greeting": 1, "procedure": 0, "resolution": 2, "language": 2},
        )  # 5
        quality_review_write(
            ticket=_resolved(veli),
            by=lead,
            scores={"greeting": 2, "procedure": 2, "resolution": 2, "language": 2},
        )  # 8
    rows = quality_summary(start=date(2027, 3, 1), end=date(2027, 3, 31))
    assert [(r.agent, r.count, str(r.average), str(r.procedure)) for r in rows] == [
        (veli, 1, "8.00", "2.00"),
        (ali, 2, "6.00", "1.00"),
    ]
    assert quality_summary(start=date(2027, 4, 1), end=date(2027, 4, 30)) == []


def test_a_lead_draws_reviews_and_reads_the_summary_in_the_admin(client):
    lead = _staff("Team lead", "lider@example.com")
    ali = _staff("Call-centre agent", "ali@example.com")
    ticket, own = _resolved(ali), _resolved(lead)
    period = {"start": "2027-03-01", "end": "2027-03-31"}
    with time_machine.travel(datetime(2027, 3, 20, 10, 0, tzinfo=ISTANBUL), tick=False):
        client.force_login(lead)
        sample = client.get(reverse("admin:complaints_qualityreview_sample"), period)
        assert sample.status_code == 200
        assert sample.context["tickets"] == [ticket]  # never the lead's own
        review_url = reverse("admin:complaints_qualityreview_review", args=[ticket.pk])
        assert client.get(review_url).status_code == 200
        response = client.post(review_url, {**GOOD, "comment": "İyi."})
        assert response.status_code == 302
        assert QualityReview.objects.get().ticket == ticket

        again = client.post(review_url, GOOD)
        assert again.status_code == 200 and QualityReview.objects.count() == 1
        own_url = reverse("admin:complaints_qualityreview_review", args=[own.pk])
        refused = client.post(own_url, GOOD)
        assert refused.status_code == 200 and refused.context["form"].non_field_errors()
        assert client.post(review_url, {"greeting": "9"}).status_code == 200

        summary_url = reverse("admin:complaints_qualityreview_summary")
        summary = client.get(summary_url, period)
        assert summary.status_code == 200
        assert [(row.agent, row.count) for row in summary.context["rows"]] == [(ali, 1)]
        bad = client.get(summary_url, {"start": "2027-04-01", "end": "x"})
        assert bad.status_code == 200 and bad.context["rows"] == []


def test_an_agent_cannot_open_the_quality_screens(client):
    ali = _staff("Call-centre agent", "ali@example.com")
    ticket = _resolved(_staff("Call-centre agent", "veli@example.com"))
    client.force_login(ali)
    for url in (
        reverse("admin:complaints_qualityreview_sample"),
        reverse("admin:complaints_qualityreview_summary"),
        reverse("admin:complaints_qualityreview_review", args=[ticket.pk]),
    ):
        assert client.get(url).status_code == 403
    review_url = reverse("admin:complaints_qualityreview_review", args=[ticket.pk])
    assert client.post(review_url, GOOD).status_code == 403
    assert not QualityReview.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_two_leads_reviewing_one_ticket_at_once_make_one_review():
    leads = [_staff("Team lead", "lider@example.com"), _staff("Team lead", "lider2@example.com")]
    ticket = _resolved(_staff("Call-centre agent", "ali@example.com"))
    barrier = threading.Barrier(2)
    results: list[object] = [None, None]

    def review(index: int) -> None:
        try:
            with translation.override("en"):
                barrier.wait(timeout=30)
                results[index] = quality_review_write(ticket=ticket, by=leads[index], scores=GOOD)
        except Exception as error:  # the test inspects what each lead got
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=review, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not any(thread.is_alive() for thread in threads)
    refused = [r for r in results if isinstance(r, ComplaintRefused)]
    assert len(refused) == 1 and "already been reviewed" in str(refused[0]), results
    assert QualityReview.objects.count() == 1
