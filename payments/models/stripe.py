"""Card payments' records of Stripe: customers, webhook events, reconciliation, saved cards."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .ledger import Payment


class StripeCustomer(models.Model):
    """The Stripe Customer that holds a shopper's cards: one per account, or one per guest order.

    A card collected for a Customer can pay again (the wallet keeps it); a guest's card is
    collected for a Customer made for that one order.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="stripe_customer",
    )
    order = models.OneToOneField(
        "orders.Order",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="stripe_customer",
    )
    customer_id = models.CharField(_("Stripe customer"), max_length=120, unique=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("Stripe customer")
        verbose_name_plural = _("Stripe customers")
        constraints = [
            models.CheckConstraint(
                condition=Q(user__isnull=False, order__isnull=True)
                | Q(user__isnull=True, order__isnull=False),
                name="payments_stripe_customer_one_owner",
            )
        ]

    def __str__(self) -> str:
        return self.customer_id


class StripeEvent(models.Model):
    """A webhook event Stripe sent us, stored once by its id; processed by a task."""

    event_id = models.CharField(max_length=120, unique=True)
    type = models.CharField(max_length=80)
    payload = models.JSONField(default=dict)
    received_at = models.DateTimeField(default=timezone.now)
    processed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("Stripe event")
        verbose_name_plural = _("Stripe events")
        ordering = ["-received_at"]
        indexes = [
            models.Index(
                fields=["received_at"],
                name="payments_event_unprocessed_idx",
                condition=Q(processed_at__isnull=True),
            )
        ]

    def __str__(self) -> str:
        return f"{self.type} {self.event_id}"


class ReconciliationItem(models.Model):
    """A difference between Stripe and our ledger, found by the nightly comparison."""

    class Kind(models.TextChoices):
        CHARGE_NOT_IN_LEDGER = "charge_not_in_ledger", _("Charge with no ledger entry")
        INTENT_PAID_NOT_RECORDED = "intent_paid", _("Paid at Stripe, not paid here")
        RECORDED_NOT_PAID = "recorded_not_paid", _("Paid here, not paid at Stripe")
        AMOUNT_DIFFERS = "amount_differs", _("Amounts differ")
        MISSING_AT_STRIPE = "missing_at_stripe", _("Missing at Stripe")
        REFUND_NOT_IN_LEDGER = "refund_not_in_ledger", _("Refunded at Stripe, not here")
        REFUND_NOT_AT_STRIPE = "refund_not_at_stripe", _("Refunded here, not at Stripe")

    kind = models.CharField(_("kind"), max_length=30, choices=Kind)
    reference = models.CharField(_("Stripe reference"), max_length=120)
    payment = models.ForeignKey(
        Payment, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2, default=0)
    currency = models.CharField(_("currency"), max_length=3, blank=True)
    detail = models.CharField(_("detail"), max_length=255, blank=True)
    found_at = models.DateTimeField(_("found at"), default=timezone.now)
    resolved = models.BooleanField(_("resolved"), default=False)

    class Meta:
        verbose_name = _("reconciliation difference")
        verbose_name_plural = _("reconciliation differences")
        ordering = ["resolved", "-found_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "reference"], name="payments_reconciliation_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.reference}"


class SavedCard(models.Model):
    """A card a customer saved in "My wallet": a Stripe PaymentMethod on their Customer.

    Written when the card is saved, so no Stripe call renders a page; the number never reaches us.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_cards"
    )
    payment_method_id = models.CharField(_("Stripe payment method"), max_length=120, unique=True)
    brand = models.CharField(_("brand"), max_length=20)
    last4 = models.CharField(_("last 4 digits"), max_length=4)
    exp_month = models.PositiveSmallIntegerField(_("expiry month"))
    exp_year = models.PositiveSmallIntegerField(_("expiry year"))
    is_default = models.BooleanField(_("default"), default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("saved card")
        verbose_name_plural = _("saved cards")
        ordering = ["-is_default", "-created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"], condition=Q(is_default=True), name="payments_one_default_card"
            )
        ]

    def __str__(self) -> str:
        return f"{self.brand} •••• {self.last4}"

    def expired(self, *, today: object = None) -> bool:
        today = today or timezone.localdate()
        return (self.exp_year, self.exp_month) < (today.year, today.month)
