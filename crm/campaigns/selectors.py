"""Reads of campaigns: who they reach (set-based), the preview, and the holdout split."""

import hashlib
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db.models import Count, QuerySet
from django.utils import timezone

from crm.notifications.selectors import marketing_audience
from crm.notifications.services.outbox import next_allowed_time
from shop.models import User

from ..models import Campaign
from ..segments.selectors import segment_members

KIND = "campaign"


def campaign_audience(campaign: Campaign, *, now: datetime | None = None) -> QuerySet[User]:
    """The segment's members that a campaign message may reach now: consent, no suppressed
    address, under the weekly cap — one query, by the outbox's own rules."""
    now = now or timezone.now()
    members = segment_members(campaign.segment, now=now).values("pk")
    return marketing_audience(channel=campaign.channel, kind=KIND, now=now).filter(pk__in=members)


def in_holdout(*, campaign_id: int, user_id: int, percent: int) -> bool:
    """Whether the member is held out: a hash of the campaign and the member against the
    percentage, so every run (a retry, a preview) splits the same way."""
    digest = hashlib.sha256(f"campaign-holdout:{campaign_id}:{user_id}".encode()).digest()
    return int.from_bytes(digest[:4], "big") % 10_000 < percent * 100


@dataclass(frozen=True)
class Preview:
    audience: int  # reachable members
    holdout: int  # of them, held out
    to_send: int  # audience - holdout
    deferred: int  # of those to send, held by quiet hours until the morning
    sample_user: User | None


def campaign_preview(campaign: Campaign, *, now: datetime | None = None) -> Preview:
    """The audience split as the send will split it, and how many of those sent would wait for
    the morning (by each one's time zone) — two queries."""
    now = now or timezone.now()
    send_at = max(campaign.send_at or now, now)
    rows = campaign_audience(campaign, now=now).values_list("pk", "time_zone")
    holdout = to_send = deferred = 0
    zones: dict[str, bool] = {}
    for pk, zone in rows.iterator(chunk_size=5000):
        if in_holdout(campaign_id=campaign.pk, user_id=pk, percent=campaign.holdout_percent):
            holdout += 1
            continue
        to_send += 1
        zone = zone or settings.TIME_ZONE
        if zone not in zones:
            zones[zone] = next_allowed_time(now=send_at, time_zone=zone) is not None
        deferred += zones[zone]
    sample = (
        campaign_audience(campaign, now=now)
        .only("pk", "first_name", "language", "email", "phone")
        .order_by("pk")
        .first()
    )
    return Preview(holdout + to_send, holdout, to_send, deferred, sample)


def campaign_counts_by_status() -> dict[str, int]:
    return dict(Campaign.objects.values_list("status").annotate(n=Count("pk")).order_by())
