"""The complaint desk in a real browser (English): a customer complains about one item of her
order with a photo; the agent of the desk's team finds it in his queue with the procedure to
follow, answers with a canned response and refunds part of the order within his limit; she reads
the answer on "My complaints" and the refund on her order, and answers the satisfaction survey
from the email's link."""

import re
from decimal import Decimal
from io import StringIO
from urllib.parse import urlsplit

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.core.management import call_command
from playwright.sync_api import Browser, Page, expect

from complaints.models import Procedure, SatisfactionSurvey, Ticket
from complaints.services.procedures import (
    VersionTexts,
    procedure_create,
    procedure_version_write,
)
from complaints.states import Category, TicketStatus
from crm.models import AgentLimit, CannedResponse, Team
from crm.staff.groups import CALL_CENTRE_AGENT
from payments.models import Refund
from tests.complaints.actions_helpers import balance_order
from tests.complaints.inbound_helpers import png_bytes
from tests.factories import DEFAULT_PASSWORD, StaffFactory, UserFactory
from tests.orders.helpers import stocked_variant

from .helpers import log_in, watch_for_errors

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def desk(settings, live_server):
    """The desk's team (an agent with a ₺100 refund limit, and a lead), its procedure for
    damaged products, and a canned apology in English."""
    settings.SITE_URL = live_server.url  # the links in the emails lead to this server
    settings.COMPLAINTS_DEFAULT_TEAM = "Destek"
    call_command("setup_staff_groups", stdout=StringIO())  # a transactional test flushed them
    agent = StaffFactory(
        is_superuser=False, email="agent@example.com", first_name="Deniz", language="en"
    )
    agent.groups.add(Group.objects.get(name=CALL_CENTRE_AGENT))
    AgentLimit.objects.create(user=agent, max_refund_amount=Decimal("100.00"))
    team = Team.objects.create(name="Destek", lead=StaffFactory(email="lead@example.com"))
    team.members.add(agent)
    texts = VersionTexts(
        how_to_respond_tr="Özür dileyin, fotoğrafa bakın.",
        how_to_respond_en="Apologise and look at the photo.",
        how_far_to_bend_tr="Kırık ürünün bedeli kadar iade.",
        how_far_to_bend_en="A refund up to the broken item's price.",
        where_to_be_firm_tr="Fotoğrafsız iade yok.",
        where_to_be_firm_en="No refund without a photo.",
    )
    # The starting set (a data migration) may hold one already: then this is its new version.
    seeded = Procedure.objects.filter(category=Category.WRONG_OR_DAMAGED, channel="").first()
    if seeded is None:
        procedure_create(category=Category.WRONG_OR_DAMAGED, texts=texts, by=team.lead)
    else:
        procedure_version_write(procedure=seeded, texts=texts, by=team.lead)
    CannedResponse.objects.create(
        title="Damaged item apology",
        language="en",
        body="Dear {first_name}, we are sorry your order {order_number} arrived damaged.",
    )
    return agent


def test_a_complaint_from_an_order_line_to_a_refund_and_a_happy_survey(
    page: Page, browser: Browser, live_server, desk, tmp_path
):
    errors = watch_for_errors(page)
    ayse = UserFactory(
        verified=True, email="ayse@example.com", first_name="Ayşe", last_name="Kaya", language="en"
    )
    cup = stocked_variant(price="60.00")
    order = balance_order((cup, 2), customer=ayse)
    base = f"{live_server.url}/en"
    photo = tmp_path / "broken-cup.png"
    photo.write_bytes(png_bytes((40, 30)))

    # She finds the broken cup on her order and tells us, with a photo.
    log_in(page, base, ayse.email)
    page.goto(f"{base}/orders/{order.number}/")
    page.get_by_role("link", name="A problem with this item?").click()
    page.get_by_label("What is it about?").select_option(label="Wrong or damaged product")
    page.get_by_label("What happened?").fill("One of the two cups arrived broken.")
    page.get_by_label(re.compile("^Photos")).set_input_files(str(photo))
    page.get_by_role("button", name="Send").click()
    ticket = Ticket.objects.get()
    expect(page).to_have_url(re.compile(rf"/en/account/complaints/{ticket.number}/$"))
    expect(page.locator("#complaint-conversation")).to_contain_text("arrived broken")
    assert ticket.lines.get().order_line.variant_id == cup.pk
    assert ticket.attachments.count() == 1
    assert ticket.assignee == desk  # the desk's team, its only agent

    # The agent finds it in his queue, with the procedure to follow.
    staff_context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US")
    staff = staff_context.new_page()
    staff_errors = watch_for_errors(staff)
    staff.goto(f"{base}/admin/login/")
    staff.get_by_label("Email:", exact=True).fill(desk.email)
    staff.get_by_label("Password").fill(DEFAULT_PASSWORD)
    staff.get_by_role("button", name="Sign In").click()
    staff.goto(f"{base}/admin/complaints/ticket/?queue=mine")
    staff.get_by_role("link", name=ticket.number).click()
    expect(staff.locator("#panel-procedure")).to_contain_text("Apologise and look at the photo.")
    staff.get_by_role("button", name="I followed this version").click()
    expect(staff.locator("#procedure-followed")).to_be_visible()

    # He starts from the canned apology, sends it, and refunds one cup (₺60, within ₺100).
    staff.get_by_label("Start from a canned response").select_option(label="Damaged item apology")
    staff.get_by_role("button", name="Use it").click()
    reply = staff.locator("#ticket-reply textarea[name=body]")
    expect(reply).to_have_value(
        f"Dear Ayşe, we are sorry your order {order.number} arrived damaged."
    )
    reply.fill(reply.input_value() + " We are refunding the broken cup.")
    staff.get_by_role("button", name="Send the reply").click()
    expect(staff.locator("#ticket-conversation")).to_contain_text("refunding the broken cup")
    staff.locator("summary", has_text="Refund").click()
    line = order.lines.get()
    staff.locator(f"#refund-line-{line.pk}").fill("1")
    staff.locator("#refund-reason").fill("Broken cup")
    staff.get_by_role("button", name="Refund", exact=True).click()
    expect(staff.locator(".complaint-actions")).to_contain_text("Done")
    refund = Refund.objects.get()
    assert refund.amount == Decimal("60.00") and refund.status == "succeeded"

    # He resolves it; the survey goes out.
    staff.get_by_label("New status").select_option(label="Resolved")
    staff.locator("#ticket-status-change").get_by_role("button").click()
    expect(staff.locator("#ticket-status")).to_have_text("Resolved")
    assert staff_errors == []

    # She reads the answer on "My complaints" and sees the refund on her order.
    page.goto(f"{base}/account/complaints/{ticket.number}/")
    expect(page.locator("#complaint-conversation")).to_contain_text("we are sorry your order")
    expect(page.locator("#complaint-status")).to_have_text("Resolved")
    page.goto(f"{base}/orders/{order.number}/")
    expect(page.locator("main")).to_contain_text("Refunded ₺60.00")

    # The survey email's "5" opens the page with 5 chosen; one press sends it.
    (survey_email,) = [
        m for m in mail.outbox if m.to == [ayse.email] and "How did we do" in m.subject
    ]
    link = re.search(r"(\S+/complaints/survey/\S+/\?score=5)", survey_email.body).group(1)
    page.goto(live_server.url + urlsplit(link).path + "?" + urlsplit(link).query)
    expect(page.get_by_label("5 – very happy")).to_be_checked()
    page.get_by_label("Yes").check()
    page.get_by_role("button", name="Send my answer").click()
    expect(page.get_by_role("heading", name="Thank you for your answer")).to_be_visible()
    survey = SatisfactionSurvey.objects.get()
    assert (survey.score, survey.solved, survey.agent) == (5, True, desk)
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.RESOLVED
    assert errors == []
