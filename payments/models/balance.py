"""The prepaid balance: an account per customer and its append-only, signed entries."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shop.money import ZERO, format_money

from .ledger import Payment


class BalanceAccount(models.Model):
    """A customer's prepaid balance: the row to lock. Its balance is the sum of its entries."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="balance_account"
    )
    currency = models.CharField(_("currency"), max_length=3, default=settings.SHOP_CURRENCY)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("balance account")
        verbose_name_plural = _("balance accounts")

    def __str__(self) -> str:
        return str(self.user)

    def balance(self) -> Decimal:
        return self.entries.aggregate(total=Sum("amount"))["total"] or ZERO


class BalanceEntry(models.Model):
    """One signed movement of a prepaid balance. Append-only; keyed by what caused it."""

    class Kind(models.TextChoices):
        TOP_UP = "top_up", _("Top-up")
        PURCHASE = "purchase", _("Purchase")
        REFUND = "refund", _("Refund")
        ADJUSTMENT = "adjustment", _("Adjustment by staff")
        # A top-up refunded to the card takes its credit back (and gives it again if that fails).
        TOP_UP_REFUND = "top_up_refund", _("Top-up refunded to the card")

    account = models.ForeignKey(BalanceAccount, on_delete=models.PROTECT, related_name="entries")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind)
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3)
    # What caused it ("top-up:payment-5", "purchase:payment-9", "refund-3", "adjustment-<uuid>").
    key = models.CharField(max_length=120, unique=True)
    payment = models.ForeignKey(
        Payment, on_delete=models.PROTECT, null=True, blank=True, related_name="balance_entries"
    )
    reason = models.CharField(_("reason"), max_length=255, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("made by"),
    )
    created_at = models.DateTimeField(_("date"), default=timezone.now)

    class Meta:
        verbose_name = _("balance entry")
        verbose_name_plural = _("balance entries")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["account", "-created_at"], name="payments_entry_account_idx")
        ]
        constraints = [
            models.CheckConstraint(condition=~Q(amount=0), name="payments_entry_not_zero")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {format_money(self.amount, self.currency)}"

    def save(self, *args: object, **kwargs: object) -> None:
        if self.pk is not None:
            raise ValueError("Balance entries are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: object, **kwargs: object) -> None:
        raise ValueError("Balance entries are append-only.")
