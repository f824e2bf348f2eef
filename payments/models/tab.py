"""The micropayment tab: small orders collected, then settled in one card charge."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Tab(models.Model):
    """A customer's micropayment tab: small orders collected, then settled in one card charge.

    Its total is the sum of its order payments still `on_tab`; never a field anyone edits.
    """

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        SETTLING = "settling", _("Being settled")
        SETTLED = "settled", _("Paid")
        BLOCKED = "blocked", _("Payment declined")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="tabs"
    )
    status = models.CharField(_("status"), max_length=20, choices=Status, default=Status.OPEN)
    currency = models.CharField(_("currency"), max_length=3, default=settings.SHOP_CURRENCY)
    opened_at = models.DateTimeField(_("opened at"), default=timezone.now)
    settled_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    settle_attempts = models.PositiveIntegerField(_("settlement attempts"), default=0)
    last_error = models.CharField(_("last error"), max_length=255, blank=True)
    # Set when the customer was told a settlement was declined: told once per tab.
    customer_told_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("tab")
        verbose_name_plural = _("tabs")
        ordering = ["-opened_at"]
        constraints = [
            # One tab takes new purchases; a tab being settled or declined takes none.
            models.UniqueConstraint(
                fields=["user"], condition=~Q(status="settled"), name="payments_one_unsettled_tab"
            )
        ]
        indexes = [models.Index(fields=["status", "opened_at"], name="payments_tab_status_idx")]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_status_display()}"
