"""Payment records and the append-only ledger of money movements.

A `Payment` is one attempt to pay one order with one method; its status is derived from its
ledger rows by the services. `PaymentEvent` rows are never changed or deleted: balances
(captured, refunded) are sums over them.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shop.money import ZERO

from .states import PaymentMethod, PaymentStatus


class Payment(models.Model):
    order = models.ForeignKey("orders.Order", on_delete=models.PROTECT, related_name="payments")
    method = models.CharField(_("method"), max_length=20, choices=PaymentMethod)
    status = models.CharField(
        _("status"), max_length=20, choices=PaymentStatus, default=PaymentStatus.UNPAID
    )
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3, default=settings.SHOP_CURRENCY)
    reference = models.CharField(_("provider reference"), max_length=120, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["method", "status"], name="payments_method_status_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="payments_amount_not_negative")
        ]

    def __str__(self) -> str:
        return f"{self.get_method_display()} {self.amount} {self.currency}"

    def ledger_sum(self, kind: str) -> Decimal:
        total = self.events.filter(kind=kind).aggregate(total=Sum("amount"))["total"]
        return total or ZERO


class PaymentEvent(models.Model):
    """One money movement or attempt, as the provider reported it. Append-only."""

    class Kind(models.TextChoices):
        AUTHORIZE = "authorize", _("Authorize")
        CAPTURE = "capture", _("Capture")
        REFUND = "refund", _("Refund")
        VOID = "void", _("Void")
        FAILURE = "failure", _("Failure")
        ACTION_REQUIRED = "action_required", _("Customer action required")

    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind)
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3)
    reference = models.CharField(_("provider reference"), max_length=120, blank=True)
    message = models.CharField(_("message"), max_length=255, blank=True)
    raw = models.JSONField(_("provider data"), default=dict, blank=True)
    # Recording the same provider answer twice (a retried task, a repeated webhook) is a no-op.
    idempotency_key = models.CharField(max_length=120, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("payment ledger entry")
        verbose_name_plural = _("payment ledger")
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="payments_event_not_negative")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.amount} {self.currency}"

    def save(self, *args: object, **kwargs: object) -> None:
        if self.pk is not None:
            raise ValueError("Payment ledger entries are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: object, **kwargs: object) -> None:
        raise ValueError("Payment ledger entries are append-only.")
