"""What agents do to a chat besides answering: transfer it, turn it into a complaint.

Both are staff actions on a customer's conversation: audited (shop.audit) in the same
transaction, under the conversation's row lock."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from crm.models import Conversation, Team
from crm.registry import ChatTicket, TicketRef, chat_ticket_opener
from shop.audit import audit_record
from shop.models import User

from .exceptions import ChatNotYours, ChatRefused
from .services import _append, _locked, _move
from .states import Author, ChatStatus

S = ChatStatus


def _may_act(conversation: Conversation, by: User) -> bool:
    return conversation.agent_id == by.pk or by.has_perm("crm.take_any_chat")


def conversation_transfer(
    *, conversation_id: int, by: User, to_agent: User | None = None, to_team: Team | None = None
) -> Conversation:
    """Hand an active chat to another agent (it stays active, theirs now) or to a team's queue
    (it waits there again). Only the agent who has it, or staff with `crm.take_any_chat`."""
    if (to_agent is None) == (to_team is None):
        raise ChatRefused(_("Choose an agent or a team."))
    if to_agent is not None and not (
        to_agent.is_active and to_agent.is_staff and to_agent.has_perm("crm.use_chat_console")
    ):
        raise ChatRefused(_("This person does not answer chats."))
    now = timezone.now()
    with transaction.atomic():
        conversation = _locked(conversation_id)
        if conversation.status != S.ACTIVE:
            raise ChatRefused(_("Only a chat with an agent can be transferred."))
        if not _may_act(conversation, by):
            raise ChatNotYours(_("Only the agent who has this chat can transfer it."))
        if to_agent is not None and to_agent.pk == conversation.agent_id:
            raise ChatRefused(_("This agent already has the chat."))
        before = {"agent": conversation.agent_id, "team": conversation.team_id}
        with override(conversation.language):
            if to_agent is not None:
                fields = _move(conversation, S.ACTIVE, now=now)
                conversation.agent = to_agent
                name = to_agent.first_name or _("Another agent")
                text = _("%(name)s has taken over the chat.") % {"name": name}
            else:
                fields = _move(conversation, S.WAITING, now=now)
                conversation.agent = None
                conversation.team = to_team
                text = _("We are passing you to a colleague. Please stay in the chat.")
        _append(conversation, author=Author.SYSTEM, body=text, now=now)
        conversation.save(update_fields=[*fields, "agent", "team", "last_message_id"])
        audit_record(
            actor=by,
            action="chat.transfer",
            target=conversation,
            details={
                "from": before,
                "to": {"agent": conversation.agent_id, "team": conversation.team_id},
            },
        )
    return conversation


def chat_transcript(conversation: Conversation) -> str:
    """The chat as plain text, one line per message (its summary once it has been removed)."""
    lines = []
    for message in (
        conversation.messages.order_by("pk")
        .only("author", "body", "created_at", "agent__first_name")
        .select_related("agent")
    ):
        who = str(Author(message.author).label)
        if message.author == Author.AGENT and message.agent is not None:
            who = message.agent.first_name or who
        stamp = timezone.localtime(message.created_at).strftime("%Y-%m-%d %H:%M")
        lines.append(f"[{stamp}] {who}: {message.body}")
    if not lines and conversation.interaction_id:
        return conversation.interaction.summary
    return "\n".join(lines)


def conversation_ticket_open(*, conversation_id: int, by: User) -> Conversation:
    """Turn the chat into a complaint in one click: the desk opens a ticket linked to the
    customer and the order with the transcript as its first message; a second click opens none."""
    opener = chat_ticket_opener()
    if opener is None:
        raise ChatRefused(_("The complaint desk is not available."))
    with transaction.atomic():
        conversation = _locked(conversation_id)
        if conversation.ticket_id:
            return conversation
        if conversation.is_open and not _may_act(conversation, by):
            raise ChatNotYours(_("Only the agent who has this chat can turn it into a complaint."))
        customer = conversation.customer
        ticket = opener(
            ChatTicket(
                customer=customer,
                email=customer.email if customer is not None else conversation.guest_email,
                order_id=conversation.order_id,
                language=conversation.language,
                transcript=chat_transcript(conversation),
                conversation_id=conversation.pk,
                by=by,
            )
        )
        conversation.ticket_id = ticket.id[:40]
        conversation.ticket_number = ticket.number[:40]
        conversation.ticket_url = ticket.url[:300]
        conversation.save(update_fields=["ticket_id", "ticket_number", "ticket_url"])
        audit_record(
            actor=by,
            action="chat.ticket",
            target=conversation,
            details={"ticket": ticket.number},
        )
    return conversation


def conversation_ticket_link(*, conversation_id: int, ticket: TicketRef) -> Conversation:
    """A complaint the customer opened from the chat (out of hours): the chat names it, as if an
    agent had turned it into one (a chat already linked keeps its first)."""
    with transaction.atomic():
        conversation = _locked(conversation_id)
        if not conversation.ticket_id:
            conversation.ticket_id = ticket.id[:40]
            conversation.ticket_number = ticket.number[:40]
            conversation.ticket_url = ticket.url[:300]
            conversation.save(update_fields=["ticket_id", "ticket_number", "ticket_url"])
    return conversation
