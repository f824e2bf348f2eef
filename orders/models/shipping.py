"""Shipping: carriers, the regions rates apply to, methods and their weight-band rates."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from shop.money import format_money


class Carrier(models.Model):
    """A shipping company; its tracking link is built from the shipment's tracking number."""

    name = models.CharField(_("name"), max_length=80)
    tracking_url_template = models.CharField(
        _("tracking URL"),
        max_length=255,
        blank=True,
        help_text=_("Use {number} where the tracking number goes."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    adapter = models.CharField(
        _("updates from"),
        max_length=20,
        choices=[("manual", _("Staff (manual)")), ("simulated", _("Simulated carrier"))],
        default="manual",
    )
    webhook_secret = models.CharField(
        _("webhook secret"),
        max_length=128,
        blank=True,
        help_text=_("Shared secret the carrier signs its tracking webhooks with."),
    )

    class Meta:
        verbose_name = _("carrier")
        verbose_name_plural = _("carriers")

    def __str__(self) -> str:
        return self.name


class ShippingRegion(models.Model):
    """Where a rate applies: whole countries, or some provinces of Turkey."""

    name = models.CharField(_("name"), max_length=80)
    countries = models.CharField(
        _("countries"), max_length=255, default="TR", help_text=_("Comma-separated codes, e.g. TR")
    )
    provinces = models.TextField(
        _("provinces"), blank=True, help_text=_("One per line; empty means the whole country.")
    )

    class Meta:
        verbose_name = _("shipping region")
        verbose_name_plural = _("shipping regions")

    def __str__(self) -> str:
        return self.name

    def covers(self, *, country: str, province: str) -> bool:
        if country.upper() not in {c.strip().upper() for c in self.countries.split(",")}:
            return False
        listed = {line.strip() for line in self.provinces.splitlines() if line.strip()}
        return not listed or province in listed

    @property
    def specificity(self) -> int:
        """Province lists beat whole countries when both cover an address."""
        return 1 if self.provinces.strip() else 0


class ShippingMethod(models.Model):
    carrier = models.ForeignKey(Carrier, on_delete=models.PROTECT, related_name="methods")
    name = models.CharField(_("name"), max_length=80)
    description = models.CharField(_("description"), max_length=200, blank=True)
    free_above = models.DecimalField(
        _("free above"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Basket value from which this method is free; empty: never free."),
    )
    days_min = models.PositiveSmallIntegerField(_("delivery days (min)"), default=1)
    days_max = models.PositiveSmallIntegerField(_("delivery days (max)"), default=3)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("shipping method")
        verbose_name_plural = _("shipping methods")
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return f"{self.carrier} — {self.name}"

    def names_by_language(self) -> dict[str, str]:
        """How an order names this method in each shop language ({"tr": …, "en": …})."""
        return {
            code: f"{self.carrier} — {getattr(self, f'name_{code}', '') or self.name}"
            for code, _label in settings.LANGUAGES
        }


class ShippingRate(models.Model):
    """The price of a method for parcels up to a weight, in one region (VAT included)."""

    method = models.ForeignKey(ShippingMethod, on_delete=models.CASCADE, related_name="rates")
    region = models.ForeignKey(ShippingRegion, on_delete=models.CASCADE, related_name="rates")
    max_weight_grams = models.PositiveIntegerField(_("up to (g)"))
    price = models.DecimalField(_("price"), max_digits=12, decimal_places=2)

    class Meta:
        verbose_name = _("shipping rate")
        verbose_name_plural = _("shipping rates")
        ordering = ["method", "region", "max_weight_grams"]
        constraints = [
            models.UniqueConstraint(
                fields=["method", "region", "max_weight_grams"], name="orders_rate_band_unique"
            ),
            models.CheckConstraint(condition=Q(price__gte=0), name="orders_rate_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.method} ≤ {self.max_weight_grams} g: {format_money(self.price)}"
