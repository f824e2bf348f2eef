"""Reads of the notifications app."""

from collections.abc import Iterator

from django.db.models import Count, QuerySet
from django.utils import timezone

from shop.models import User

from .models import Channel, Consent, ConsentCurrent, Message, Status

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
