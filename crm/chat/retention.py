"""The chat's sweeps: end chats nobody writes in any more, remove old transcripts. Both are
idempotent (a second run finds nothing) and work in batches."""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from crm.models import ChatMessage, Conversation

from .services import conversation_end
from .states import ChatEnd, ChatStatus

S = ChatStatus
BATCH = 500


def chats_end_idle(*, now: datetime | None = None) -> int:
    """End the chats quiet for CHAT_IDLE_MINUTES: with the assistant only, it served them
    (SELF_SERVED); waiting or with an agent, nobody answered any more (IDLE)."""
    now = now or timezone.now()
    before = now - timedelta(minutes=settings.CHAT_IDLE_MINUTES)
    idle = list(
        Conversation.objects.filter(
            status__in=[S.ASSISTANT, S.WAITING, S.ACTIVE], last_activity_at__lt=before
        )
        .order_by("last_activity_at")
        .values_list("pk", "status")[:BATCH]
    )
    ended = 0
    for pk, status in idle:
        reason = ChatEnd.SELF_SERVED if status == S.ASSISTANT else ChatEnd.IDLE
        chat = conversation_end(conversation_id=pk, reason=reason, quiet_since=before)
        ended += not chat.is_open
    return ended


def transcripts_remove(*, now: datetime | None = None) -> int:
    """Delete the messages of chats ended more than CHAT_TRANSCRIPT_DAYS ago; the chat row and
    its interaction's summary stay."""
    now = now or timezone.now()
    before = now - timedelta(days=settings.CHAT_TRANSCRIPT_DAYS)
    ids = list(
        Conversation.objects.filter(
            status=S.ENDED, ended_at__lt=before, transcript_removed_at__isnull=True
        )
        .order_by("ended_at")
        .values_list("pk", flat=True)[:BATCH]
    )
    if ids:
        with transaction.atomic():
            ChatMessage.objects.filter(conversation_id__in=ids).delete()
            Conversation.objects.filter(pk__in=ids).update(transcript_removed_at=now)
    return len(ids)
