"""The customer's address book; an address's billing identity is used for invoices."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from shop.phones import validate_mobile

from ..geo import PROVINCES
from ..validators import is_valid_tckn, is_valid_vkn


class BillingType(models.TextChoices):
    INDIVIDUAL = "individual", _("Individual")
    COMPANY = "company", _("Company")


class Address(models.Model):
    """An entry of a customer's address book; its billing identity is used for invoices."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="addresses"
    )
    label = models.CharField(_("label"), max_length=40, blank=True, help_text=_("e.g. Home, Work"))
    full_name = models.CharField(_("full name"), max_length=120)
    phone = models.CharField(_("mobile phone"), max_length=20, validators=[validate_mobile])
    country = models.CharField(
        _("country"),
        max_length=2,
        default="TR",
        validators=[RegexValidator(r"^[A-Z]{2}$", _("Use the two-letter country code, e.g. TR."))],
    )
    province = models.CharField(_("province"), max_length=60)
    district = models.CharField(_("district"), max_length=60)
    neighbourhood = models.CharField(_("neighbourhood"), max_length=80, blank=True)
    street = models.CharField(
        _("street address"), max_length=255, help_text=_("Street, building and flat number")
    )
    postal_code = models.CharField(_("postal code"), max_length=12, blank=True)

    billing_type = models.CharField(
        _("invoice type"), max_length=12, choices=BillingType, default=BillingType.INDIVIDUAL
    )
    national_id = models.CharField(_("T.C. identity number"), max_length=11, blank=True)
    company_name = models.CharField(_("company name"), max_length=160, blank=True)
    tax_office = models.CharField(_("tax office"), max_length=80, blank=True)
    tax_number = models.CharField(_("tax number"), max_length=10, blank=True)

    is_default_shipping = models.BooleanField(_("default delivery address"), default=False)
    is_default_billing = models.BooleanField(_("default billing address"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("address")
        verbose_name_plural = _("addresses")
        ordering = ["-is_default_shipping", "-updated_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(is_default_shipping=True),
                name="orders_one_default_shipping_address",
            ),
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(is_default_billing=True),
                name="orders_one_default_billing_address",
            ),
        ]

    def __str__(self) -> str:
        return self.label or f"{self.full_name}, {self.district}/{self.province}"

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.country == "TR":
            if self.province not in PROVINCES.values():
                errors["province"] = _("Choose a province of Turkey.")
            if not self.neighbourhood.strip():
                errors["neighbourhood"] = _("Enter the neighbourhood (mahalle).")
            if not (len(self.postal_code) == 5 and self.postal_code.isdigit()):
                errors["postal_code"] = _("A Turkish postal code has 5 digits.")
        errors.update(self.billing_identity_errors())
        if errors:
            raise ValidationError(errors)

    def billing_identity_errors(self) -> dict[str, str]:
        """What is missing or wrong for an invoice to this address."""
        errors: dict[str, str] = {}
        if self.billing_type == BillingType.COMPANY:
            if not self.company_name.strip():
                errors["company_name"] = _("Enter the company name.")
            if not self.tax_office.strip():
                errors["tax_office"] = _("Enter the tax office.")
            if not is_valid_vkn(self.tax_number):
                errors["tax_number"] = _("Enter a valid 10-digit tax number.")
        elif self.national_id and not is_valid_tckn(self.national_id):
            errors["national_id"] = _("Enter a valid 11-digit T.C. identity number.")
        return errors

    def lines(self) -> list[str]:
        """The address as printed on a label or an invoice."""
        place = f"{self.district} / {self.province}"
        return [
            line
            for line in [
                self.full_name,
                self.company_name if self.billing_type == BillingType.COMPANY else "",
                self.neighbourhood,
                self.street,
                f"{self.postal_code} {place}".strip(),
                "" if self.country == "TR" else self.country,
            ]
            if line
        ]
