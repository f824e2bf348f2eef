"""Risk flags: customers and delivery addresses whose history asks for care (docs/risk-flags.md).

Kept by the periodic job `risk-flags-refresh` (`crm.risk.services.risk_flags_refresh`), one row
per kind and subject (an account, a guest's email, a delivery address). Staff mark a flag
reviewed (a real risk) or dismissed (not one); a dismissed flag stays dismissed until something
new happens (an incident later than the newest one it had when dismissed).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

__all__ = ["RiskFlag"]


class RiskFlag(models.Model):
    class Kind(models.TextChoices):
        REFUSED_COD = "refused_cod", _("Refused cash-on-delivery parcels")
        BOUNCED_ECHECK = "bounced_echeck", _("Bounced e-checks")
        DECLINED_CARDS = "declined_cards", _("Repeatedly declined cards")
        CANCELLATIONS = "cancellations", _("Unusual cancellation ratio")
        RETURNS = "returns", _("Unusual return ratio")

    class Review(models.TextChoices):
        OPEN = "open", _("Not reviewed")
        REVIEWED = "reviewed", _("Reviewed: a risk")
        DISMISSED = "dismissed", _("Dismissed")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind)
    # What is flagged: "user:<id>", "email:<lower-case email>" (a guest) or "address:<key>".
    subject = models.CharField(_("subject"), max_length=255)
    customer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("customer"),
    )
    email = models.EmailField(_("email"), blank=True)
    # A delivery address folded to compare (country|postal code|neighbourhood|street).
    address_key = models.CharField(_("address"), max_length=255, blank=True)
    count = models.PositiveIntegerField(_("incidents"), default=0)
    # Orders counted for a ratio (cancellations: orders placed; returns: orders delivered).
    base = models.PositiveIntegerField(_("out of"), default=0)
    first_at = models.DateTimeField(_("first incident"))
    last_at = models.DateTimeField(_("latest incident"))
    # Still meets its threshold at the last refresh; inactive rows are kept for their review.
    active = models.BooleanField(_("active"), default=True)
    review = models.CharField(_("review"), max_length=10, choices=Review, default=Review.OPEN)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reviewed by"),
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    review_note = models.CharField(_("why"), max_length=255, blank=True)
    # The latest incident when staff decided: a newer one reopens a dismissed flag.
    reviewed_last_at = models.DateTimeField(null=True, blank=True)
    refreshed_at = models.DateTimeField(_("refreshed at"), default=timezone.now)

    class Meta:
        verbose_name = _("risk flag")
        verbose_name_plural = _("risk flags")
        default_permissions = ("view",)
        permissions = [("review_riskflag", _("Can review and dismiss risk flags"))]
        ordering = ["-last_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "subject"], name="crm_riskflag_once")
        ]
        indexes = [
            # Checkout: is this customer flagged? (only live flags).
            models.Index(
                fields=["customer"],
                name="crm_riskflag_live_customer_idx",
                condition=Q(active=True) & ~Q(review="dismissed"),
            ),
            models.Index(fields=["active", "kind", "-last_at"], name="crm_riskflag_list_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.email or self.address_key or self.subject}"

    @property
    def flagged(self) -> bool:
        return self.active and self.review != self.Review.DISMISSED
