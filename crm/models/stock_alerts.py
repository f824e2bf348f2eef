"""Back in stock: a shopper's request to be told when a sold-out variant can be bought again."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# Confirmed, not yet told, not cancelled: what the back-in-stock sweep takes, oldest first.
WAITING = Q(confirmed_at__isnull=False, notified_at__isnull=True, cancelled_at__isnull=True)
# Not yet told and not cancelled (confirmed or not): one such request per variant and address.
OPEN = Q(notified_at__isnull=True, cancelled_at__isnull=True)


class StockAlertQuerySet(models.QuerySet):
    def waiting(self) -> "StockAlertQuerySet":
        return self.filter(WAITING)

    def open(self) -> "StockAlertQuerySet":
        return self.filter(OPEN)


class StockAlert(models.Model):
    """One request: a signed-in customer's (confirmed at once) or a guest's (confirmed by the
    link in the email we send). Told once (`notified_at`); cancelled by the opt-out link."""

    variant = models.ForeignKey(
        "catalog.Variant",
        on_delete=models.CASCADE,
        related_name="stock_alerts",
        verbose_name=_("variant"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="stock_alerts",
        verbose_name=_("customer"),
    )
    email = models.EmailField(_("email address"))
    language = models.CharField(_("language"), max_length=8)
    # The guest's confirmation link carries it (with the request's id); random, never shown.
    token = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("asked"), default=timezone.now)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    notified_at = models.DateTimeField(_("told"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)

    objects = StockAlertQuerySet.as_manager()

    class Meta:
        verbose_name = _("back-in-stock request")
        verbose_name_plural = _("back-in-stock requests")
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["variant", "email"], condition=OPEN, name="crm_stockalert_one_open"
            )
        ]
        indexes = [
            # The sweep: a variant's waiting requests, oldest first (and which variants have any).
            models.Index(
                fields=["variant", "created_at", "id"],
                condition=WAITING,
                name="crm_stockalert_queue",
            ),
            # Told lately: they count against the units until their turn to buy is over.
            models.Index(
                fields=["variant", "notified_at"],
                condition=Q(notified_at__isnull=False),
                name="crm_stockalert_told",
            ),
            # The opt-out: a person's open requests.
            models.Index(fields=["email"], condition=OPEN, name="crm_stockalert_open_email"),
            # Unconfirmed requests expire; the journey's report counts them.
            models.Index(
                fields=["created_at"],
                condition=Q(confirmed_at__isnull=True, cancelled_at__isnull=True),
                name="crm_stockalert_unconfirmed",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.variant_id}: {self.email}"

    @property
    def state(self) -> str:
        if self.cancelled_at:
            return "cancelled"
        if self.notified_at:
            return "notified"
        return "waiting" if self.confirmed_at else "unconfirmed"
