"""Crisis alerts and plans: a spike of complaints and mentions about one product, category or
channel raises one alert (one open alert per dimension and key, enforced by the database), and
each kind of crisis has a plan — roles, the first public message, who approves statements."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class CrisisScenario(models.TextChoices):
    """The seed's crisis scenarios (what can go wrong around a shop online)."""

    PRODUCT_DEFECT = "product_defect", _("Product defect wave")
    DELIVERY_COLLAPSE = "delivery_collapse", _("Delivery collapse")
    PAYMENT_OUTAGE = "payment_outage", _("Payment outage")
    DATA_LEAK = "data_leak", _("Data leak")
    SOCIAL_STORM = "social_storm", _("Social-media storm")
    MISINFORMATION = "misinformation", _("Misinformation")


class CrisisDimension(models.TextChoices):
    PRODUCT = "product", _("Product")
    CATEGORY = "category", _("Category")
    CHANNEL = "channel", _("Channel")
    MANUAL = "manual", _("Flagged by staff")


class CrisisStatus(models.TextChoices):
    OPEN = "open", _("Open")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    CLOSED = "closed", _("Closed")


class CrisisAlert(models.Model):
    dimension = models.CharField(_("spike in"), max_length=10, choices=CrisisDimension)
    # The product's id, the category or channel value, or (flagged by staff) the scenario.
    key = models.CharField(_("key"), max_length=40)
    label = models.CharField(_("about"), max_length=200)
    scenario = models.CharField(_("scenario"), max_length=20, choices=CrisisScenario)
    status = models.CharField(
        _("status"), max_length=15, choices=CrisisStatus, default=CrisisStatus.OPEN
    )
    count = models.PositiveIntegerField(_("count in the window"), default=0)
    baseline = models.DecimalField(
        _("usual count (mean of four weeks)"), max_digits=8, decimal_places=2, default=0
    )
    window_start = models.DateTimeField(_("window from"))
    window_end = models.DateTimeField(_("window to"))
    raised_at = models.DateTimeField(_("raised"), default=timezone.now)
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("flagged by"),
    )
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("acknowledged by"),
    )
    acknowledged_at = models.DateTimeField(_("acknowledged"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("closed by"),
    )
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    tickets = models.ManyToManyField(
        "complaints.Ticket", blank=True, related_name="crisis_alerts", verbose_name=_("complaints")
    )
    mentions = models.ManyToManyField(
        "complaints.Mention", blank=True, related_name="crisis_alerts", verbose_name=_("mentions")
    )

    class Meta:
        verbose_name = _("crisis alert")
        verbose_name_plural = _("crisis alerts")
        ordering = ["-raised_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["dimension", "key"],
                condition=~Q(status="closed"),
                name="crisis_alert_one_open",
            )
        ]
        indexes = [models.Index(fields=["status", "-raised_at"], name="crisis_alert_status_idx")]
        permissions = [("manage_crisis", _("Can acknowledge and close crisis alerts"))]

    def __str__(self) -> str:
        return f"{self.get_scenario_display()}: {self.label}"

    @property
    def is_open(self) -> bool:
        return self.status != CrisisStatus.CLOSED


class CrisisPlan(models.Model):
    """What to do in one scenario, written by managers before the crisis comes."""

    scenario = models.CharField(_("scenario"), max_length=20, choices=CrisisScenario, unique=True)
    roles = models.TextField(_("roles"), help_text=_("Who does what, one role a line."))
    first_message_tr = models.TextField(_("first public message (Turkish)"))
    first_message_en = models.TextField(_("first public message (English)"))
    statement_approvers = models.TextField(
        _("who approves statements"),
        help_text=_("Nothing is published before these people approve it."),
    )
    updated_at = models.DateTimeField(_("changed"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("changed by"),
    )

    class Meta:
        verbose_name = _("crisis plan")
        verbose_name_plural = _("crisis plans")
        ordering = ["scenario"]

    def __str__(self) -> str:
        return str(self.get_scenario_display())
