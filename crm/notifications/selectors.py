"""Reads of the notifications app."""

from collections.abc import Iterator
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Count, Exists, IntegerField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from shop.models import User

from .email_ids import email_message_pk
from .kinds import get_kind, kinds_outside_cap
from .models import (
    CAP_COUNTED_STATUSES,
    Category,
    Channel,
    Consent,
    ConsentCurrent,
    KindSwitch,
    Message,
    PushSubscription,
    Status,
    Suppression,
)

# Turkey's İYS (İleti Yönetim Sistemi) vocabulary for channel, status and source.
IYS_TYPE = {Channel.EMAIL: "EPOSTA", Channel.SMS: "MESAJ", Channel.PHONE: "ARAMA"}
IYS_SOURCE = {
    Consent.Source.SIGNUP: "HS_WEB",
    Consent.Source.PROFILE: "HS_WEB",
    Consent.Source.CHECKOUT: "HS_WEB",
    Consent.Source.UNSUBSCRIBE: "HS_WEB",
    Consent.Source.STAFF: "HS_CAGRI_MERKEZI",
    Consent.Source.SMS_OPT_OUT: "HS_MESAJ",
    Consent.Source.BOUNCE: "HS_EPOSTA",
}


def consents_current(*, user: User) -> dict[str, ConsentCurrent]:
    """The person's current decision per channel (channels never decided are absent); one query."""
    return {row.channel: row for row in ConsentCurrent.objects.filter(user=user)}


def consent_audience_counts(*, granted: bool = True) -> dict[str, int]:
    """How many active accounts stand at `granted` on each channel (all channels listed); one
    query on the current rows."""
    counted = (
        ConsentCurrent.objects.filter(granted=granted, user__is_active=True)
        .values_list("channel")
        .annotate(people=Count("pk"))
        .order_by()
    )
    return dict.fromkeys(Channel.values, 0) | dict(counted)


def marketing_audience(*, channel: str, kind: str, now: datetime | None = None) -> QuerySet[User]:
    """Every active account a marketing message of `kind` may reach on `channel` now, by the
    outbox's own rules (`notification_send`): an address on the channel, the current consent,
    no suppression of that address, and the weekly cap unless the kind is outside it — one
    query, for journeys, previews and campaigns (tests/crm/test_audience.py holds it to the
    per-recipient rules)."""
    address = "email" if channel == Channel.EMAIL else "phone"
    users = (
        User.objects.filter(is_active=True)
        .exclude(**{address: ""})
        .filter(
            Exists(
                ConsentCurrent.objects.filter(user=OuterRef("pk"), channel=channel, granted=True)
            )
        )
        .exclude(Exists(Suppression.objects.filter(channel=channel, address=OuterRef(address))))
    )
    if not get_kind(kind).counts_toward_cap:
        return users
    week_ago = (now or timezone.now()) - timedelta(days=7)
    this_week = (
        Message.objects.filter(
            user=OuterRef("pk"),
            category=Category.MARKETING,
            created_at__gte=week_ago,
            status__in=CAP_COUNTED_STATUSES,
        )
        .exclude(kind__in=kinds_outside_cap())
        .order_by()
        .values("user")
        .annotate(sent=Count("pk"))
        .values("sent")
    )
    return users.annotate(
        marketing_this_week=Coalesce(
            Subquery(this_week, output_field=IntegerField()), Value(0), output_field=IntegerField()
        )
    ).filter(marketing_this_week__lt=settings.NOTIFICATIONS_MARKETING_WEEKLY_CAP)


def kind_enabled(kind: str) -> bool:
    """Whether staff left the kind on (no switch row means on); one query."""
    return not KindSwitch.objects.filter(kind=kind, enabled=False).exists()


def kind_report(*, kinds: list[str], days: int = 30) -> dict[str, dict]:
    """What became of each kind's messages queued in the last `days`: sent (or delivered, or
    on its way out), waiting (queued, or held by quiet hours or a 'not before'), skipped per
    reason (no consent, the weekly cap, a suppressed address, switched off) and failed — one
    query, grouped by kind, status and reason."""
    since = timezone.now() - timedelta(days=days)
    report = {
        kind: {"sent": 0, "waiting": 0, "failed": 0, "skipped": {}, "total": 0} for kind in kinds
    }
    rows = (
        Message.objects.filter(kind__in=kinds, created_at__gte=since)
        .values_list("kind", "status", "status_reason")
        .annotate(count=Count("pk"))
        .order_by()
    )
    for kind, status, reason, count in rows:
        figures = report[kind]
        figures["total"] += count
        if status in (Status.SENDING, Status.SENT, Status.DELIVERED):
            figures["sent"] += count
        elif status in (Status.QUEUED, Status.DEFERRED):
            figures["waiting"] += count
        elif status == Status.SUPPRESSED:
            figures["skipped"][reason] = figures["skipped"].get(reason, 0) + count
        else:  # failed, or unknown after a worker died mid-send
            figures["failed"] += count
    return report


def consent_register_rows(consents: QuerySet[Consent]) -> Iterator[dict[str, str]]:
    """Consent decisions in the shape the national register (İYS) takes them."""
    for consent in consents.order_by("created_at", "pk"):
        if consent.channel not in IYS_TYPE:
            continue  # WhatsApp is not an İYS channel
        yield {
            "recipient": consent.recipient,
            "type": IYS_TYPE[consent.channel],
            "source": IYS_SOURCE[consent.source],
            "status": "ONAY" if consent.granted else "RET",
            "consentDate": timezone.localtime(consent.created_at).strftime("%Y-%m-%d %H:%M:%S"),
            "recipientType": "BIREYSEL",
        }


def oldest_queued_message_age_seconds() -> int | None:
    """How long the longest-waiting due message has been queued; None when nothing waits.

    A growing number means no worker is sending (shown on /healthz, for information only).
    """
    due = Message.objects.filter(
        status__in=[Status.QUEUED, Status.DEFERRED], not_before__lte=timezone.now()
    )
    oldest = due.order_by("not_before").values_list("not_before", flat=True).first()
    if oldest is None:
        return None
    return int((timezone.now() - oldest).total_seconds())


def outbox_row_for_email_id(message_id: str) -> Message | None:
    """The outbox row an email Message-ID of ours names (a reply's In-Reply-To), or None."""
    pk = email_message_pk(message_id)
    return None if pk is None else Message.objects.filter(pk=pk).first()


def push_subscribed(*, user: User, endpoint: str) -> bool:
    """Whether this browser endpoint receives the account's notifications (one query)."""
    return PushSubscription.objects.filter(user=user, endpoint=endpoint).exists()


def push_browsers_count(*, user: User) -> int:
    """How many browsers receive the account's notifications (one query)."""
    return PushSubscription.objects.filter(user=user).count()
