"""The writes behind the 360's action buttons: a one-off message, goodwill (a coupon or points),
a resend.

Logging an interaction or a note and recording a consent call their services directly
(`crm.staff.interactions.interaction_log`, `notifications.services.consent_record_by_staff`).
Each function here is one service: it checks, then writes in one transaction (the outbox sends
on commit); a refusal raises with a message for the agent and changes nothing.
"""

import re
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from crm.notifications.kinds import MessageKind, register_kind
from crm.notifications.models import Category, Channel, Message, Status
from crm.notifications.services import message_resend, notification_send
from crm.staff.limits import goodwill_within_limit
from orders.models import Coupon, CouponKind, Order
from orders.services import coupon_issue_personal
from payments.models import PointsEntry
from payments.services.points import points_adjust
from shop.audit import audit_record
from shop.models import User

from ..registry import ComplaintRow, registered_complaint_sources
from .exceptions import ActionRefused
from .placeholders import placeholder_values, render_placeholders

# A message an agent writes: about an order or a complaint it is transactional (the customer
# asked), otherwise marketing (consent, suppressions and the weekly cap apply in the outbox).
STAFF_MESSAGE = "staff_message"
STAFF_MESSAGE_MARKETING = "staff_message_marketing"
MESSAGE_CHANNELS = (Channel.EMAIL, Channel.SMS)
RESENDABLE = (Status.SENT, Status.DELIVERED)
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


def register_message_kinds() -> None:
    sample = {"staff_subject": "Siparişiniz hakkında", "staff_body": "Siparişiniz yarın kargoda."}
    register_kind(MessageKind(STAFF_MESSAGE, Category.TRANSACTIONAL, MESSAGE_CHANNELS, sample))
    register_kind(
        MessageKind(STAFF_MESSAGE_MARKETING, Category.MARKETING, MESSAGE_CHANNELS, sample)
    )


def _check_token(token: str) -> str:
    if not _TOKEN.match(token or ""):
        raise ActionRefused(_("The form has expired: open it again from the customer 360."))
    return token


def customer_complaint(*, customer: User, number: str) -> ComplaintRow | None:
    """One of the customer's complaints by its number (through the complaint registry)."""
    number = number.strip().upper()
    for source in registered_complaint_sources():
        for row in source.for_customer(customer, 100):
            if row.number.upper() == number:
                return row
    return None


def customer_message_send(
    *,
    agent: User,
    customer: User,
    channel: str,
    subject: str,
    body: str,
    token: str,
    order: Order | None = None,
    complaint: ComplaintRow | None = None,
) -> Message:
    """Send the agent's own text to the customer on one channel; returns the outbox row, which
    may be suppressed (no consent, the weekly cap) when the message is marketing.

    The same form token sends once (a double submit returns the first message)."""
    _check_token(token)
    if channel not in MESSAGE_CHANNELS:
        raise ActionRefused(_("Choose email or SMS."))
    if order is not None and order.user_id != customer.pk:
        raise ActionRefused(_("That order is not this customer's."))
    if not customer.is_active:
        raise ActionRefused(_("This account is closed: nothing can be sent to it."))
    if channel == Channel.EMAIL and not customer.email:
        raise ActionRefused(_("The customer has no email address."))
    if channel == Channel.SMS and not customer.phone:
        raise ActionRefused(_("The customer has no mobile phone number."))
    if not body.strip():
        raise ActionRefused(_("Write the message."))
    if channel == Channel.EMAIL and not subject.strip():
        raise ActionRefused(_("Write a subject for the email."))
    dedupe_key = f"staff:{customer.pk}:{token}"
    sent = Message.objects.filter(dedupe_key=dedupe_key).first()
    if sent is not None:
        return sent  # a double submit of the same form
    values = placeholder_values(customer=customer, order_number=order.number if order else "")
    subject_text = render_placeholders(subject.strip(), values)
    body_text = render_placeholders(body.strip(), values)
    if order is not None:
        kind, about = STAFF_MESSAGE, ("order", order.pk)
    elif complaint is not None:
        kind, about = STAFF_MESSAGE, ("complaint", complaint.object_id)
    else:
        kind, about = STAFF_MESSAGE_MARKETING, None
    with transaction.atomic():
        rows = notification_send(
            to=customer,
            kind=kind,
            context={"staff_subject": subject_text, "staff_body": body_text},
            channels=[channel],
            subject=about,
            dedupe_key=dedupe_key,
        )
        if not rows:
            raise ActionRefused(_("The customer has no address on that channel."))
        audit_record(
            actor=agent,
            action="customer.message",
            target=rows[0],
            details={"customer": customer.pk, "channel": channel, "kind": kind},
        )
    return rows[0]


def order_message_resend(*, agent: User, customer: User, message_id: int) -> Message:
    """Send one of the customer's order messages again (a new outbox row; audited)."""
    order_ids = [
        str(pk) for pk in Order.objects.filter(user_id=customer.pk).values_list("pk", flat=True)
    ]
    message = Message.objects.filter(
        pk=message_id, subject_type="order", subject_id__in=order_ids
    ).first()
    if message is None:
        raise ActionRefused(_("That is not a message about one of this customer's orders."))
    if message.status not in RESENDABLE:
        raise ActionRefused(
            _("Only a message that was sent or delivered can be resent; this one is %(status)s.")
            % {"status": message.get_status_display().lower()}
        )
    with transaction.atomic():
        copy = message_resend(message=message)
        audit_record(
            actor=agent,
            action="message.resend",
            target=copy,
            details={"customer": customer.pk, "resend_of": message.pk},
        )
    return copy


def goodwill_coupon_give(
    *, agent: User, customer: User, value: Decimal, valid_days: int, reason: str, token: str
) -> Coupon:
    """A single-use coupon of a fixed amount for this customer, within the agent's limit
    (OverAgentLimit above it: a lead approves). The form token is the issue key, so a double
    submit makes one coupon. Audited by the coupon service (issued_by)."""
    _check_token(token)
    if not reason.strip():
        raise ActionRefused(_("Give a reason for the goodwill."))
    if not customer.is_active:
        raise ActionRefused(_("This account is closed: it cannot receive a coupon."))
    goodwill_within_limit(agent=agent, coupon_value=Decimal(value))
    return coupon_issue_personal(
        user=customer,
        kind=CouponKind.FIXED,
        value=Decimal(value),
        valid_days=valid_days,
        reason=reason.strip(),
        issue_key=f"goodwill:{customer.pk}:{token}",
        issued_by=agent,
    )


def goodwill_points_give(
    *, agent: User, customer: User, points: int, reason: str, token: str
) -> PointsEntry:
    """Goodwill loyalty points for this customer, within the agent's limit (OverAgentLimit
    above it: a lead approves). The form token keys the grant, so a double submit grants once.
    Audited by the points service."""
    _check_token(token)
    if not reason.strip():
        raise ActionRefused(_("Give a reason for the goodwill."))
    if not customer.is_active:
        raise ActionRefused(_("This account is closed: it cannot receive points."))
    if points < 1:
        raise ActionRefused(_("Give at least one point."))
    goodwill_within_limit(agent=agent, points=points)
    return points_adjust(
        user=customer,
        points=points,
        reason=reason.strip(),
        actor=agent,
        key=f"goodwill-{customer.pk}-{token}",
    )
