"""Monthly campaigns ("picked for you"): when one is sent, its copy for next month is scheduled.

The copy is a campaign like any other (its own recipients, holdout, coupons and report), made
once: `repeat_of` is unique, so a finish run twice, or by two workers, schedules one copy.
"""

import calendar
from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from ..models import Campaign
from .services import campaign_errors
from .states import CampaignStatus

COPIED = (
    "name", "segment_id", "channel",
    "subject_tr", "body_tr", "sms_tr", "subject_en", "body_en", "sms_en",
    "landing_path", "coupon_mode", "shared_coupon_id",
    "personal_kind", "personal_value", "personal_valid_days",
    "repeats_monthly", "holdout_percent", "window_days", "cost", "created_by_id",
)  # fmt: skip


def next_month(moment: datetime) -> datetime:
    """The same day and time a month later (the month's last day when it is shorter)."""
    local = timezone.localtime(moment)
    year, month = (local.year + 1, 1) if local.month == 12 else (local.year, local.month + 1)
    day = min(local.day, calendar.monthrange(year, month)[1])
    return local.replace(year=year, month=month, day=day)


def campaign_repeat_next(*, campaign_id: int) -> Campaign | None:
    """Schedule next month's copy of a sent monthly campaign (None when it does not repeat or
    is not sent). A copy whose words no longer pass the checks waits as a draft for staff."""
    campaign = Campaign.objects.filter(pk=campaign_id).first()
    if campaign is None or not campaign.repeats_monthly or campaign.status != CampaignStatus.SENT:
        return None
    existing = Campaign.objects.filter(repeat_of=campaign).first()
    if existing is not None:
        return existing
    copy = Campaign(**{name: getattr(campaign, name) for name in COPIED}, repeat_of=campaign)
    copy.send_at = next_month(campaign.send_at or campaign.started_at or timezone.now())
    ready = not campaign_errors(copy)
    copy.status = CampaignStatus.SCHEDULED if ready else CampaignStatus.DRAFT
    try:
        with transaction.atomic():
            copy.save(force_insert=True)
    except IntegrityError:  # another worker made it first
        return Campaign.objects.get(repeat_of=campaign)
    return copy
