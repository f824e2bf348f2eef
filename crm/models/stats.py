"""Per-customer figures kept by a periodic job, and the customer 360's permission.

`CustomerStats` is a rollup (DESIGN.md §7): the 360 and, later, segments read it; nothing sums
a customer's orders on each view. `crm.customer360.stats.customer_stats_refresh` writes it.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shop.models import User


class RfmGroup(models.TextChoices):
    """Named groups of the R×F table in docs/rfm.md (crm.segments.rfm assigns them)."""

    CHAMPIONS = "champions", _("Champions")
    LOYAL = "loyal", _("Loyal")
    POTENTIAL = "potential", _("Potential loyalists")
    NEW = "new", _("New customers")
    AT_RISK = "at_risk", _("At risk")
    CANNOT_LOSE = "cannot_lose", _("Cannot lose them")
    HIBERNATING = "hibernating", _("Hibernating")
    LOST = "lost", _("Lost")


class CustomerStats(models.Model):
    """One row per customer, recomputed from the orders by `customer_stats_refresh`.

    An order counts once its payment method accepted it and it was not cancelled: status
    neither `pending_payment` nor `cancelled` (returned orders count; their refunds do not).
    `lifetime_value` = the totals of those orders − every refund that succeeded on their
    payments (returns, goodwill, cancellations of single lines), in the shop's currency.
    `orders_count`, `first_order_at` and `last_order_at` are over those orders;
    `returns_count` counts returns that are not rejected, `cancellations_count` cancelled
    orders (whatever the reason). `updated_at` moves only when a figure changed.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="customer_stats",
        verbose_name=_("customer"),
    )
    currency = models.CharField(_("currency"), max_length=3, default=settings.SHOP_CURRENCY)
    lifetime_value = models.DecimalField(
        _("lifetime value"), max_digits=14, decimal_places=2, default=0
    )
    orders_count = models.PositiveIntegerField(_("orders"), default=0)
    first_order_at = models.DateTimeField(_("first order"), null=True, blank=True)
    last_order_at = models.DateTimeField(_("last order"), null=True, blank=True)
    returns_count = models.PositiveIntegerField(_("returns"), default=0)
    cancellations_count = models.PositiveIntegerField(_("cancellations"), default=0)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)
    # Paid in the last 12 months less refunds (the loyalty tier's measure), for segments.
    spend_12m = models.DecimalField(_("12-month spend"), max_digits=14, decimal_places=2, default=0)
    # RFM scores 1–5 (5 best) and the group they name; empty for customers without an order.
    rfm_recency = models.PositiveSmallIntegerField(_("recency score"), null=True, blank=True)
    rfm_frequency = models.PositiveSmallIntegerField(_("frequency score"), null=True, blank=True)
    rfm_monetary = models.PositiveSmallIntegerField(_("monetary score"), null=True, blank=True)
    rfm_group = models.CharField(_("RFM group"), max_length=16, choices=RfmGroup, blank=True)
    rfm_at = models.DateTimeField(_("RFM computed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("customer figures")
        verbose_name_plural = _("customer figures")
        indexes = [
            # For segments: "ordered at least N times", "not since", "spent over"; with the
            # account's id last in the index, a count reads no table rows (index-only scans).
            models.Index(fields=["orders_count", "user"], name="crm_stats_orders_idx"),
            models.Index(fields=["last_order_at", "user"], name="crm_stats_last_order_idx"),
            models.Index(fields=["lifetime_value", "user"], name="crm_stats_ltv_idx"),
            models.Index(fields=["rfm_group", "user"], name="crm_stats_rfm_idx"),
            models.Index(fields=["spend_12m", "user"], name="crm_stats_spend_12m_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.orders_count}"


class Customer(User):
    """A shop user seen as a customer by staff: carries the customer 360's own permission
    (`crm.view_customer360`) and its admin URL (/admin/crm/customer/<id>/360/)."""

    class Meta:
        proxy = True
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        default_permissions = ()
        permissions = [("view_customer360", _("Can view the customer 360"))]
