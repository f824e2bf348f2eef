"""Rollup tables of the analytics dashboard (docs/analytics.md has the definitions).

Kept by periodic jobs (`crm.analytics.rollups`): today and yesterday every few minutes, the
last 14 days nightly (late refunds and cancellations change past days), everything by
`manage.py rebuild_analytics`. A refresh replaces the rows of the days it covers, so running it
twice writes the same rows. The dashboard reads closed days from here and today live.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

__all__ = [
    "AnalyticsState",
    "CancellationDaily",
    "CustomerMonth",
    "Dashboard",
    "ProductSalesDaily",
    "ProductSalesMonthly",
    "SalesDaily",
]

MONEY = {"max_digits": 14, "decimal_places": 2, "default": 0}


class SalesDaily(models.Model):
    """Per shop day and payment method: orders placed and booked (by the day placed), money
    captured and taken back (by the day it moved, order payments only)."""

    day = models.DateField(_("day"))
    method = models.CharField(_("payment method"), max_length=20)
    # Every order placed that day, whatever became of it (the base of cancellation rates).
    placed = models.PositiveIntegerField(_("orders placed"), default=0)
    # Accepted: neither awaiting payment nor cancelled (docs/analytics.md).
    accepted = models.PositiveIntegerField(_("accepted orders"), default=0)
    booked = models.DecimalField(_("booked revenue"), **MONEY)
    booked_vat = models.DecimalField(_("VAT in booked revenue"), **MONEY)
    # Accepted orders that were their customer's first accepted order, and what they booked.
    new_orders = models.PositiveIntegerField(_("first orders"), default=0)
    new_booked = models.DecimalField(_("booked by first orders"), **MONEY)
    # Ledger rows of order payments on this day: captures, and refunds + bank returns +
    # corrections; their VAT share is the order's own (vat ÷ total).
    captured = models.DecimalField(_("captured"), **MONEY)
    taken_back = models.DecimalField(_("refunded or taken back"), **MONEY)
    net_vat = models.DecimalField(_("VAT in net revenue"), **MONEY)
    currency = models.CharField(max_length=3, default=settings.SHOP_CURRENCY)
    computed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("daily sales")
        verbose_name_plural = _("daily sales")
        default_permissions = ()
        permissions = [("view_analytics", _("Can view the analytics dashboard"))]
        constraints = [
            models.UniqueConstraint(fields=["day", "method"], name="crm_sales_daily_once")
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.method}"


class CancellationDaily(models.Model):
    """Orders placed on a day that ended cancelled, by cancel reason and payment method."""

    day = models.DateField(_("day"))
    reason = models.CharField(_("reason"), max_length=20)
    method = models.CharField(_("payment method"), max_length=20)
    orders = models.PositiveIntegerField(_("orders"), default=0)
    total = models.DecimalField(_("order totals"), **MONEY)
    computed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("daily cancellations")
        verbose_name_plural = _("daily cancellations")
        default_permissions = ()
        constraints = [
            models.UniqueConstraint(
                fields=["day", "reason", "method"], name="crm_cancel_daily_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.reason} {self.method}"


class ProductSalesDaily(models.Model):
    """Per shop day and product: units, orders and line revenue of accepted orders placed that
    day; the product's category as it was at the refresh."""

    day = models.DateField(_("day"))
    product = models.ForeignKey(
        "catalog.Product", on_delete=models.CASCADE, related_name="+", db_constraint=False
    )
    category_id = models.IntegerField(_("category"))
    units = models.PositiveIntegerField(_("units"), default=0)
    orders = models.PositiveIntegerField(_("orders"), default=0)
    revenue = models.DecimalField(_("revenue"), **MONEY)
    revenue_vat = models.DecimalField(_("VAT in revenue"), **MONEY)
    computed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("daily product sales")
        verbose_name_plural = _("daily product sales")
        default_permissions = ()
        constraints = [
            models.UniqueConstraint(fields=["day", "product"], name="crm_product_daily_once")
        ]
        indexes = [
            models.Index(fields=["product", "day"], name="crm_product_daily_product_idx"),
            models.Index(fields=["category_id", "day"], name="crm_product_daily_cat_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.product_id}"


class ProductSalesMonthly(models.Model):
    """ProductSalesDaily summed by calendar month (`month` is its first day)."""

    month = models.DateField(_("month"))
    product = models.ForeignKey(
        "catalog.Product", on_delete=models.CASCADE, related_name="+", db_constraint=False
    )
    category_id = models.IntegerField(_("category"))
    units = models.PositiveIntegerField(_("units"), default=0)
    orders = models.PositiveIntegerField(_("orders"), default=0)
    revenue = models.DecimalField(_("revenue"), **MONEY)
    revenue_vat = models.DecimalField(_("VAT in revenue"), **MONEY)
    computed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("monthly product sales")
        verbose_name_plural = _("monthly product sales")
        default_permissions = ()
        constraints = [
            models.UniqueConstraint(fields=["month", "product"], name="crm_product_monthly_once")
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.product_id}"


class CustomerMonth(models.Model):
    """Per customer and calendar month of placement: accepted orders and what they booked.
    A customer is the account, or the lower-case email of a guest (`customer_key`
    "u:<id>" or "e:<email>"); a cohort is the month of the key's first row."""

    customer_key = models.CharField(max_length=260)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        db_constraint=False,
    )
    month = models.DateField(_("month"))
    orders = models.PositiveIntegerField(_("orders"), default=0)
    booked = models.DecimalField(_("booked revenue"), **MONEY)
    computed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("customer month")
        verbose_name_plural = _("customer months")
        default_permissions = ()
        constraints = [
            models.UniqueConstraint(
                fields=["customer_key", "month"], name="crm_customer_month_once"
            )
        ]
        indexes = [models.Index(fields=["month", "customer_key"], name="crm_customer_month_idx")]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.customer_key}"


class AnalyticsState(models.Model):
    """The rollups' version: every refresh that changed rows bumps it, so the dashboard's
    cached panels (keyed by it) are never older than the rollups."""

    name = models.CharField(max_length=40, primary_key=True)
    version = models.PositiveBigIntegerField(default=0)
    refreshed_at = models.DateTimeField(null=True, blank=True)
    # The oldest day the rollups hold (set by a rebuild), for "all time" ranges.
    first_day = models.DateField(null=True, blank=True)

    class Meta:
        verbose_name = _("analytics state")
        verbose_name_plural = _("analytics state")
        default_permissions = ()

    def __str__(self) -> str:
        return f"{self.name} v{self.version}"


class Dashboard(AnalyticsState):
    """The analytics dashboard in the admin (/admin/crm/dashboard/): a name and a URL for the
    page; who sees it is `crm.view_analytics`."""

    class Meta:
        proxy = True
        verbose_name = _("analytics dashboard")
        verbose_name_plural = _("analytics dashboard")
        default_permissions = ()
