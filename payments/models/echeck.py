"""Electronic checks the customers signed: sealed, the account encrypted at rest."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .ledger import Payment


class ECheck(models.Model):
    """An electronic check the customer signed: sealed, its account number encrypted at rest.

    Only the last four digits are ever shown; the seal covers payee, amount, currency, date,
    check number and a keyed hash of the account, so staff can prove what was signed.
    """

    payment = models.OneToOneField(Payment, on_delete=models.PROTECT, related_name="echeck")
    number = models.CharField(_("check number"), max_length=20, unique=True)
    payee = models.CharField(_("payee"), max_length=200)
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3)
    date = models.DateField(_("date"))
    account_holder = models.CharField(_("account holder"), max_length=140)
    account_encrypted = models.TextField(_("account number (encrypted)"))
    account_last4 = models.CharField(_("account ends in"), max_length=4)
    account_hash = models.CharField(max_length=64)
    signer_name = models.CharField(_("signed by"), max_length=140)
    authorized_at = models.DateTimeField(_("authorised at"))
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    seal = models.CharField(_("seal"), max_length=64)
    cleared_at = models.DateTimeField(_("cleared at"), null=True, blank=True)
    bounced_at = models.DateTimeField(_("bounced at"), null=True, blank=True)
    bounce_reason = models.CharField(_("bounce reason"), max_length=200, blank=True)
    returned_at = models.DateTimeField(_("returned at"), null=True, blank=True)
    return_reason = models.CharField(_("return reason"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("e-check")
        verbose_name_plural = _("e-checks")
        indexes = [
            models.Index(
                fields=["authorized_at"],
                name="payments_echeck_open_idx",
                condition=Q(cleared_at__isnull=True, bounced_at__isnull=True),
            )
        ]

    def __str__(self) -> str:
        return f"{self.number} (…{self.account_last4})"
