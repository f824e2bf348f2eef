"""Tickets opened for a customer staff should get back to, on crm's behalf (a low feedback
score after delivery): crm hands over a `FollowUp` through its registry."""

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from crm.chat.desk import chat_transcript, conversation_ticket_link
from crm.models import Conversation
from crm.registry import ChatTicket, FollowUp, TicketRef
from orders.models import Order

from ..models import Ticket
from ..states import Category, Channel
from .tickets import BODY_MAX, complaint_note, complaint_open


def complaint_follow_up_open(follow_up: FollowUp) -> Ticket:
    """A new ticket in the desk's queue holding crm's summary as the customer's words (no
    acknowledgement is sent: the customer did not write a complaint; staff get in touch)."""
    order = Order.objects.filter(pk=follow_up.order_id).first() if follow_up.order_id else None
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Low feedback score after delivery")
    return complaint_open(
        channel=Channel.WEB,
        category=Category.OTHER,
        description=follow_up.summary,
        subject=subject,
        customer=follow_up.customer,
        contact_email=follow_up.email,
        language=follow_up.language or settings.LANGUAGE_CODE,
        order=order,
    )


def complaint_from_chat(chat: ChatTicket) -> TicketRef:
    """A live chat an agent turns into a ticket: the transcript is its first message, linked to
    the customer and the order, channel chat (crm keeps the returned id, number and link)."""
    order = Order.objects.filter(pk=chat.order_id).first() if chat.order_id else None
    with translation.override(chat.language or settings.LANGUAGE_CODE):
        subject = _("Live chat #%(number)d") % {"number": chat.conversation_id}
    transcript = _shortened(chat.transcript.strip() or subject)
    ticket = complaint_open(
        channel=Channel.CHAT,
        category=Category.OTHER,
        description=transcript,
        subject=subject,
        customer=chat.customer,
        contact_email=chat.email,
        language=chat.language or settings.LANGUAGE_CODE,
        order=order,
        by=chat.by,
    )
    url = reverse("admin:complaints_ticket_change", args=[ticket.pk])
    return TicketRef(id=str(ticket.pk), number=ticket.number, url=url)


def _shortened(text: str) -> str:
    """The start and the end matter most; the chat's own log has all of it."""
    if len(text) <= BODY_MAX:
        return text
    return text[: BODY_MAX // 2 - 2] + "\n…\n" + text[-(BODY_MAX // 2 - 2) :]


def complaint_chat_attach(*, ticket: Ticket, conversation: Conversation) -> None:
    """The customer opened this complaint from a chat (the assistant, out of hours): the chat's
    transcript goes on the ticket as an internal note, and the chat names the ticket."""
    with translation.override(ticket.language or settings.LANGUAGE_CODE):
        heading = _("Live chat #%(number)d before this complaint:") % {"number": conversation.pk}
    complaint_note(
        ticket=ticket, by=None, body=_shortened(heading + "\n" + chat_transcript(conversation))
    )
    url = reverse("admin:complaints_ticket_change", args=[ticket.pk])
    conversation_ticket_link(
        conversation_id=conversation.pk,
        ticket=TicketRef(id=str(ticket.pk), number=ticket.number, url=url),
    )
