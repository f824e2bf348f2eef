"""Many messages of one kind at once (a bayram greeting to everyone who consented).

`notification_send_many` is `notification_send` for a batch whose recipients the caller took
from `marketing_audience` in the same run, so the per-recipient consent, suppression and cap
queries are not repeated: the words are read once per language, the rows written in one
insert (a dedupe key already queued is skipped, so a batch run twice queues nothing more), and
delivery is scheduled on commit as one task per due time.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from shop.background import enqueue_on_commit
from shop.models import User

from ..kinds import get_kind, switchable
from ..links import unsubscribe_url
from ..models import Category, Channel, Message, Status
from ..rendering import Words, message_words, render_message
from ..selectors import kind_enabled
from ..sms import sms_length
from .outbox import next_allowed_time, time_zone_of


@dataclass(frozen=True)
class Outgoing:
    """One recipient of a batch: the person, their own context and the occasion's key."""

    to: User
    dedupe_key: str
    context: dict = field(default_factory=dict)
    not_before: datetime | None = None
    subject: tuple[str, object] | None = None


def notification_send_many(
    *,
    kind: str,
    channel: str,
    outgoing: list[Outgoing],
    words: dict[str, Words] | None = None,
) -> int:
    """Queue the batch on one channel; returns how many messages were new.

    The recipients must come from `marketing_audience(channel=..., kind=...)` (or, for a
    transactional kind, be people the message is owed to); each needs a dedupe key. `words`:
    the caller's own words per language (a campaign's texts; the shop's language stands in for
    one missing), instead of the kind's stored ones."""
    message_kind = get_kind(kind)
    if switchable(message_kind) and not kind_enabled(kind):
        return 0
    keys = [item.dedupe_key for item in outgoing]
    if not all(keys):
        raise ValueError("every message of a batch needs a dedupe key")
    queued = set(
        Message.objects.filter(dedupe_key__in=keys, channel=channel).values_list(
            "dedupe_key", flat=True
        )
    )
    now = timezone.now()
    chosen: dict[str, Words | None] = {}
    rows = []
    for item in outgoing:
        address = item.to.email if channel == Channel.EMAIL else item.to.phone
        if item.dedupe_key in queued or not address:
            continue
        language = item.to.language or settings.LANGUAGE_CODE
        if language not in chosen:
            if words:
                chosen[language] = words.get(language) or words.get(settings.LANGUAGE_CODE)
            else:
                chosen[language] = (
                    message_words(kind=kind, language=language) if message_kind.text else None
                )
        rows.append(_row(message_kind, channel, address, language, item, chosen[language], now))
    with transaction.atomic():
        Message.objects.bulk_create(rows, ignore_conflicts=True, batch_size=500)
        made = list(
            Message.objects.filter(
                dedupe_key__in=[row.dedupe_key for row in rows], channel=channel, created_at=now
            ).values_list("pk", "not_before")
        )
        by_time = defaultdict(list)
        for pk, not_before in made:
            by_time[not_before if not_before > now else None].append(pk)
        for when, pks in by_time.items():
            enqueue_on_commit("notifications.deliver_messages", pks, eta=when)
    return len(made)


def _row(kind, channel: str, address: str, language: str, item: Outgoing, words, now) -> Message:
    context = {"first_name": item.to.first_name, **item.context}
    if kind.category == Category.MARKETING:
        context["unsubscribe_url"] = unsubscribe_url(user=item.to, channel=channel)
    rendered = render_message(
        kind=kind.name,
        category=kind.category,
        channel=channel,
        language=language,
        context=context,
        words=words,
    )
    row = Message(
        kind=kind.name,
        channel=channel,
        category=kind.category,
        user=item.to,
        recipient=address,
        language=language,
        subject_line=rendered.subject[:255],
        body_text=rendered.text,
        body_html=rendered.html,
        subject_type=item.subject[0] if item.subject else "",
        subject_id=str(item.subject[1]) if item.subject else "",
        dedupe_key=item.dedupe_key,
        created_at=now,
        not_before=now,
    )
    if channel == Channel.SMS:
        length = sms_length(rendered.text)
        row.sms_encoding, row.sms_parts = length.encoding, length.parts
    start = max(now, item.not_before or now)
    if start > now:
        row.status, row.not_before, row.status_reason = Status.DEFERRED, start, "not before"
    if kind.category == Category.MARKETING:
        morning = next_allowed_time(now=start, time_zone=time_zone_of(item.to))
        if morning:
            row.status, row.not_before, row.status_reason = Status.DEFERRED, morning, "quiet hours"
    return row
