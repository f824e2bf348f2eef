"""Invoices: numbered per series and year without gaps (a counter row taken under lock)."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class InvoiceCounter(models.Model):
    series = models.CharField(max_length=3)
    year = models.PositiveSmallIntegerField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["series", "year"], name="orders_invoice_counter_once")
        ]

    def __str__(self) -> str:
        return f"{self.series}{self.year}: {self.last_number}"


class Invoice(models.Model):
    """An order's invoice: series + year + 9 digits, shaped for a later e-Arşiv integrator."""

    order = models.OneToOneField("orders.Order", on_delete=models.PROTECT, related_name="invoice")
    number = models.CharField(_("invoice number"), max_length=16, unique=True)
    series = models.CharField(max_length=3)
    year = models.PositiveSmallIntegerField()
    sequence = models.PositiveIntegerField()
    issued_at = models.DateTimeField(_("issued at"), default=timezone.now)
    seller = models.JSONField(default=dict)
    buyer = models.JSONField(default=dict)

    class Meta:
        verbose_name = _("invoice")
        verbose_name_plural = _("invoices")
        ordering = ["-issued_at", "-pk"]
        # The PDFs carry the buyer's identity (T.C. or tax number): reading the list is not enough.
        permissions = [("download_invoice", _("Can download invoice and credit note PDFs"))]
        constraints = [
            models.UniqueConstraint(
                fields=["series", "year", "sequence"], name="orders_invoice_sequence_once"
            )
        ]

    def __str__(self) -> str:
        return self.number
