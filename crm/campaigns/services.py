"""Staff's writes on a campaign: save a draft, schedule or send it now, cancel, and a click.

The sending itself (batches, holdout, progress) is in sending.py; every staff action here is
audited.
"""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import DateTimeField, F, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from crm.notifications.exceptions import PlaceholderError
from crm.notifications.placeholders import placeholders_check
from orders.models import CouponKind
from shop.audit import audit_record
from shop.background import enqueue_on_commit
from shop.models import User

from ..models import Campaign, CampaignRecipient
from .exceptions import CampaignRefused
from .links import local_path
from .states import CampaignStatus, CouponMode, RecipientGroup, campaign_can_move
from .texts import campaign_placeholders, coupon_placeholders_without_coupon, text_fields


def campaign_errors(campaign: Campaign) -> dict[str, list[str]]:
    """What keeps the campaign from being sent, per field ({} when it is ready)."""
    errors: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    for name in text_fields(campaign.channel):
        text = getattr(campaign, name) or ""
        if not text.strip():
            add(name, _("Write this text."))
            continue
        try:
            placeholders_check(text, campaign_placeholders())
        except PlaceholderError as error:
            add(name, str(error))
    if local_path(campaign.landing_path) is None:
        add("landing_path", _("Enter a page of this shop that starts with a single /."))
    if campaign.coupon_mode == CouponMode.SHARED and campaign.shared_coupon_id is None:
        add("shared_coupon", _("Choose the shared coupon."))
    shared = campaign.shared_coupon if campaign.shared_coupon_id else None
    if campaign.coupon_mode == CouponMode.SHARED and shared and shared.user_id is not None:
        add("shared_coupon", _("This is one customer's personal coupon."))
    if campaign.coupon_mode == CouponMode.PERSONAL:
        if not campaign.personal_kind:
            add("personal_kind", _("Choose the kind of coupon."))
        if campaign.personal_kind != CouponKind.FREE_SHIPPING and not campaign.personal_value:
            add("personal_value", _("Enter a coupon value above zero."))
        if campaign.personal_kind == CouponKind.PERCENT and (campaign.personal_value or 0) > 100:
            add("personal_value", _("A percentage coupon can take off at most 100 percent."))
        if not campaign.personal_valid_days:
            add("personal_valid_days", _("A coupon must be valid for at least one day."))
    if not errors and coupon_placeholders_without_coupon(campaign):
        add("coupon_mode", _("The text names a coupon: choose one."))
    return errors


def campaign_save(*, campaign: Campaign, staff: User) -> Campaign:
    """Create or change a draft (a scheduled one goes back to draft first)."""
    with transaction.atomic():
        if campaign.pk is not None:
            current = Campaign.objects.select_for_update().get(pk=campaign.pk)
            if current.status != CampaignStatus.DRAFT:
                raise CampaignRefused(_("Only a draft can be changed."))
        else:
            campaign.created_by = staff
        campaign.status = CampaignStatus.DRAFT
        campaign.save()
        audit_record(actor=staff, action="campaign_save", target=campaign)
    return campaign


def _move(campaign_id: int, target: str, *, or_stay: bool = False) -> Campaign:
    """The campaign locked and moved to `target` (unsaved); `or_stay`: already there is fine."""
    campaign = Campaign.objects.select_for_update().get(pk=campaign_id)
    if or_stay and campaign.status == target:
        return campaign
    if not campaign_can_move(campaign.status, target):
        raise CampaignRefused(
            _("A campaign that is %(status)s cannot be %(target)s.")
            % {
                "status": campaign.get_status_display().lower(),
                "target": CampaignStatus(target).label.lower(),
            }
        )
    campaign.status = target
    return campaign


def campaign_schedule(
    *, campaign: Campaign, staff: User, send_at: datetime | None = None, now: bool = False
) -> Campaign:
    """Schedule the draft for `send_at` (the `campaigns-due` job starts it), or, with `now`,
    start it at once."""
    with transaction.atomic():
        # A scheduled campaign may be sent now (or given another time) without a detour.
        locked = _move(campaign.pk, CampaignStatus.SCHEDULED, or_stay=True)
        errors = campaign_errors(locked)
        if errors:
            raise CampaignRefused(
                _("The campaign is not ready: %(fields)s.")
                % {
                    "fields": ", ".join(
                        str(Campaign._meta.get_field(name).verbose_name) for name in errors
                    )
                }
            )
        when = timezone.now() if now else (send_at or locked.send_at)
        if when is None:
            raise CampaignRefused(_("Choose when to send it."))
        locked.send_at = when
        locked.save(update_fields=["status", "send_at", "updated_at"])
        audit_record(
            actor=staff,
            action="campaign_send_now" if now else "campaign_schedule",
            target=locked,
            details={"send_at": when.isoformat()},
        )
        if now:
            enqueue_on_commit("crm.campaign_send", locked.pk)
    return locked


def campaign_unschedule(*, campaign: Campaign, staff: User) -> Campaign:
    """A scheduled campaign back to draft, to be changed."""
    with transaction.atomic():
        locked = _move(campaign.pk, CampaignStatus.DRAFT)
        locked.save(update_fields=["status", "updated_at"])
        audit_record(actor=staff, action="campaign_unschedule", target=locked)
    return locked


def campaign_cancel(*, campaign: Campaign, staff: User, reason: str = "") -> Campaign:
    """A draft or scheduled campaign will never be sent."""
    with transaction.atomic():
        locked = _move(campaign.pk, CampaignStatus.CANCELLED)
        locked.save(update_fields=["status", "updated_at"])
        audit_record(actor=staff, action="campaign_cancel", target=locked, reason=reason)
    return locked


def campaigns_due(*, now: datetime | None = None) -> list[int]:
    """The periodic job: queue the send of every scheduled campaign whose time has come (the
    send task starts each once, so a second run queues a harmless extra)."""
    due = list(
        Campaign.objects.filter(
            status=CampaignStatus.SCHEDULED, send_at__lte=now or timezone.now()
        ).values_list("pk", flat=True)
    )
    with transaction.atomic():
        for pk in due:
            enqueue_on_commit("crm.campaign_send", pk)
    return due


def campaign_click_record(*, campaign_id: int, user_id: int) -> bool:
    """Count a click on the recipient's link (the first one's time kept); False when the
    recipient was never sent the campaign."""
    updated = CampaignRecipient.objects.filter(
        campaign_id=campaign_id, user_id=user_id, group=RecipientGroup.SENT
    ).update(
        click_count=F("click_count") + 1,
        first_clicked_at=Coalesce(
            F("first_clicked_at"), Value(timezone.now(), output_field=DateTimeField())
        ),
    )
    return bool(updated)


def campaign_form_errors(campaign: Campaign) -> ValidationError | None:
    """The same check as a form's ValidationError (for the admin's form)."""
    errors = campaign_errors(campaign)
    return ValidationError(errors) if errors else None
