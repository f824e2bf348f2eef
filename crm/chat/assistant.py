"""The "where is my order" assistant: a guided flow of buttons answering from the order's own
data (orders.assistant), with one tap to a person. No free text, no outside language model."""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from crm.models import Conversation

from .states import ChatStatus


@dataclass(frozen=True)
class Choice:
    """One button of the assistant: `value` is posted back as `choice`."""

    value: str
    label: str


HAND_OVER = Choice("person", _("Talk to a person"))


def assistant_menu(*, conversation: Conversation) -> list[Choice]:
    """The buttons the assistant offers now (none once a person is on the way)."""
    if conversation.status != ChatStatus.ASSISTANT:
        return []
    return [HAND_OVER]
