"""Consented tracking: raw events (kept for a short while) written by the beacon endpoint.

A row exists only for a visitor who allowed analytics cookies (crm.tracking.cookies); the
visitor id is the random id of that browser's cookie, the user only when signed in.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class EventKind(models.TextChoices):
    PAGE_VIEW = "page_view", _("Page view")
    PRODUCT_VIEW = "product_view", _("Product view")
    SEARCH = "search", _("Search")
    ADD_TO_CART = "add_to_cart", _("Added to cart")
    CHECKOUT_STEP = "checkout_step", _("Checkout step")


class TrackingEvent(models.Model):
    """One event from one consenting browser; compact on purpose (deleted after a retention
    period, rolled up daily before that)."""

    visitor_id = models.CharField(_("visitor"), max_length=32)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("customer"),
    )
    kind = models.CharField(_("kind"), max_length=16, choices=EventKind)
    path = models.CharField(_("page"), max_length=200, blank=True)
    referrer = models.CharField(_("came from"), max_length=200, blank=True)
    product = models.ForeignKey(
        "catalog.Product",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("product"),
    )
    query = models.CharField(_("search"), max_length=100, blank=True)
    step = models.CharField(_("step"), max_length=20, blank=True)
    created_at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("tracking event")
        verbose_name_plural = _("tracking events")
        indexes = [
            # Recently viewed and personal recommendations: a customer's latest product views.
            models.Index(
                fields=["user", "kind", "-created_at"],
                name="crm_track_user_kind_idx",
                condition=models.Q(user__isnull=False),
            ),
            models.Index(
                fields=["visitor_id", "kind", "-created_at"], name="crm_track_visitor_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.path}"
