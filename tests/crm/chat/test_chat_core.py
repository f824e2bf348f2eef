"""The chat's core services: start, hand over (in and out of hours), take, write, end."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from crm.chat import services
from crm.chat.exceptions import ChatClosedHours, ChatNotYours, ChatRefused
from crm.chat.states import Author, ChatEnd, ChatStatus
from crm.models import Conversation, Interaction, Team
from tests.factories import StaffFactory, UserFactory

pytestmark = pytest.mark.django_db
IST = ZoneInfo("Europe/Istanbul")
TUESDAY_NOON = datetime(2026, 12, 8, 12, 0, tzinfo=IST)
TUESDAY_NIGHT = datetime(2026, 12, 8, 23, 0, tzinfo=IST)


def test_a_guest_needs_an_email_and_nothing_is_saved_without_one():
    with pytest.raises(ChatRefused):
        services.conversation_start(guest_email="not an email")
    with pytest.raises(ChatRefused):
        services.conversation_start()
    assert not Conversation.objects.exists()


@time_machine.travel(TUESDAY_NIGHT, tick=False)
def test_out_of_hours_nobody_is_called_and_the_chat_stays_with_the_assistant():
    chat = services.conversation_start(guest_email="Ayse@Example.com")
    with pytest.raises(ChatClosedHours):
        services.conversation_hand_over(conversation_id=chat.pk)
    chat.refresh_from_db()
    assert chat.status == ChatStatus.ASSISTANT and chat.guest_email == "ayse@example.com"


@time_machine.travel(TUESDAY_NOON, tick=False)
def test_a_handed_over_chat_is_taken_by_one_agent_answered_and_ended_into_an_interaction():
    customer = UserFactory()
    team = Team.objects.create(name="Chat")
    agent = StaffFactory(is_superuser=False)
    team.members.add(agent)
    outsider = StaffFactory(is_superuser=False)
    chat = services.conversation_start(customer=customer)
    with pytest.raises(ChatRefused):  # the assistant takes buttons, not free text
        services.chat_message_post(conversation_id=chat.pk, author=Author.CUSTOMER, body="hi")
    services.conversation_hand_over(conversation_id=chat.pk, team=team)
    services.chat_message_post(
        conversation_id=chat.pk, author=Author.CUSTOMER, body="Kargom nerede?"
    )
    with pytest.raises(ChatNotYours):
        services.conversation_take(conversation_id=chat.pk, agent=outsider)
    services.conversation_take(conversation_id=chat.pk, agent=agent)
    with pytest.raises(ChatRefused):
        services.conversation_take(conversation_id=chat.pk, agent=StaffFactory())
    with pytest.raises(ChatRefused):
        services.chat_message_post(
            conversation_id=chat.pk, author=Author.AGENT, body=" ", agent=agent
        )
    with pytest.raises(ChatRefused):
        services.chat_message_post(
            conversation_id=chat.pk, author=Author.AGENT, body="x" * 2001, agent=agent
        )
    services.chat_message_post(
        conversation_id=chat.pk, author=Author.AGENT, body="Yarın elinizde.", agent=agent
    )
    services.conversation_end(conversation_id=chat.pk, reason=ChatEnd.AGENT, agent=agent)
    services.conversation_end(conversation_id=chat.pk, reason=ChatEnd.AGENT, agent=agent)
    chat.refresh_from_db()
    assert chat.status == ChatStatus.ENDED and not chat.self_served
    bodies = list(chat.messages.values_list("author", "body"))
    assert (Author.CUSTOMER, "Kargom nerede?") in bodies
    assert (Author.AGENT, "Yarın elinizde.") in bodies
    assert chat.last_message_id == chat.messages.order_by("pk").last().pk
    interaction = Interaction.objects.get()
    assert interaction == chat.interaction
    assert interaction.customer == customer and interaction.channel == Interaction.Channel.CHAT
    assert "Kargom nerede?" in interaction.summary
