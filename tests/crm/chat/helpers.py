"""Shared steps of the chat tests: a guest's chat in a client's session, business hours."""

from datetime import datetime
from zoneinfo import ZoneInfo

from django.test import Client
from django.urls import reverse

from crm.chat import services
from crm.models import Conversation

IST = ZoneInfo("Europe/Istanbul")
TUESDAY_NOON = datetime(2026, 12, 8, 12, 0, tzinfo=IST)
TUESDAY_NIGHT = datetime(2026, 12, 8, 23, 0, tzinfo=IST)


def guest_chat(client: Client, email: str = "misafir@example.com", **fields) -> Conversation:
    """A guest starts a chat through the start form; their session holds its token."""
    response = client.post(reverse("crm:chat_start"), {"email": email, **fields})
    assert response.status_code == 302, response.content.decode()[:500]
    return Conversation.objects.get(token=response["Location"].rstrip("/").split("/")[-1])


def handed_over(conversation: Conversation, team=None) -> Conversation:
    return services.conversation_hand_over(conversation_id=conversation.pk, team=team)
