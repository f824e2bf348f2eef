"""SLA policies (targets per category × priority, edited by complaint managers) and the SLA
watch's record of what it has already sent (one warning and one breach per ticket and target)."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..states import Category, Priority

MIN_HOURS = Decimal("0.25")


class SlaPolicy(models.Model):
    """The working-hour targets of one category at one priority. A pair without a row takes
    the per-priority defaults (COMPLAINTS_SLA_FIRST_RESPONSE_HOURS / _RESOLUTION_HOURS)."""

    category = models.CharField(_("category"), max_length=20, choices=Category)
    priority = models.CharField(_("priority"), max_length=10, choices=Priority)
    first_response_hours = models.DecimalField(
        _("first response (working hours)"),
        max_digits=6,
        decimal_places=2,
        validators=[MinValueValidator(MIN_HOURS)],
    )
    resolution_hours = models.DecimalField(
        _("resolution (working hours)"),
        max_digits=6,
        decimal_places=2,
        validators=[MinValueValidator(MIN_HOURS)],
    )
    updated_at = models.DateTimeField(_("changed"), auto_now=True)

    class Meta:
        verbose_name = _("SLA policy")
        verbose_name_plural = _("SLA policies")
        ordering = ["category", "priority"]
        constraints = [
            models.UniqueConstraint(fields=["category", "priority"], name="sla_policy_unique"),
            models.CheckConstraint(
                condition=models.Q(first_response_hours__gt=0, resolution_hours__gt=0),
                name="sla_policy_positive",
            ),
        ]

    def __str__(self) -> str:
        return f"{Category(self.category).label} · {Priority(self.priority).label}"

    def clean(self) -> None:
        first, resolution = self.first_response_hours, self.resolution_hours
        if first is not None and resolution is not None and resolution < first:
            raise ValidationError(
                {
                    "resolution_hours": _(
                        "The resolution target cannot be shorter than the first response's."
                    )
                }
            )


class SlaAlert(models.Model):
    """One warning (80 % of a target used) or one breach (the target passed) of a ticket's
    first-response or resolution target; the unique constraint makes racing runs write one."""

    class Stage(models.TextChoices):
        WARNING = "warning", _("Warning (80 %)")
        BREACH = "breach", _("Breach")

    class Target(models.TextChoices):
        FIRST_RESPONSE = "first_response", _("First response")
        RESOLUTION = "resolution", _("Resolution")

    ticket = models.ForeignKey(
        "complaints.Ticket", on_delete=models.CASCADE, related_name="sla_alerts"
    )
    stage = models.CharField(_("stage"), max_length=10, choices=Stage)
    target = models.CharField(_("target"), max_length=20, choices=Target)
    due_at = models.DateTimeField(_("due"), null=True, blank=True)
    created_at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        verbose_name = _("SLA alert")
        verbose_name_plural = _("SLA alerts")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["ticket", "stage", "target"], name="sla_alert_once_per_target"
            )
        ]

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.stage} {self.target}"
