"""The complaint report: figures on a known set of tickets (counted by hand), percentiles that
agree with PostgreSQL's percentile_cont, CSV, the permission and a constant number of queries."""

import csv
import io
import random
from datetime import UTC, date, datetime, timedelta

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import translation

from complaints.models import (
    SatisfactionSurvey,
    SlaAlert,
    Ticket,
    TicketEvent,
    TicketLine,
    TicketMessage,
)
from complaints.reports import complaint_report
from complaints.services import complaint_open
from complaints.states import Category, Channel, TicketStatus
from shop.stats import percentile_cont
from tests.factories import StaffFactory
from tests.orders.helpers import cart_with, place, shipping_setup, stocked_variant

pytestmark = pytest.mark.django_db

DAY = datetime(2027, 3, 10, 9, 0, tzinfo=UTC)
RANGE = {"start": "2027-03-01", "end": "2027-03-31"}


def _ticket(*, channel=Channel.WEB, category=Category.LATE_OR_MISSING, at=DAY, **times):
    ticket = complaint_open(
        channel=channel, category=category, description="x", contact_email="a@example.com"
    )
    Ticket.objects.filter(pk=ticket.pk).update(created_at=at, **times)
    ticket.refresh_from_db()
    return ticket


def _resolved(ticket, *, agent, replies=1, reopened=False, score=None):
    """History as the door writes it: replies, a resolution (and a reopen), a survey answer."""
    Ticket.objects.filter(pk=ticket.pk).update(assignee=agent)
    for _ in range(replies):
        TicketMessage.objects.create(ticket=ticket, kind="reply", author=agent, body="y")
    TicketEvent.objects.create(ticket=ticket, kind="status", to_status=TicketStatus.RESOLVED)
    if reopened:
        TicketEvent.objects.create(ticket=ticket, kind="reopened", to_status="in_progress")
    if score is not None:
        SatisfactionSurvey.objects.create(
            ticket=ticket, agent=agent, score=score, answered_at=DAY + timedelta(days=1)
        )


@pytest.fixture
def known_set():
    """Five first responses after 1, 2, 3, 4 and 10 hours; two agents; one ticket outside."""
    shipping_setup()
    lamp, chair = stocked_variant(), stocked_variant()
    order = place(cart_with((lamp, 1), (chair, 1)))
    lamp_line, chair_line = order.lines.order_by("pk")
    ayse = StaffFactory(first_name="Ayşe", last_name="Kaya")
    mert = StaffFactory(first_name="Mert", last_name="Demir")
    tickets = [
        _ticket(first_response_at=DAY + timedelta(hours=hours), channel=channel)
        for hours, channel in (
            (1, Channel.WEB),
            (2, Channel.WEB),
            (3, Channel.EMAIL),
            (4, Channel.PHONE),
            (10, Channel.WEB),
        )
    ]
    Ticket.objects.filter(pk=tickets[0].pk).update(resolved_at=DAY + timedelta(hours=5))
    Ticket.objects.filter(pk=tickets[1].pk).update(resolved_at=DAY + timedelta(hours=25))
    damaged = _ticket(category=Category.WRONG_OR_DAMAGED, channel=Channel.SOCIAL)
    TicketLine.objects.create(ticket=damaged, order_line=lamp_line)
    TicketLine.objects.create(ticket=tickets[3], order_line=lamp_line)
    TicketLine.objects.create(ticket=tickets[3], order_line=chair_line)
    _resolved(tickets[0], agent=ayse, replies=1, score=5)
    _resolved(tickets[1], agent=ayse, replies=3, score=2)
    _resolved(tickets[2], agent=ayse, replies=1, reopened=True, score=4)
    _resolved(tickets[3], agent=mert, replies=1)
    _ticket(at=datetime(2027, 4, 2, 9, 0, tzinfo=UTC))  # another month
    # The SLA watch recorded a late first response (10 h) and a late resolution (25 h).
    SlaAlert.objects.create(ticket=tickets[4], stage="breach", target="first_response")
    SlaAlert.objects.create(ticket=tickets[1], stage="breach", target="resolution")
    return {"ayse": ayse, "mert": mert, "lamp": lamp, "chair": chair}


def test_the_figures_on_a_known_set(known_set):
    with translation.override("en"):
        report = complaint_report(start=date(2027, 3, 1), end=date(2027, 3, 31))
        lamp, chair = known_set["lamp"].product.name, known_set["chair"].product.name
    assert report.opened == 6
    assert [(row.label, row.count, row.share) for row in report.by_channel] == [
        ("Website form", 3, 50),
        ("Phone / call centre", 1, 17),
        ("Email", 1, 17),
        ("Social media", 1, 17),
    ]
    assert [(row.label, row.count) for row in report.by_category] == [
        ("Late or missing delivery", 5),
        ("Wrong or damaged product", 1),
    ]
    assert [(row.label, row.count) for row in report.by_product] == [(lamp, 2), (chair, 1)]
    # percentile_cont over 1, 2, 3, 4, 10 hours: median 3; p90 at rank 3.6 → 4 + 0.6 × 6 = 7.6.
    assert (report.first_response.count, report.first_response.median_hours) == (5, 3.0)
    assert report.first_response.p90_hours == 7.6
    # Resolution after 5 and 25 hours: median 15; p90 at rank 0.9 → 5 + 0.9 × 20 = 23.
    assert (report.resolution.median_hours, report.resolution.p90_hours) == (15.0, 23.0)
    assert (report.resolved, report.reopened, report.reopen_rate) == (4, 1, 25)
    # Five first responses, one late; four tickets resolved, one late.
    fr, res = report.sla_first_response, report.sla_resolution
    assert (fr.met, fr.due, fr.rate) == (4, 5, 80)
    assert (res.met, res.due, res.rate) == (3, 4, 75)
    assert (report.csat.answers, report.csat.average, report.csat.satisfied) == (3, 3.7, 67)
    [by_agent] = report.csat_by_agent
    assert (by_agent.label, by_agent.answers, by_agent.average) == ("Ayşe Kaya", 3, 3.7)
    ayse, mert = report.agents
    assert (ayse.label, ayse.resolved, ayse.first_contact, ayse.first_contact_rate) == (
        "Ayşe Kaya",
        3,
        1,  # one reply and never reopened; three replies and a reopen do not count
        33,
    )
    assert (mert.label, mert.resolved, mert.first_contact, mert.csat.answers) == (
        "Mert Demir",
        1,
        1,
        0,
    )


def test_percentiles_agree_with_postgresql():
    rng = random.Random(7)
    seconds = [rng.randrange(60, 100 * 3600) for _ in range(37)]
    for index, value in enumerate(seconds):
        _ticket(first_response_at=DAY + timedelta(seconds=value), at=DAY - timedelta(minutes=index))
    report = complaint_report(start=date(2027, 3, 1), end=date(2027, 3, 31))
    seconds = [value + 60 * index for index, value in enumerate(seconds)]
    assert report.first_response.median_hours == round(percentile_cont(seconds, 0.5) / 3600, 1)
    assert report.first_response.p90_hours == round(percentile_cont(seconds, 0.9) / 3600, 1)


def _manager(client):
    staff = StaffFactory(is_superuser=False)
    staff.user_permissions.add(Permission.objects.get(codename="view_ticketreport"))
    client.force_login(staff)
    return staff


def test_staff_read_it_with_the_permission_and_download_a_table(client, known_set):
    url = reverse("admin:complaints_ticketreport_changelist")
    client.force_login(StaffFactory(is_superuser=False))
    assert client.get(url, RANGE).status_code == 403
    _manager(client)
    with translation.override("en"):
        page = client.get(url, {**RANGE, "language": "en"})
    assert page.status_code == 200
    html = page.content.decode()
    assert "Ayşe Kaya" in html and 'id="agents"' in html and "<meter" in html

    download = client.get(url, {**RANGE, "csv": "agents"})
    assert download["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(download.content.decode("utf-8-sig"))))
    assert rows[1][:4] == ["Ayşe Kaya", "3", "1", "33"]
    assert rows[2][:3] == ["Mert Demir", "1", "1"]


def test_a_backwards_range_is_refused_with_a_message_and_the_default_shown(client):
    _manager(client)
    page = client.get(
        reverse("admin:complaints_ticketreport_changelist"),
        {"start": "2027-03-31", "end": "2027-03-01"},
    )
    assert page.status_code == 200
    assert page.context["form"].errors


def test_the_report_reads_in_a_fixed_number_of_queries(client, django_assert_num_queries):
    _manager(client)
    url = reverse("admin:complaints_ticketreport_changelist")
    _ticket()
    with django_assert_num_queries(QUERIES):
        client.get(url, RANGE)
    agent = StaffFactory()
    for _ in range(6):
        _resolved(_ticket(channel=Channel.EMAIL), agent=agent, score=4)
    with django_assert_num_queries(QUERIES):
        client.get(url, RANGE)


def test_the_dashboard_reads_complaints_per_100_orders_through_crms_registry():
    from django.utils import timezone

    from crm.registry import registered_complaint_sources

    [source] = [s for s in registered_complaint_sources() if s.per_100_orders]
    today = timezone.localdate()
    assert source.per_100_orders(today, today) is None  # no orders: no figure
    shipping_setup()
    for _ in range(8):
        place(cart_with((stocked_variant(), 1)))
    _ticket(at=timezone.now())
    assert str(source.per_100_orders(today, today)) == "12.5"


QUERIES = 17
