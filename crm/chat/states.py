"""A chat's life: with the assistant → waiting for an agent → with an agent → ended.

One door changes a conversation's status (`services.conversation_move`), checking this table."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ChatStatus(models.TextChoices):
    ASSISTANT = "assistant", _("With the assistant")
    WAITING = "waiting", _("Waiting for an agent")
    ACTIVE = "active", _("With an agent")
    ENDED = "ended", _("Ended")


class ChatEnd(models.TextChoices):
    """Why a conversation ended (blank while it goes on)."""

    SELF_SERVED = "self_served", _("Answered by the assistant")
    CUSTOMER = "customer", _("Closed by the customer")
    AGENT = "agent", _("Closed by the agent")
    IDLE = "idle", _("No reply for a while")
    CALLBACK = "callback", _("Out of hours: callback requested")
    COMPLAINT = "complaint", _("Out of hours: complaint opened")


class Author(models.TextChoices):
    CUSTOMER = "customer", _("Customer")
    ASSISTANT = "assistant", _("Assistant")
    AGENT = "agent", _("Agent")
    SYSTEM = "system", _("System")


S = ChatStatus
TRANSITIONS: dict[str, frozenset[str]] = {
    S.ASSISTANT: frozenset({S.WAITING, S.ENDED}),
    S.WAITING: frozenset({S.ACTIVE, S.ENDED}),
    # A transfer to a team puts the chat back in that team's queue; to an agent keeps it active.
    S.ACTIVE: frozenset({S.WAITING, S.ACTIVE, S.ENDED}),
    S.ENDED: frozenset(),
}
OPEN = frozenset({S.ASSISTANT, S.WAITING, S.ACTIVE})
# A person has it or is about to: the assistant is done.
WITH_PEOPLE = frozenset({S.WAITING, S.ACTIVE})


def can_move(from_status: str, to_status: str) -> bool:
    return to_status in TRANSITIONS.get(from_status, frozenset())
