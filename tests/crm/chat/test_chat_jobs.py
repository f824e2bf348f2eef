"""The chat's sweeps: idle chats end (assistant only: self-served), old transcripts go while
the interaction's summary stays; each a second time changes nothing."""

from datetime import timedelta

import pytest
import time_machine

from crm.chat import services
from crm.chat.retention import chats_end_idle, transcripts_remove
from crm.chat.states import Author, ChatEnd, ChatStatus
from crm.models import ChatMessage, Conversation, Interaction
from crm.tasks import chat_end_idle, chat_remove_transcripts
from tests.factories import StaffFactory, UserFactory

from .helpers import TUESDAY_NOON

pytestmark = pytest.mark.django_db


def test_idle_chats_end_and_a_second_run_changes_nothing(settings):
    settings.CHAT_IDLE_MINUTES = 30
    with time_machine.travel(TUESDAY_NOON, tick=False):
        quiet_assistant = services.conversation_start(guest_email="a@example.com")
        quiet_waiting = services.conversation_start(guest_email="b@example.com")
        services.conversation_hand_over(conversation_id=quiet_waiting.pk)
        quiet_active = services.conversation_start(customer=UserFactory())
        services.conversation_hand_over(conversation_id=quiet_active.pk)
        services.conversation_take(conversation_id=quiet_active.pk, agent=StaffFactory())
    with time_machine.travel(TUESDAY_NOON + timedelta(minutes=25), tick=False):
        lively = services.conversation_start(guest_email="c@example.com")
        services.conversation_hand_over(conversation_id=lively.pk)
    with time_machine.travel(TUESDAY_NOON + timedelta(minutes=31), tick=False):
        assert chat_end_idle() == 3
        assert chats_end_idle() == 0
    reasons = dict(Conversation.objects.values_list("pk", "ended_reason"))
    assert reasons[quiet_assistant.pk] == ChatEnd.SELF_SERVED
    assert reasons[quiet_waiting.pk] == reasons[quiet_active.pk] == ChatEnd.IDLE
    assert Conversation.objects.get(pk=lively.pk).status == ChatStatus.WAITING
    assert Interaction.objects.count() == 3


def test_a_chat_written_in_after_the_sweep_looked_is_not_ended_as_idle():
    with time_machine.travel(TUESDAY_NOON, tick=False):
        chat = services.conversation_start(guest_email="a@example.com")
        services.conversation_hand_over(conversation_id=chat.pk)
    with time_machine.travel(TUESDAY_NOON + timedelta(minutes=40), tick=False):
        # The sweep read the chat as quiet since 12:10; the customer wrote at 12:40.
        services.chat_message_post(
            conversation_id=chat.pk, author=Author.CUSTOMER, body="Orada mısınız?"
        )
        services.conversation_end(
            conversation_id=chat.pk,
            reason=ChatEnd.IDLE,
            quiet_since=TUESDAY_NOON + timedelta(minutes=10),
        )
    chat.refresh_from_db()
    assert chat.status == ChatStatus.WAITING and not Interaction.objects.exists()


def test_old_transcripts_are_removed_and_the_summary_stays(settings):
    settings.CHAT_TRANSCRIPT_DAYS = 30
    with time_machine.travel(TUESDAY_NOON, tick=False):
        old = services.conversation_start(customer=UserFactory())
        services.conversation_hand_over(conversation_id=old.pk)
        services.chat_message_post(
            conversation_id=old.pk, author=Author.CUSTOMER, body="Faturam nerede?"
        )
        services.conversation_end(conversation_id=old.pk, reason=ChatEnd.CUSTOMER)
    with time_machine.travel(TUESDAY_NOON + timedelta(days=20), tick=False):
        recent = services.conversation_start(guest_email="r@example.com")
        services.conversation_end(conversation_id=recent.pk, reason=ChatEnd.SELF_SERVED)
    with time_machine.travel(TUESDAY_NOON + timedelta(days=31), tick=False):
        assert chat_remove_transcripts() == 1
        assert transcripts_remove() == 0
    old.refresh_from_db()
    assert old.transcript_removed_at is not None
    assert not ChatMessage.objects.filter(conversation=old).exists()
    assert ChatMessage.objects.filter(conversation=recent).exists()
    assert "Faturam nerede?" in old.interaction.summary
