"""Inbound email into tickets (docs/complaints.md, "Threading"): a reply joins its ticket by the
signed reply address, else by In-Reply-To/References against the Message-IDs the desk holds
(the customer's earlier emails, the desk's own replies); anything else opens a new ticket.

The email's Message-ID is unique on the conversation, so the same message delivered twice (a
provider's retry, the webhook and the maildir both, two at once) makes one ticket and one entry."""

import logging
import re
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from crm.notifications.selectors import outbox_row_for_email_id
from orders.models import Order
from orders.selectors import order_tracked

from ..exceptions import ComplaintRefused
from ..inbound.exceptions import InboundRefused
from ..inbound.maildir import maildir_mark_processed, maildir_messages
from ..inbound.parse import InboundEmail, inbound_parse
from ..inbound.tokens import reply_token_read
from ..links import ticket_url
from ..models import Ticket, TicketEvent, TicketMessage
from ..states import Category, Channel, TicketStatus
from .attachments import email_photos_checked, ticket_attachments_add
from .tickets import (
    BODY_MAX,
    complaint_open,
    complaint_received_send,
    complaint_transition,
    customer_match,
)

log = logging.getLogger(__name__)
NAME_MAX = Ticket._meta.get_field("contact_name").max_length
ORDER_NUMBER = re.compile(r"\bDK-[A-Z2-9]{4}-[A-Z2-9]{4}\b", re.IGNORECASE)


@dataclass(frozen=True)
class InboundResult:
    ticket: Ticket
    message: TicketMessage
    created: bool  # a new ticket was opened
    duplicate: bool  # the message was already on a ticket: nothing written now
    dropped: tuple[str, ...] = ()  # files not kept, each with the reason


def complaint_from_raw_email(*, raw: bytes) -> InboundResult:
    """Read a raw RFC 5322 message and take it (InboundRefused when it cannot be read or has
    no usable sender; nothing is written then)."""
    return complaint_from_email(email=inbound_parse(raw))


def complaint_from_email(*, email: InboundEmail) -> InboundResult:
    """Thread the email onto its ticket or open a new one (channel email, category "other",
    the sender matched to an account by email, the order its text names when it is the
    sender's). A message taken before is returned as a
    duplicate; an automatic message (out of office, bounce) is stored but never answered and
    moves no status."""
    if not email.sender:
        raise ComplaintRefused(InboundRefused("no_sender").message)
    existing = _already_taken(email.message_id)
    if existing is not None:
        return existing
    photos, dropped = email_photos_checked(email.attachments)
    written: list = []
    try:
        with transaction.atomic():
            result = _store(email, photos, dropped, written)
    except IntegrityError:
        _files_removed(written)
        # Another delivery of the same message committed first (the unique Message-ID).
        existing = _already_taken(email.message_id)
        if existing is None:
            raise
        return existing
    except Exception:
        _files_removed(written)
        raise
    return result


def _files_removed(attachments: list) -> None:
    """The files of a write that was rolled back (their rows are gone with it)."""
    for attachment in attachments:
        attachment.file.delete(save=False)


def _already_taken(message_id: str) -> InboundResult | None:
    message = TicketMessage.objects.filter(message_id=message_id).select_related("ticket").first()
    if message is None:
        return None
    return InboundResult(ticket=message.ticket, message=message, created=False, duplicate=True)


def thread_ticket(email: InboundEmail) -> Ticket | None:
    """The ticket the email answers: its reply token, else the nearest of its thread ids that
    is a message on a ticket (one the customer sent, or the desk's own email)."""
    token = reply_token_read(email.recipients)
    if token:
        ticket = Ticket.objects.filter(token=token).first()
        if ticket is not None:
            return ticket
    ids = email.thread_ids
    if not ids:
        return None
    on_tickets = dict(
        TicketMessage.objects.filter(message_id__in=ids).values_list("message_id", "ticket_id")
    )
    for message_id in ids:
        ticket_id = on_tickets.get(message_id)
        if ticket_id is None:
            row = outbox_row_for_email_id(message_id)  # e.g. "complaint received"
            if row is not None and row.subject_type == "complaint" and row.subject_id.isdigit():
                ticket_id = int(row.subject_id)
        if ticket_id is not None:
            ticket = Ticket.objects.filter(pk=ticket_id).first()
            if ticket is not None:
                return ticket
    return None


def _named_order(email: InboundEmail) -> Order | None:
    """The order the email names by number (subject or text), when it was placed with the
    sender's address (as guest tracking asks): nobody attaches another person's order."""
    for number in dict.fromkeys(ORDER_NUMBER.findall(f"{email.subject}\n{email.body}")):
        order = order_tracked(number=number.upper(), email=email.sender)
        if order is not None:
            return order
    return None


def _text(email: InboundEmail) -> str:
    text = (email.body or email.full_body or "").strip()
    if not text:
        text = email.subject or _("(The email had no text.)")
    if len(text) > BODY_MAX:
        text = text[: BODY_MAX - 1] + "…"
    return text


def _store(email: InboundEmail, photos: list, dropped: list[str], written: list) -> InboundResult:
    ticket = thread_ticket(email)
    sender = customer_match(email=email.sender)
    if ticket is not None and ticket.status == TicketStatus.CLOSED and not email.auto_submitted:
        follows, ticket = ticket, None  # a closed ticket takes nothing: the customer starts anew
    else:
        follows = None
    if ticket is None:
        ticket = complaint_open(
            channel=Channel.EMAIL,
            category=Category.OTHER,
            description=_text(email),
            subject=email.subject,
            customer=sender,
            contact_name=email.sender_name[:NAME_MAX],
            contact_email=email.sender,
            order=_named_order(email),
            language=(sender.language if sender and sender.language else "")
            or settings.LANGUAGE_CODE,
        )
        message = ticket.messages.get()
        message.message_id = email.message_id
        message.save(update_fields=["message_id"])  # IntegrityError: delivered twice at once
        created = True
        if follows is not None:
            TicketEvent.objects.create(
                ticket=ticket,
                kind="follows",
                note=_("An answer to the closed complaint %(number)s.")
                % {"number": follows.number},
            )
    else:
        locked = Ticket.objects.select_for_update().get(pk=ticket.pk)
        author = sender if sender is not None and sender.pk == locked.customer_id else None
        message = TicketMessage.objects.create(
            ticket=locked,
            kind=TicketMessage.Kind.CUSTOMER,
            author=author,
            body=_text(email),
            message_id=email.message_id,
        )
        TicketEvent.objects.create(
            ticket=locked,
            actor=author,
            kind="customer_email",
            note=_("An automatic reply from %(sender)s.") % {"sender": email.sender}
            if email.auto_submitted
            else email.sender,
        )
        if not email.auto_submitted and locked.status in (
            TicketStatus.WAITING_ON_CUSTOMER,
            TicketStatus.RESOLVED,
        ):
            complaint_transition(
                ticket=locked, to=TicketStatus.IN_PROGRESS, note=_("The customer wrote.")
            )
        ticket, created = locked, False
    written.extend(ticket_attachments_add(ticket=ticket, message=message, photos=photos))
    if dropped:
        TicketEvent.objects.create(
            ticket=ticket,
            kind="attachments_dropped",
            note=_("Not kept: %(files)s") % {"files": "; ".join(dropped)},
        )
    if created and not email.auto_submitted:
        complaint_received_send(ticket=ticket, url=ticket_url(ticket=ticket, absolute=True))
    log.info("inbound email %s → %s (new: %s)", email.message_id, ticket.number, created)
    return InboundResult(
        ticket=ticket, message=message, created=created, duplicate=False, dropped=tuple(dropped)
    )


@dataclass
class MaildirRun:
    new_tickets: int = 0
    threaded: int = 0
    duplicates: int = 0
    refused: int = 0
    failed: int = 0


def complaints_maildir_read(*, path: str) -> MaildirRun:
    """Take every unprocessed message of the maildir and mark each taken (or refused) one
    processed (moved to cur/ with the "S" flag). A message that fails for another reason (the
    database away) stays for the next run; a run twice takes nothing twice."""
    run = MaildirRun()
    for key, raw in maildir_messages(path):
        try:
            result = complaint_from_raw_email(raw=raw)
        except (InboundRefused, ComplaintRefused) as refused:
            log.info("maildir message %s refused: %s", key, refused)
            run.refused += 1
        except Exception:
            log.exception("maildir message %s could not be taken; it stays for the next run", key)
            run.failed += 1
            continue
        else:
            if result.duplicate:
                run.duplicates += 1
            elif result.created:
                run.new_tickets += 1
            else:
                run.threaded += 1
        maildir_mark_processed(path, key)
    return run
