"""Live chat in two browsers: a guest opens "Chat with us" on a page, starts a chat with the
order number and its email, asks the assistant where the order is, is not satisfied and asks
for a person (in business hours); an agent takes it in the console, with the order and the
assistant's conversation beside it, and answers; the guest sees the answer without reloading
(the window's polling); the agent turns the chat into a complaint."""

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth.models import Permission
from playwright.sync_api import Browser, Page, expect

from complaints.models import Ticket
from crm.models import Conversation
from tests.factories import DEFAULT_PASSWORD, OrderFactory, StaffFactory

from .helpers import watch_for_errors

pytestmark = pytest.mark.django_db(transaction=True)
TUESDAY_NOON = datetime(2026, 12, 8, 12, 0, tzinfo=ZoneInfo("Europe/Istanbul"))
GUEST = "misafir@example.com"


@pytest.fixture
def agent():
    agent = StaffFactory(
        is_superuser=False, email="temsilci@example.com", first_name="Deniz", language="en"
    )
    agent.user_permissions.add(
        *Permission.objects.filter(
            codename__in=["use_chat_console", "view_customer360", "view_order"]
        )
    )
    return agent


def test_a_guest_chats_with_an_agent_who_answers_and_makes_it_a_complaint(
    page: Page, browser: Browser, live_server, settings, agent
):
    settings.CHAT_POLL_SECONDS = 1  # the journey waits for the poll, not for a clock
    order = OrderFactory(user=None, email=GUEST, number="DK-SOHBET-1", language="en")
    base = f"{live_server.url}/en"
    with time_machine.travel(TUESDAY_NOON, tick=True):
        errors = watch_for_errors(page)
        page.goto(f"{base}/call-me-back/")
        page.evaluate("window.stillTheSamePage = true")

        # The guest opens the chat from the launcher: a panel on the same page.
        page.get_by_role("link", name="Chat with us").click()
        dock = page.locator("#chat-dock")
        expect(dock).to_be_visible()
        dock.get_by_label("Email address").fill(GUEST)
        dock.get_by_label("Order number (optional)").fill("DK-SOHBET-1")
        dock.get_by_role("button", name="Start chat").click()
        expect(dock.locator("#chat-state")).to_contain_text("Order DK-SOHBET-1")
        chat = Conversation.objects.get()
        assert chat.order == order and chat.guest_email == GUEST

        # The assistant answers from the order itself, naming where the answer comes from.
        dock.get_by_role("button", name="Where is my order?").click()
        messages = dock.locator("#chat-messages")
        expect(messages.locator(".chat-source")).to_contain_text("Source: order timeline")
        # Not satisfied: one tap hands over to a person, with the conversation attached.
        dock.get_by_role("button", name="Talk to a person").click()
        expect(dock).to_contain_text("An agent will be with you shortly.")
        dock.get_by_label("Your message").fill("Where is my parcel?")
        dock.get_by_role("button", name="Send").click()
        expect(dock.locator("#chat-messages")).to_contain_text("Where is my parcel?")

        # The agent takes it in the console, with the order beside the chat, and answers.
        desk = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US")
        staff = desk.new_page()
        staff_errors = watch_for_errors(staff)
        staff.goto(f"{base}/admin/login/")
        staff.get_by_label("Email:", exact=True).fill(agent.email)
        staff.get_by_label("Password").fill(DEFAULT_PASSWORD)
        staff.get_by_role("button", name="Sign In").click()
        staff.goto(f"{base}/admin/crm/conversation/console/")
        waiting = staff.locator(f"#queue-{chat.pk}")
        expect(waiting).to_contain_text(GUEST)
        waiting.get_by_role("button", name="Take").click()
        expect(staff).to_have_url(re.compile(rf"/console/{chat.pk}/$"))
        expect(staff.locator("#chat-order")).to_contain_text("DK-SOHBET-1")
        console_messages = staff.locator("#chat-current #chat-messages")
        expect(console_messages).to_contain_text("Where is my order?")  # what the assistant said
        expect(console_messages).to_contain_text("Where is my parcel?")
        staff.get_by_label("Reply").fill("It leaves our warehouse today.")
        staff.get_by_role("button", name="Send").click()

        # The guest sees the answer and the agent's name without reloading.
        expect(messages).to_contain_text("Deniz has joined the chat.")
        expect(messages).to_contain_text("It leaves our warehouse today.")
        assert page.evaluate("window.stillTheSamePage") is True

        # The agent turns the chat into a complaint, in one click.
        staff.get_by_role("button", name="Turn into a complaint").click()
        ticket = Ticket.objects.get()
        expect(staff.locator("#chat-ticket-link")).to_contain_text(ticket.number)
        assert ticket.order == order and ticket.channel == "chat"
        assert "Where is my parcel?" in ticket.messages.order_by("pk").first().body
        assert staff_errors == [] and errors == []
        desk.close()
