"""Every write of the chat: starting one, a message, handing over to a person, ending it.

A conversation changes status only through `_move` (the table in states.py), under its row lock.
Ending writes its summary as an Interaction in the same transaction, so the 360 and the
transcript never disagree."""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from crm.models import ChatMessage, Conversation, Interaction, Team
from crm.models.chat import MESSAGE_MAX_LENGTH
from crm.staff.interactions import interaction_log
from shop.models import User

from .exceptions import ChatClosedHours, ChatNotYours, ChatRefused
from .selectors import chat_open_now
from .states import Author, ChatEnd, ChatStatus, can_move

S = ChatStatus
# What the interaction's summary quotes from the customer (the transcript itself is removed
# after CHAT_TRANSCRIPT_DAYS; the summary stays).
SUMMARY_QUOTE = 300


def conversation_start(
    *,
    customer: User | None = None,
    guest_email: str = "",
    guest_name: str = "",
    order=None,
    language: str = "",
) -> Conversation:
    """A new chat with the assistant: a signed-in customer, or a guest with an email (the view
    has checked that an order named by a guest is theirs)."""
    guest_email = guest_email.strip().lower()
    if customer is None:
        if not guest_email:
            raise ChatRefused(_("Give us your email address so that we can answer you."))
        try:
            validate_email(guest_email)
        except ValidationError:
            raise ChatRefused(_("Enter a valid email address.")) from None
    with transaction.atomic():
        return Conversation.objects.create(
            customer=customer,
            guest_email="" if customer is not None else guest_email,
            guest_name=guest_name.strip()[:150],
            order=order,
            language=(language or (customer.language if customer is not None else "") or "tr")[:8],
        )


def _locked(conversation_id: int) -> Conversation:
    return Conversation.objects.select_for_update().get(pk=conversation_id)


def _move(conversation: Conversation, to_status: str, *, now: datetime) -> list[str]:
    """The one door for a status change (the row is locked by the caller); the fields to save."""
    if not can_move(conversation.status, to_status):
        if not conversation.is_open:
            raise ChatRefused(_("This chat has already ended."))
        raise ChatRefused(_("This step is not possible in this chat now."))
    conversation.status = to_status
    conversation.last_activity_at = now
    return ["status", "last_activity_at"]


def _append(
    conversation: Conversation,
    *,
    author: str,
    body: str,
    agent: User | None = None,
    meta: dict | None = None,
    now: datetime,
) -> ChatMessage:
    message = ChatMessage.objects.create(
        conversation=conversation,
        author=author,
        agent=agent,
        body=body,
        meta=meta or {},
        created_at=now,
    )
    conversation.last_message_id = message.pk
    conversation.last_activity_at = now
    return message


def chat_message_post(
    *,
    conversation_id: int,
    author: str,
    body: str,
    agent: User | None = None,
    meta: dict | None = None,
) -> ChatMessage:
    """Add one plain-text message. The customer writes once a person is on the way (the
    assistant takes buttons, not free text); an agent writes only in a chat they have."""
    body = body.strip()
    if not body:
        raise ChatRefused(_("Write a message first."))
    if len(body) > MESSAGE_MAX_LENGTH:
        raise ChatRefused(
            _("A message may have at most %(limit)d characters.") % {"limit": MESSAGE_MAX_LENGTH}
        )
    if author not in Author.values:
        raise ChatRefused(_("Unknown author."))
    now = timezone.now()
    with transaction.atomic():
        conversation = _locked(conversation_id)
        if not conversation.is_open:
            raise ChatRefused(_("This chat has ended. Start a new one to write again."))
        if author == Author.CUSTOMER and conversation.status == S.ASSISTANT:
            raise ChatRefused(_("Choose one of the answers above, or ask for a person."))
        if author == Author.AGENT and (
            conversation.status != S.ACTIVE or agent is None or conversation.agent_id != agent.pk
        ):
            raise ChatNotYours(_("Take this chat before you answer it."))
        message = _append(conversation, author=author, body=body, agent=agent, meta=meta, now=now)
        conversation.save(update_fields=["last_message_id", "last_activity_at"])
    return message


def conversation_hand_over(
    *, conversation_id: int, team: Team | None = None, note: str = "", said: str = ""
) -> Conversation:
    """The customer asks for a person (`said`: the words of the button they tapped): the chat
    joins the queue (of `team`, or every agent's), with everything said so far attached. Out of
    hours: ChatClosedHours, nothing changed."""
    now = timezone.now()
    if not chat_open_now(now=now):
        raise ChatClosedHours(
            _("Our agents are not working now. We can call you back, or you can tell us about it.")
        )
    with transaction.atomic():
        conversation = _locked(conversation_id)
        if conversation.status in (S.WAITING, S.ACTIVE):
            return conversation  # a second tap: already on its way
        fields = _move(conversation, S.WAITING, now=now)
        conversation.handed_over_at = now
        conversation.team = team
        if said:
            _append(conversation, author=Author.CUSTOMER, body=said, now=now)
        with override(conversation.language):
            text = note or _("You asked for a person. An agent will be with you shortly.")
        _append(conversation, author=Author.SYSTEM, body=text, now=now)
        conversation.save(update_fields=[*fields, "handed_over_at", "team", "last_message_id"])
    return conversation


def conversation_take(*, conversation_id: int, agent: User) -> Conversation:
    """An agent takes a waiting chat (one agent wins under the row lock); a chat of another
    team's queue needs `crm.take_any_chat`."""
    now = timezone.now()
    with transaction.atomic():
        conversation = _locked(conversation_id)
        if conversation.status == S.ACTIVE and conversation.agent_id == agent.pk:
            return conversation
        if conversation.status != S.WAITING:
            raise ChatRefused(
                _("Another agent has already taken this chat.")
                if conversation.status == S.ACTIVE
                else _("This chat is not waiting for an agent.")
            )
        if not _may_work_queue(agent, conversation.team_id):
            raise ChatNotYours(_("This chat waits in another team's queue."))
        fields = _move(conversation, S.ACTIVE, now=now)
        conversation.agent = agent
        conversation.taken_at = conversation.taken_at or now
        with override(conversation.language):
            name = agent.first_name or _("An agent")
            text = _("%(name)s has joined the chat.") % {"name": name}
        _append(conversation, author=Author.SYSTEM, body=text, now=now)
        conversation.save(update_fields=[*fields, "agent", "taken_at", "last_message_id"])
    return conversation


def _may_work_queue(agent: User, team_id: int | None) -> bool:
    if team_id is None or agent.has_perm("crm.take_any_chat"):
        return True
    return agent.teams.filter(pk=team_id).exists()


def conversation_end(
    *,
    conversation_id: int,
    reason: str,
    agent: User | None = None,
    quiet_since: datetime | None = None,
) -> Conversation:
    """End the chat and write its summary as an Interaction (once: ending twice is harmless).
    `quiet_since` (the idle sweep): only if nothing happened in the chat since then."""
    if reason not in ChatEnd.values:
        raise ChatRefused(_("Unknown reason."))
    now = timezone.now()
    with transaction.atomic():
        conversation = _locked(conversation_id)
        if not conversation.is_open:
            return conversation
        if quiet_since is not None and conversation.last_activity_at >= quiet_since:
            return conversation  # someone wrote after the sweep looked
        if reason == ChatEnd.AGENT and (agent is None or conversation.agent_id != agent.pk):
            raise ChatNotYours(_("Only the agent who has this chat can end it."))
        fields = _move(conversation, S.ENDED, now=now)
        conversation.ended_at = now
        conversation.ended_reason = reason
        with override(conversation.language):
            _append(conversation, author=Author.SYSTEM, body=_("The chat has ended."), now=now)
        conversation.interaction = _interaction_for(conversation)
        conversation.save(
            update_fields=[*fields, "ended_at", "ended_reason", "interaction", "last_message_id"]
        )
    return conversation


def _interaction_for(conversation: Conversation) -> Interaction:
    """The chat's summary for the 360: how it went and the customer's first words."""
    said = list(
        conversation.messages.filter(author=Author.CUSTOMER).values_list("body", flat=True)[:3]
    )
    with override("en"):  # staff read summaries in one language, as other interactions
        how = str(ChatEnd(conversation.ended_reason).label)
        parts = [f"Chat #{conversation.pk} — {how}."]
        if conversation.topic:
            parts.append(f"Assistant topic: {conversation.topic}.")
        if said:
            parts.append("Customer: " + " / ".join(said)[:SUMMARY_QUOTE])
    outcome = (
        Interaction.Outcome.INFORMATION_GIVEN
        if conversation.ended_reason == ChatEnd.SELF_SERVED
        else Interaction.Outcome.CALLBACK_SCHEDULED
        if conversation.ended_reason == ChatEnd.CALLBACK
        else Interaction.Outcome.COMPLAINT_OPENED
        if conversation.ended_reason == ChatEnd.COMPLAINT
        else Interaction.Outcome.NOTED
    )
    return interaction_log(
        agent=conversation.agent,
        channel=Interaction.Channel.CHAT,
        direction=Interaction.Direction.INBOUND,
        summary=" ".join(parts),
        outcome=outcome,
        customer=conversation.customer,
        contact_email=conversation.guest_email,
        order=conversation.order,
        subject=("chat", conversation.pk),
    )


def conversation_rate(*, conversation_id: int, rating: int) -> Conversation:
    """The customer's optional 1–5 rating of an ended chat (a second rating replaces the first)."""
    if not isinstance(rating, int) or not 1 <= rating <= 5:
        raise ChatRefused(_("Choose a rating from 1 to 5."))
    with transaction.atomic():
        conversation = _locked(conversation_id)
        if conversation.is_open:
            raise ChatRefused(_("You can rate the chat once it has ended."))
        conversation.rating = rating
        conversation.save(update_fields=["rating"])
    return conversation
