"""The outbox: queue, claim, deliver, relay, resend, and the providers' delivery reports.

`notification_send` writes outbox rows in the caller's transaction and schedules delivery on
commit, so a rolled-back order sends nothing and a broker outage never breaks the request
(the periodic relay picks up what was not enqueued).
"""

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from shop.background import enqueue, enqueue_on_commit
from shop.models import User

from .. import backends
from ..exceptions import PermanentDeliveryError, TemporaryDeliveryError
from ..kinds import MessageKind, get_kind, kinds_outside_cap, switchable
from ..links import unsubscribe_url
from ..models import CAP_COUNTED_STATUSES, Category, Channel, Message, Status, Suppression
from ..push import push_payload, push_reachable, push_refusal
from ..rendering import render_message
from ..selectors import kind_enabled
from ..send_checks import send_refusal
from ..sms import sms_length
from .consent import consent_is_given

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Recipient:
    """Someone without an account (a guest at checkout), or an account reached at addresses
    other than its own (the phone given at checkout): `account` then names it, for the channels
    that reach an account rather than an address (browser notifications)."""

    email: str = ""
    phone: str = ""
    language: str = ""
    time_zone: str = ""
    account: User | None = None


def notification_send(
    *,
    to: User | Recipient,
    kind: str,
    context: dict | None = None,
    channels: list[str] | tuple[str, ...] | None = None,
    subject: tuple[str, object] | None = None,
    dedupe_key: str = "",
    not_before: datetime | None = None,
    reply_to: str = "",
) -> list[Message]:
    """Queue one message per channel; returns the rows (existing ones for a repeated key).

    `not_before`: not sent before this time (a journey's local morning); marketing also waits
    out the quiet hours of the recipient's time zone from then on. `reply_to`: the email's
    Reply-To address (a help desk's address for its ticket). A browser notification goes only
    to an account that said yes to them and has a browser subscribed; otherwise none is queued."""
    message_kind = get_kind(kind)
    user = to if isinstance(to, User) else None
    language = to.language or settings.LANGUAGE_CODE
    rows = []
    for channel in channels or message_kind.channels:
        address = _address(to, channel)
        if not address:
            continue
        if dedupe_key:
            existing = Message.objects.filter(dedupe_key=dedupe_key, channel=channel).first()
            if existing:
                rows.append(existing)
                continue
        row = _build(
            user=to.account if channel == Channel.PUSH and user is None else user,
            to=to,
            kind=message_kind.name,
            category=message_kind.category,
            channel=channel,
            address=address,
            language=language,
            context=context or {},
            subject=subject,
            dedupe_key=dedupe_key,
            not_before=not_before,
        )
        if channel == Channel.EMAIL:
            row.reply_to = reply_to
        try:
            with transaction.atomic():
                row.save()
        except IntegrityError:  # a concurrent sender won the dedupe key
            rows.append(Message.objects.get(dedupe_key=dedupe_key, channel=channel))
            continue
        if row.status in (Status.QUEUED, Status.DEFERRED):
            enqueue_delivery(row)
        rows.append(row)
    return rows


def _address(to: User | Recipient, channel: str) -> str:
    """Where the message goes on the channel, or "" when it cannot (or may not) go there."""
    if channel == Channel.EMAIL:
        return to.email
    if channel == Channel.PUSH:
        account = to if isinstance(to, User) else to.account
        # The account's browsers, named by its email address in the log.
        return (account.email or str(account.pk)) if push_reachable(account) else ""
    return to.phone


def _build(
    *,
    user: User | None,
    to: User | Recipient,
    kind: str,
    category: str,
    channel: str,
    address: str,
    language: str,
    context: dict,
    subject: tuple[str, object] | None,
    dedupe_key: str,
    not_before: datetime | None,
) -> Message:
    context = dict(context)
    if user is not None:
        context.setdefault("first_name", user.first_name)
    if category == Category.MARKETING and user is not None:
        context["unsubscribe_url"] = unsubscribe_url(user=user, channel=channel)
    rendered = render_message(
        kind=kind, category=category, channel=channel, language=language, context=context
    )
    row = Message(
        kind=kind,
        channel=channel,
        category=category,
        user=user,
        recipient=address,
        language=language,
        subject_line=rendered.subject[:255],
        body_text=rendered.text,
        body_html=rendered.html,
        subject_type=subject[0] if subject else "",
        subject_id=str(subject[1]) if subject else "",
        dedupe_key=dedupe_key,
    )
    if channel == Channel.SMS:
        length = sms_length(rendered.text)
        row.sms_encoding, row.sms_parts = length.encoding, length.parts
    if channel == Channel.PUSH:
        # A later step about the same thing replaces the earlier notification on the screen.
        tag = f"{subject[0]}-{subject[1]}" if subject else kind
        row.body_text = push_payload(
            title=rendered.subject,
            body=rendered.text,
            url=str(context.get("url") or settings.SITE_URL),
            tag=tag,
        )
    now = timezone.now()
    if not_before is not None and not_before > now:
        row.status, row.not_before, row.status_reason = Status.DEFERRED, not_before, "not before"
    if switchable(get_kind(kind)) and not kind_enabled(kind):
        row.status, row.status_reason = Status.SUPPRESSED, "switched off"
        return row
    if category == Category.MARKETING:
        reason = _marketing_refusal(
            user=user, channel=channel, address=address, kind=get_kind(kind)
        )
        if reason:
            row.status, row.status_reason = Status.SUPPRESSED, reason
            log.info("suppressed %s by %s to user %s: %s", kind, channel, row.user_id, reason)
            return row
        # Quiet hours hold marketing on every channel, in the recipient's own time zone.
        morning = next_allowed_time(now=max(now, row.not_before), time_zone=time_zone_of(to))
        if morning:
            row.status, row.not_before = Status.DEFERRED, morning
            row.status_reason = "quiet hours"
    return row


def time_zone_of(to: User | Recipient) -> str:
    return to.time_zone or settings.TIME_ZONE


def _marketing_refusal(*, user: User | None, channel: str, address: str, kind: MessageKind) -> str:
    """Why a marketing message may not go out, or '' if it may."""
    if user is None or not consent_is_given(user=user, channel=channel):
        return "no consent"
    if Suppression.objects.filter(channel=channel, address=address).exists():
        return "address suppressed"
    if not kind.counts_toward_cap:
        return ""
    week_ago = timezone.now() - timedelta(days=7)
    sent_this_week = (
        Message.objects.filter(
            user=user,
            category=Category.MARKETING,
            created_at__gte=week_ago,
            status__in=CAP_COUNTED_STATUSES,
        )
        .exclude(kind__in=kinds_outside_cap())
        .count()
    )
    if sent_this_week >= settings.NOTIFICATIONS_MARKETING_WEEKLY_CAP:
        return "weekly cap reached"
    return ""


def next_allowed_time(*, now: datetime, time_zone: str) -> datetime | None:
    """When a marketing message may go out if `now` falls in quiet hours there, else None."""
    start, end = settings.NOTIFICATIONS_QUIET_HOURS
    local = now.astimezone(ZoneInfo(time_zone))
    quiet = (local.hour >= start or local.hour < end) if start > end else start <= local.hour < end
    if not quiet:
        return None
    allowed = local.replace(hour=end % 24, minute=0, second=0, microsecond=0)
    if allowed <= local:
        allowed += timedelta(days=1)
    return allowed


def enqueue_delivery(row: Message) -> None:
    if row.status == Status.DEFERRED:
        enqueue_on_commit("notifications.deliver_message", row.pk, eta=row.not_before)
    else:
        enqueue_on_commit("notifications.deliver_message", row.pk)


def message_claim(*, message_id: int) -> Message | None:
    """Take a due message for sending (queued → sending); None if another worker has it."""
    with transaction.atomic():
        row = (
            Message.objects.select_for_update(skip_locked=True)
            .filter(
                pk=message_id,
                status__in=[Status.QUEUED, Status.DEFERRED],
                not_before__lte=timezone.now(),
            )
            .first()
        )
        if row is None:
            return None
        row.status = Status.SENDING
        row.attempts += 1
        row.claimed_at = timezone.now()
        row.save(update_fields=["status", "attempts", "claimed_at", "updated_at"])
    return row


def message_deliver(*, message_id: int) -> int | None:
    """Claim and send one message; returns seconds until a retry is due, or None when done.

    The claim commits before the provider is called, so no row lock is held over the network.
    A send check registered for the kind (`send_checks`) may refuse it now: the row then ends
    `suppressed` with the check's reason and nothing is sent. So does a browser notification
    whose customer withdrew their consent or has no browser subscribed any more.
    """
    row = message_claim(message_id=message_id)
    if row is None:
        return None
    try:
        refusal = send_refusal(row) or (push_refusal(row) if row.channel == Channel.PUSH else "")
    except Exception as error:  # the check cannot answer now (a database hiccup): try again
        final = row.attempts >= settings.NOTIFICATIONS_MAX_ATTEMPTS
        return _record_failure(row, TemporaryDeliveryError(f"send check: {error}"), final=final)
    if refusal:
        Message.objects.filter(pk=row.pk).update(
            status=Status.SUPPRESSED, status_reason=refusal[:255], updated_at=timezone.now()
        )
        log.info("suppressed %s message %s at send time: %s", row.kind, row.pk, refusal)
        return None
    try:
        provider_id = backends.backend_for(row.channel).send(row)
    except TemporaryDeliveryError as error:
        final = row.attempts >= settings.NOTIFICATIONS_MAX_ATTEMPTS
        return _record_failure(row, error, final=final)
    except PermanentDeliveryError as error:
        return _record_failure(row, error, final=True)
    Message.objects.filter(pk=row.pk).update(
        status=Status.SENT,
        provider_message_id=provider_id or "",
        sent_at=timezone.now(),
        last_error="",
        updated_at=timezone.now(),
    )
    return None


def _record_failure(row: Message, error: Exception, *, final: bool) -> int | None:
    """Back to the queue with exponential backoff, or failed for good; returns the delay."""
    delay = None if final else settings.NOTIFICATIONS_RETRY_BASE_SECONDS * 2 ** (row.attempts - 1)
    Message.objects.filter(pk=row.pk).update(
        status=Status.FAILED if final else Status.QUEUED,
        last_error=str(error)[:2000],
        not_before=timezone.now() + timedelta(seconds=delay or 0),
        updated_at=timezone.now(),
    )
    log.warning("delivery of message %s failed (final=%s): %s", row.pk, final, error)
    return delay


def messages_relay() -> int:
    """Re-enqueue due messages nobody is working on; mark long-stuck sends as unknown."""
    now = timezone.now()
    stuck_before = now - timedelta(seconds=settings.NOTIFICATIONS_STUCK_AFTER_SECONDS)
    Message.objects.filter(status=Status.SENDING, claimed_at__lt=stuck_before).update(
        status=Status.UNKNOWN,
        status_reason="stuck in sending; check with the provider before resending",
        updated_at=now,
    )
    quiet_for = now - timedelta(seconds=settings.NOTIFICATIONS_RELAY_AFTER_SECONDS)
    due = Message.objects.filter(
        status__in=[Status.QUEUED, Status.DEFERRED], not_before__lte=now, updated_at__lte=quiet_for
    ).values_list("pk", flat=True)[:500]
    count = 0
    for pk in due:
        enqueue("notifications.deliver_message", pk)
        count += 1
    return count


def message_resend(*, message: Message) -> Message:
    """A new row with the same content, linked to the one that failed."""
    with transaction.atomic():
        copy = Message.objects.create(
            kind=message.kind,
            channel=message.channel,
            category=message.category,
            user=message.user,
            recipient=message.recipient,
            language=message.language,
            subject_line=message.subject_line,
            body_text=message.body_text,
            body_html=message.body_html,
            sms_encoding=message.sms_encoding,
            sms_parts=message.sms_parts,
            reply_to=message.reply_to,
            subject_type=message.subject_type,
            subject_id=message.subject_id,
            resend_of=message,
        )
        enqueue_delivery(copy)
    return copy


def delivery_report_apply(*, provider_message_id: str, delivered: bool, hard_bounce: bool) -> int:
    """A provider's delivery report or bounce; a hard bounce suppresses the address."""
    with transaction.atomic():
        rows = list(
            Message.objects.select_for_update().filter(provider_message_id=provider_message_id)
        )
        for row in rows:
            row.status = Status.DELIVERED if delivered else Status.FAILED
            if not delivered:
                row.status_reason = "hard bounce" if hard_bounce else "not delivered"
            row.save(update_fields=["status", "status_reason", "updated_at"])
            if hard_bounce:
                Suppression.objects.get_or_create(
                    channel=row.channel, address=row.recipient, defaults={"reason": "hard bounce"}
                )
    return len(rows)


def messages_redact(*, subject_type: str, subject_ids: list, placeholder: str) -> int:
    """Remove the personal contents of the sent messages about these objects (a retention
    job): address, texts and the person link go; kind, channel, status and times stay."""
    with transaction.atomic():
        return Message.objects.filter(
            subject_type=subject_type, subject_id__in=[str(pk) for pk in subject_ids]
        ).update(
            recipient="",
            user=None,
            subject_line="",
            body_text=placeholder,
            body_html="",
            reply_to="",
            last_error="",
            updated_at=timezone.now(),
        )
