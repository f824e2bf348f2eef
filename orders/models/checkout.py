"""What checkout stores besides the order: the legal texts the customer accepted."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from .orders import Order


class LegalDocumentKind(models.TextChoices):
    PRE_INFORMATION = "pre_information", _("Pre-information form")
    DISTANCE_SALES = "distance_sales", _("Distance sales contract")
    DIGITAL_WAIVER = "digital_waiver", _("Digital content: withdrawal right acknowledgement")


class OrderDocument(models.Model):
    """A legal text the customer accepted for this order: exact text, version, time and IP."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(_("document"), max_length=20, choices=LegalDocumentKind)
    version = models.CharField(_("version"), max_length=20)
    language = models.CharField(_("language"), max_length=8)
    text = models.TextField(_("text as accepted"))
    accepted_at = models.DateTimeField(_("accepted at"))
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)

    class Meta:
        verbose_name = _("accepted document")
        verbose_name_plural = _("accepted documents")
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["order", "kind"], name="orders_document_once"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} v{self.version}"
