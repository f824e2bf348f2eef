"""A campaign's lifecycle: draft → scheduled → sending → sent, or cancelled before sending."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CampaignStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SCHEDULED = "scheduled", _("Scheduled")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    CANCELLED = "cancelled", _("Cancelled")


CAMPAIGN_TRANSITIONS: dict[str, frozenset[str]] = {
    CampaignStatus.DRAFT: frozenset({CampaignStatus.SCHEDULED, CampaignStatus.CANCELLED}),
    # Back to draft to change something before it goes.
    CampaignStatus.SCHEDULED: frozenset(
        {CampaignStatus.SENDING, CampaignStatus.CANCELLED, CampaignStatus.DRAFT}
    ),
    CampaignStatus.SENDING: frozenset({CampaignStatus.SENT}),
    CampaignStatus.SENT: frozenset(),
    CampaignStatus.CANCELLED: frozenset(),
}


def campaign_can_move(current: str, target: str) -> bool:
    return target in CAMPAIGN_TRANSITIONS.get(current, frozenset())


class RecipientGroup(models.TextChoices):
    SENT = "sent", _("Sent the message")
    HOLDOUT = "holdout", _("Held out (sent nothing)")


class RecipientOutcome(models.TextChoices):
    PENDING = "pending", _("Waiting")
    QUEUED = "queued", _("Message queued")
    SKIPPED = "skipped", _("Skipped")
    FAILED = "failed", _("Failed")
    HELD_OUT = "held_out", _("Held out")


class CouponMode(models.TextChoices):
    NONE = "", _("No coupon")
    SHARED = "shared", _("A shared code")
    PERSONAL = "personal", _("A personal coupon per recipient")
