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
    # How many products a search found (searches without results are catalog's SearchMiss).
    results = models.PositiveIntegerField(_("results"), null=True, blank=True)
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


class TrackingDaily(models.Model):
    """Counts of one day's events per kind and page, product, search or checkout step, with the
    distinct visitors behind them: what stays after the raw rows are deleted."""

    day = models.DateField(_("day"))
    kind = models.CharField(_("kind"), max_length=16, choices=EventKind)
    path = models.CharField(_("page"), max_length=200, blank=True)
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
    events = models.PositiveIntegerField(_("events"))
    visitors = models.PositiveIntegerField(_("visitors"))
    computed_at = models.DateTimeField(_("computed at"), default=timezone.now)

    class Meta:
        verbose_name = _("daily tracking count")
        verbose_name_plural = _("daily tracking counts")
        ordering = ["-day", "kind", "-events"]
        constraints = [
            models.UniqueConstraint(
                fields=["day", "kind", "product"],
                name="crm_trackdaily_one_product_row",
                condition=models.Q(product__isnull=False),
            ),
            models.UniqueConstraint(
                fields=["day", "kind", "path", "query", "step"],
                name="crm_trackdaily_one_row",
                condition=models.Q(product__isnull=True),
            ),
        ]
        indexes = [
            # The product funnel: every product's views and adds to cart over a period.
            models.Index(
                fields=["kind", "day", "product"],
                name="crm_trackdaily_funnel_idx",
                condition=models.Q(product__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.kind}"
