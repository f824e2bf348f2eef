"""Sending a campaign: the audience frozen once into recipient rows (sent or held out, by a
hash), then batches of messages through the outbox's `notification_send_many`.

Safe to run twice at once or again after a crash: the recipient rows are written once (unique
per campaign and member), each batch locks its own rows (`skip_locked`, so two workers share
the work), and its messages, outcomes and progress counts commit together; the dedupe key
`campaign:<id>:<user>` keeps a message from being queued twice in any case.
"""

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from crm.notifications.models import Channel, Message
from crm.notifications.services import Outgoing, notification_send_many
from orders.exceptions import CouponIssueRefused
from orders.models import Coupon, CouponKind
from orders.services import coupon_issue_personal
from shop.models import User
from shop.money import format_money

from ..models import Campaign, CampaignRecipient
from .links import click_url
from .repeat import campaign_repeat_next
from .selectors import KIND, campaign_audience, in_holdout
from .states import CampaignStatus, CouponMode, RecipientGroup, RecipientOutcome
from .texts import computed_values, placeholders_used, words_by_language

log = logging.getLogger(__name__)


def dedupe_key(*, campaign_id: int, user_id: int) -> str:
    return f"campaign:{campaign_id}:{user_id}"


def coupon_issue_key(*, campaign_id: int, user_id: int) -> str:
    return f"campaign:{campaign_id}:{user_id}"


def campaign_start(*, campaign_id: int, now: datetime | None = None) -> Campaign | None:
    """A due scheduled campaign becomes `sending`, and its audience is written once as recipient
    rows; returns it while it is sending, else None (cancelled, a draft, already sent)."""
    now = now or timezone.now()
    with transaction.atomic():
        campaign = (
            Campaign.objects.select_for_update().select_related("segment").get(pk=campaign_id)
        )
        if campaign.status == CampaignStatus.SCHEDULED and campaign.send_at <= now:
            campaign.status, campaign.started_at = CampaignStatus.SENDING, now
        elif campaign.status != CampaignStatus.SENDING:
            return None
        if campaign.audience_count is None:
            pks = list(campaign_audience(campaign, now=now).values_list("pk", flat=True))
            rows = []
            for pk in pks:
                held = in_holdout(
                    campaign_id=campaign.pk, user_id=pk, percent=campaign.holdout_percent
                )
                rows.append(
                    CampaignRecipient(
                        campaign=campaign,
                        user_id=pk,
                        group=RecipientGroup.HOLDOUT if held else RecipientGroup.SENT,
                        outcome=RecipientOutcome.HELD_OUT if held else RecipientOutcome.PENDING,
                        created_at=now,
                    )
                )
            CampaignRecipient.objects.bulk_create(rows, ignore_conflicts=True, batch_size=2000)
            campaign.audience_count = len(rows)
            campaign.holdout_count = sum(row.group == RecipientGroup.HOLDOUT for row in rows)
        campaign.save()
    return campaign


def campaign_batch_send(*, campaign_id: int, size: int | None = None) -> int:
    """Queue the messages of up to `size` waiting recipients; returns how many were handled
    (0: none left that another worker is not already handling)."""
    size = size or settings.CAMPAIGN_BATCH_SIZE
    with transaction.atomic():
        campaign = Campaign.objects.get(pk=campaign_id)
        if campaign.status != CampaignStatus.SENDING:
            return 0
        batch = list(
            CampaignRecipient.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(campaign=campaign, outcome=RecipientOutcome.PENDING)
            .select_related("user")
            .order_by("pk")[:size]
        )
        if not batch:
            return 0
        # Consent, suppression and the cap again, for this batch: someone may have said no since.
        reachable = set(
            campaign_audience(campaign)
            .filter(pk__in=[row.user_id for row in batch])
            .values_list("pk", flat=True)
        )
        used = placeholders_used(campaign)
        outgoing, failed = [], []
        for row in batch:
            if row.user_id not in reachable:
                continue
            try:
                context = recipient_context(campaign, row.user, used)
            except CouponIssueRefused as error:
                log.warning("campaign %s: no coupon for %s: %s", campaign.pk, row.user_id, error)
                failed.append(row.pk)
                continue
            outgoing.append(
                Outgoing(
                    to=row.user,
                    dedupe_key=dedupe_key(campaign_id=campaign.pk, user_id=row.user_id),
                    context=context,
                    subject=("campaign", campaign.pk),
                )
            )
        notification_send_many(
            kind=KIND,
            channel=campaign.channel,
            outgoing=outgoing,
            words=words_by_language(campaign),
        )
        queued_keys = set(
            Message.objects.filter(
                dedupe_key__in=[item.dedupe_key for item in outgoing], channel=campaign.channel
            ).values_list("dedupe_key", flat=True)
        )
        queued = [
            row.pk
            for row in batch
            if dedupe_key(campaign_id=campaign.pk, user_id=row.user_id) in queued_keys
        ]
        skipped = [row.pk for row in batch if row.pk not in set(queued) | set(failed)]
        for outcome, pks in (
            (RecipientOutcome.QUEUED, queued),
            (RecipientOutcome.SKIPPED, skipped),
            (RecipientOutcome.FAILED, failed),
        ):
            if pks:
                CampaignRecipient.objects.filter(pk__in=pks).update(outcome=outcome)
        Campaign.objects.filter(pk=campaign.pk).update(
            sent_count=F("sent_count") + len(queued),
            skipped_count=F("skipped_count") + len(skipped),
            failed_count=F("failed_count") + len(failed),
        )
    return len(batch)


def campaign_finish(*, campaign_id: int) -> bool:
    """`sending` → `sent` once no recipient waits; True when it is sent. A monthly campaign's
    next run is scheduled then (again on a rerun, which heals a crash in between)."""
    with transaction.atomic():
        campaign = Campaign.objects.select_for_update().get(pk=campaign_id)
        if campaign.status == CampaignStatus.SENDING:
            if campaign.recipients.filter(outcome=RecipientOutcome.PENDING).exists():
                return False
            campaign.status, campaign.finished_at = CampaignStatus.SENT, timezone.now()
            campaign.save(update_fields=["status", "finished_at", "updated_at"])
        elif campaign.status != CampaignStatus.SENT:
            return False
    campaign_repeat_next(campaign_id=campaign_id)
    return True


def recipient_context(
    campaign: Campaign, user: User, used: set[str], *, sample: bool = False
) -> dict:
    """The values of one recipient's message; with `sample` (the preview) no personal coupon
    is issued: a made-up code stands in for it."""
    language = user.language or settings.LANGUAGE_CODE
    link = click_url(campaign_id=campaign.pk, user_id=user.pk)
    context: dict = {"link": link}
    if campaign.channel == Channel.EMAIL or "link" not in used:
        context["action_url"] = link
        with translation.override(language):
            context["action_label"] = _("Visit the shop")
    coupon = _sample_coupon(campaign) if sample else _coupon_for(campaign, user)
    if coupon is not None:
        context |= _coupon_values(coupon, language)
    context |= computed_values(names=used, user=user, language=language)
    return context


def _coupon_for(campaign: Campaign, user: User | None) -> Coupon | None:
    if campaign.coupon_mode == CouponMode.SHARED:
        return campaign.shared_coupon
    if campaign.coupon_mode == CouponMode.PERSONAL:
        return coupon_issue_personal(
            user=user,
            kind=campaign.personal_kind,
            value=campaign.personal_value or 0,
            valid_days=campaign.personal_valid_days or 1,
            reason=f"campaign {campaign.pk}",
            issue_key=coupon_issue_key(campaign_id=campaign.pk, user_id=user.pk),
        )
    return None


def _sample_coupon(campaign: Campaign) -> Coupon | None:
    if campaign.coupon_mode != CouponMode.PERSONAL:
        return _coupon_for(campaign, None)
    return Coupon(
        code="ORNEK7K2M9",
        kind=campaign.personal_kind,
        value=campaign.personal_value or 0,
        ends_at=timezone.now() + timedelta(days=campaign.personal_valid_days or 1),
    )


def _coupon_values(coupon: Coupon, language: str) -> dict:
    with translation.override(language):
        if coupon.kind == CouponKind.PERCENT:
            amount = f"{coupon.value.normalize():f}"
            value = f"%{amount}" if language == "tr" else f"{amount}%"
        elif coupon.kind == CouponKind.FIXED:
            value = format_money(coupon.value)
        else:
            value = _("free shipping")
    return {"coupon_code": coupon.code, "coupon_value": value, "coupon_expiry": coupon.ends_at}
