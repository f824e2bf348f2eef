"""Campaigns: a message to a segment with a held-out control group, and who got what."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from crm.notifications.models import Channel
from orders.models import CouponKind

from ..campaigns.states import CampaignStatus, CouponMode, RecipientGroup, RecipientOutcome


class CampaignChannel(models.TextChoices):
    EMAIL = Channel.EMAIL, _("Email")
    SMS = Channel.SMS, _("SMS")


class Campaign(models.Model):
    """One message to a segment's members at a send time, measured against a holdout."""

    name = models.CharField(_("name"), max_length=120)
    segment = models.ForeignKey(
        "crm.Segment", on_delete=models.PROTECT, related_name="campaigns", verbose_name=_("segment")
    )
    channel = models.CharField(_("channel"), max_length=8, choices=CampaignChannel)
    # The words, with restricted placeholders (crm/campaigns/texts.py): an email's subject and
    # body, or an SMS text, in each shop language.
    subject_tr = models.CharField(_("email subject (Turkish)"), max_length=200, blank=True)
    body_tr = models.TextField(_("email text (Turkish)"), blank=True)
    sms_tr = models.CharField(_("SMS text (Turkish)"), max_length=480, blank=True)
    subject_en = models.CharField(_("email subject (English)"), max_length=200, blank=True)
    body_en = models.TextField(_("email text (English)"), blank=True)
    sms_en = models.CharField(_("SMS text (English)"), max_length=480, blank=True)
    landing_path = models.CharField(
        _("landing page"),
        max_length=200,
        default="/",
        help_text=_("A page of this shop, such as /kategori/lamba/ (where its links lead)."),
    )
    coupon_mode = models.CharField(
        _("coupon"), max_length=10, choices=CouponMode, default=CouponMode.NONE, blank=True
    )
    shared_coupon = models.ForeignKey(
        "orders.Coupon",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("shared coupon"),
    )
    personal_kind = models.CharField(
        _("personal coupon kind"), max_length=16, choices=CouponKind, blank=True
    )
    personal_value = models.DecimalField(
        _("personal coupon value"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    personal_valid_days = models.PositiveSmallIntegerField(
        _("personal coupon valid for (days)"), null=True, blank=True
    )
    send_at = models.DateTimeField(_("send at"), null=True, blank=True)
    holdout_percent = models.PositiveSmallIntegerField(
        _("holdout (%)"),
        default=10,
        validators=[MaxValueValidator(50)],
        help_text=_("This share of the audience receives nothing, to measure the effect."),
    )
    window_days = models.PositiveSmallIntegerField(
        _("conversion window (days)"),
        default=7,
        validators=[MinValueValidator(1), MaxValueValidator(90)],
    )
    # A monthly campaign ("picked for you"): once sent, its copy is scheduled a month later.
    repeats_monthly = models.BooleanField(
        _("repeat every month"),
        default=False,
        help_text=_(
            "Once sent, a copy is scheduled for the same day next month, with its own report."
        ),
    )
    repeat_of = models.OneToOneField(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="next_run",
        verbose_name=_("repeat of"),
    )
    cost = models.DecimalField(
        _("cost"),
        max_digits=12,
        decimal_places=2,
        default=Decimal("0.00"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    status = models.CharField(
        _("status"), max_length=10, choices=CampaignStatus, default=CampaignStatus.DRAFT
    )
    # Progress, updated with F() as each batch finishes.
    audience_count = models.PositiveIntegerField(_("audience"), null=True, blank=True)
    holdout_count = models.PositiveIntegerField(_("held out"), default=0)
    sent_count = models.PositiveIntegerField(_("sent"), default=0)
    skipped_count = models.PositiveIntegerField(_("skipped"), default=0)
    failed_count = models.PositiveIntegerField(_("failed"), default=0)
    started_at = models.DateTimeField(_("sending started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("sending finished"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        ordering = ["-created_at"]
        indexes = [
            models.Index(
                fields=["send_at"],
                name="crm_campaign_due_idx",
                condition=Q(status="scheduled"),
            ),
        ]
        permissions = [
            ("manage_campaigns", _("Can create, edit and preview campaigns")),
            ("send_campaign", _("Can schedule, send and cancel campaigns")),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def source_ref(self) -> str:
        """What its clicks put on the session and placement copies to the order."""
        return f"campaign:{self.pk}"

    @property
    def is_draft(self) -> bool:
        return self.status == CampaignStatus.DRAFT


class CampaignRecipient(models.Model):
    """One member of the audience when the campaign went out: sent the message or held out."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="recipients")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    group = models.CharField(_("group"), max_length=8, choices=RecipientGroup)
    outcome = models.CharField(
        _("outcome"), max_length=10, choices=RecipientOutcome, default=RecipientOutcome.PENDING
    )
    first_clicked_at = models.DateTimeField(_("first click"), null=True, blank=True)
    click_count = models.PositiveIntegerField(_("clicks"), default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("campaign recipient")
        verbose_name_plural = _("campaign recipients")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "user"], name="crm_campaign_recipient_once")
        ]
        indexes = [
            models.Index(
                fields=["campaign", "outcome"],
                name="crm_campaign_pending_idx",
                condition=Q(outcome="pending"),
            ),
            models.Index(fields=["user"], name="crm_campaign_recipient_user"),
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id}:{self.user_id}"
