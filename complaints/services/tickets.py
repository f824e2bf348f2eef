"""Opening a ticket, the one door its status goes through, replies and notes.

`complaint_transition` is the only code that assigns `Ticket.status` (as `order_transition` is
for orders): it locks the row, checks the table in states.py, stamps the times and writes the
history. A reply to the customer leaves the transaction only on commit (the outbox)."""

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from crm.notifications.email_ids import email_message_id
from crm.notifications.models import Channel as MessageChannel
from crm.notifications.services import notification_send
from orders.models import Order, OrderLine
from shop.audit import audit_record
from shop.models import User
from shop.numbers import insert_with_number
from shop.phones import normalize_phone

from ..exceptions import ComplaintRefused, InvalidTicketTransition
from ..inbound.tokens import reply_address
from ..lifecycle import customer_may_reopen, reopen_expired_message
from ..models import Ticket, TicketEvent, TicketLine, TicketMessage
from ..states import Category, Channel, Outcome, Priority, TicketStatus, can_transition
from .assignment import ticket_auto_assign
from .clock import ticket_clock_update
from .recipients import ticket_recipient as _recipient
from .surveys import satisfaction_survey_open

SUBJECT_MAX = 200
BODY_MAX = 5000


def customer_match(*, email: str = "", phone: str = "") -> User | None:
    """The active account a contact belongs to: by email (any case), else by a phone number in
    any written form (the shop's normaliser) that exactly one account holds; None for a guest."""
    email = (email or "").strip()
    if email:
        user = User.objects.filter(email__iexact=email, is_active=True).first()
        if user is not None:
            return user
    if phone:
        try:
            e164 = normalize_phone(phone)
        except ValidationError:
            return None
        owners = list(User.objects.filter(phone=e164, is_active=True).order_by("pk")[:2])
        return owners[0] if len(owners) == 1 else None  # a shared number names nobody
    return None


def complaint_open(
    *,
    channel: str,
    category: str,
    description: str,
    subject: str = "",
    customer: User | None = None,
    contact_name: str = "",
    contact_email: str = "",
    contact_phone: str = "",
    language: str = "tr",
    order: Order | None = None,
    order_lines: Iterable[OrderLine] = (),
    desired_outcome: str = "",
    priority: str = Priority.NORMAL,
    by: User | None = None,
) -> Ticket:
    """Open one ticket with the customer's own words as its first message; ComplaintRefused
    (nothing written) for bad input. A guest is matched to an account by email or phone."""
    description = (description or "").strip()
    contact_email = (contact_email or "").strip().lower()
    if channel not in Channel.values:
        raise ComplaintRefused(_("Choose a channel."))
    if category not in Category.values:
        raise ComplaintRefused(_("Choose what the complaint is about."))
    if priority not in Priority.values:
        raise ComplaintRefused(_("Choose a priority."))
    if desired_outcome and desired_outcome not in Outcome.values:
        raise ComplaintRefused(_("Choose what the customer would like."))
    if not description:
        raise ComplaintRefused(_("Tell us what happened."))
    if len(description) > BODY_MAX:
        raise ComplaintRefused(
            _("Please keep it under %(count)d characters.") % {"count": BODY_MAX}
        )
    if contact_email:
        try:
            validate_email(contact_email)
        except ValidationError:
            raise ComplaintRefused(_("Enter a valid email address.")) from None
    if contact_phone:
        try:
            contact_phone = normalize_phone(contact_phone)
        except ValidationError as error:
            raise ComplaintRefused(error.messages[0]) from None
    if customer is None:
        customer = customer_match(email=contact_email, phone=contact_phone)
    if customer is None and not (contact_email or contact_phone):
        raise ComplaintRefused(_("Give an email address or a phone number to reach you."))
    lines = list(order_lines)
    if order is not None and any(line.order_id != order.pk for line in lines):
        raise ComplaintRefused(_("Those items are not in this order."))
    if lines and order is None:
        raise ComplaintRefused(_("Those items are not in this order."))
    subject = (subject or "").strip() or Category(category).label
    ticket = Ticket(
        customer=customer,
        contact_name=(contact_name or (customer.get_full_name() if customer else "")).strip(),
        contact_email=contact_email or (customer.email if customer else ""),
        contact_phone=contact_phone or (customer.phone if customer else ""),
        language=(customer.language if customer and customer.language else language) or "tr",
        order=order,
        channel=channel,
        category=category,
        priority=priority,
        desired_outcome=desired_outcome,
        subject=str(subject)[:SUBJECT_MAX],
        created_by=by,
    )
    with transaction.atomic():
        _save_with_number(ticket)
        TicketLine.objects.bulk_create(TicketLine(ticket=ticket, order_line=line) for line in lines)
        TicketMessage.objects.create(
            ticket=ticket, kind=TicketMessage.Kind.CUSTOMER, body=description, author=customer
        )
        TicketEvent.objects.create(
            ticket=ticket, actor=by or customer, kind="opened", to_status=TicketStatus.NEW,
            note=Channel(channel).label,
        )  # fmt: skip
        ticket_clock_update(ticket)
        if by is not None:
            audit_record(actor=by, action="complaint.open", target=ticket)
        # Its rows are written: give it to the default team's next agent (ticket → team locks).
        ticket_auto_assign(ticket=ticket)
    return ticket


def _save_with_number(ticket: Ticket) -> None:
    """Save with a fresh number (SK-XXXX-XXXX), retrying the rare collision."""
    if not insert_with_number(ticket, prefix="SK"):
        raise ComplaintRefused(_("Something went wrong; please try again."))


def complaint_transition(
    *, ticket: Ticket, to: str, by: User | None = None, note: str = ""
) -> Ticket:
    """The only way a ticket's status changes: checked against states.TRANSITIONS, stamped and
    logged under the ticket's row lock. Moving to the status it already has changes nothing."""
    with transaction.atomic():
        locked = Ticket.objects.select_for_update().get(pk=ticket.pk)
        if locked.status == to:
            return locked
        if not can_transition(locked.status, to):
            raise InvalidTicketTransition(
                _("A complaint that is “%(current)s” cannot become “%(target)s”.")
                % {
                    "current": TicketStatus(locked.status).label,
                    "target": TicketStatus(to).label,
                }
            )
        previous = locked.status
        now = timezone.now()
        locked.status = to
        fields = ["status", "updated_at"]
        if to == TicketStatus.RESOLVED:
            locked.resolved_at = now
            fields.append("resolved_at")
        if to == TicketStatus.CLOSED:
            locked.closed_at = now
            fields.append("closed_at")
        if previous == TicketStatus.RESOLVED and to == TicketStatus.IN_PROGRESS:
            locked.resolved_at = None  # reopened
            fields.append("resolved_at")
        locked.save(update_fields=fields)
        TicketEvent.objects.create(
            ticket=locked,
            actor=by,
            kind="reopened" if previous == TicketStatus.RESOLVED else "status",
            from_status=previous,
            to_status=to,
            note=note,
        )
        ticket_clock_update(locked)
        if to == TicketStatus.RESOLVED:
            satisfaction_survey_open(ticket=locked, by=by)
    return locked


def _message_text(body: str, *, missing: str) -> str:
    """A message's text, trimmed; ComplaintRefused when it is empty or too long."""
    body = (body or "").strip()
    if not body:
        raise ComplaintRefused(missing)
    if len(body) > BODY_MAX:
        raise ComplaintRefused(
            _("Please keep it under %(count)d characters.") % {"count": BODY_MAX}
        )
    return body


def complaint_reply(*, ticket: Ticket, by: User, body: str) -> TicketMessage:
    """A public reply from the desk: written on the ticket, sent to the customer on commit
    (email, and SMS where they gave a mobile number), the first response stamped, and a new
    ticket taken up (in progress)."""
    body = _message_text(body, missing=_("Write the reply."))
    with transaction.atomic():
        locked = Ticket.objects.select_for_update().get(pk=ticket.pk)
        if locked.status == TicketStatus.CLOSED:
            raise ComplaintRefused(_("This complaint is closed."))
        message = TicketMessage.objects.create(
            ticket=locked, kind=TicketMessage.Kind.REPLY, author=by, body=body
        )
        if locked.first_response_at is None:
            locked.first_response_at = message.created_at
            Ticket.objects.filter(pk=locked.pk).update(first_response_at=message.created_at)
        if locked.status == TicketStatus.NEW:
            locked = complaint_transition(ticket=locked, to=TicketStatus.IN_PROGRESS, by=by)
        else:
            ticket_clock_update(locked)  # from the first-response target to the resolution one
        TicketEvent.objects.create(ticket=locked, actor=by, kind="reply")
        sent = notification_send(
            to=_recipient(locked),
            kind="complaint_reply",
            context={"ticket_number": locked.number, "reply_body": body},
            # The SMS only says an answer is waiting (no text of it), where a mobile is known.
            channels=[MessageChannel.EMAIL, MessageChannel.SMS],
            subject=("complaint", locked.pk),
            dedupe_key=f"complaint-reply:{message.pk}",
            reply_to=reply_address(locked.token),
        )
        # The email's Message-ID on the reply: an answer naming it in In-Reply-To threads here.
        for row in sent:
            if row.channel == MessageChannel.EMAIL:
                message.message_id = email_message_id(row.pk)
                message.save(update_fields=["message_id"])
    return message


def complaint_customer_message(
    *, ticket: Ticket, body: str, by: User | None = None
) -> TicketMessage:
    """The customer writes on their ticket ("My complaints" or the guest's link): a ticket
    waiting on them, or resolved within the reopen period, is taken up again (in progress); a
    closed one, or one resolved longer ago than the period, is refused."""
    body = _message_text(body, missing=_("Write your message."))
    with transaction.atomic():
        locked = Ticket.objects.select_for_update().get(pk=ticket.pk)
        if locked.status == TicketStatus.CLOSED:
            raise ComplaintRefused(
                _("This complaint is closed. Please open a new one if you need us.")
            )
        if locked.status == TicketStatus.RESOLVED and not customer_may_reopen(locked):
            raise ComplaintRefused(reopen_expired_message())
        message = TicketMessage.objects.create(
            ticket=locked, kind=TicketMessage.Kind.CUSTOMER, author=by, body=body
        )
        if locked.status in (TicketStatus.WAITING_ON_CUSTOMER, TicketStatus.RESOLVED):
            complaint_transition(
                ticket=locked, to=TicketStatus.IN_PROGRESS, by=by, note=_("The customer wrote.")
            )
        TicketEvent.objects.create(ticket=locked, actor=by, kind="customer_message")
    return message


def complaint_received_send(*, ticket: Ticket, url: str) -> None:
    """Tell the customer the complaint arrived, with its number and the link to follow it
    (once per ticket; sent on commit)."""
    notification_send(
        to=_recipient(ticket),
        kind="complaint_received",
        context={"ticket_number": ticket.number, "action_url": url},
        channels=[MessageChannel.EMAIL],
        subject=("complaint", ticket.pk),
        dedupe_key=f"complaint-received:{ticket.pk}",
        reply_to=reply_address(ticket.token),
    )


def complaint_note(*, ticket: Ticket, by: User, body: str) -> TicketMessage:
    """An internal note (never shown to the customer), tagged with the author's team so agents
    of other teams do not see it."""
    body = (body or "").strip()
    if not body:
        raise ComplaintRefused(_("Write the note."))
    team = by.teams.order_by("pk").first() if by is not None else None
    with transaction.atomic():
        message = TicketMessage.objects.create(
            ticket=ticket, kind=TicketMessage.Kind.NOTE, author=by, body=body, team=team
        )
        TicketEvent.objects.create(ticket=ticket, actor=by, kind="note")
    return message
