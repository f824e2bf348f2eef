"""Reads of the chat: is anyone on duty, the customer's own chat, what is new since a message."""

from datetime import datetime

from django.db.models import QuerySet
from django.utils import timezone

from crm.models import ChatMessage, Conversation
from shop.calendar import working_hours
from shop.models import User


def chat_open_now(*, now: datetime | None = None) -> bool:
    """Agents answer chats during the shop's business hours (the one business calendar)."""
    now = timezone.localtime(now or timezone.now())
    hours = working_hours(now.date())
    if hours is None:
        return False
    opens, closes = hours
    return opens <= now.time() < closes


def conversation_for_visitor(
    *, token: str, user: User | None, session_tokens: list[str]
) -> Conversation | None:
    """The chat, if this visitor may see it: their account's, or one started in this browser
    session by a guest. None otherwise (the view answers 404)."""
    conversation = Conversation.objects.filter(token=token).first()
    if conversation is None:
        return None
    if conversation.customer_id is not None:
        return conversation if user is not None and user.pk == conversation.customer_id else None
    return conversation if token in session_tokens else None


def chat_messages_after(*, conversation: Conversation, after: int) -> QuerySet[ChatMessage]:
    """The messages newer than `after` (index crm_chatmessage_after_idx)."""
    return (
        ChatMessage.objects.filter(conversation=conversation, pk__gt=after)
        .only("pk", "author", "body", "meta", "created_at", "agent__first_name")
        .select_related("agent")
        .order_by("pk")
    )
