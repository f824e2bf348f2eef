"""Payment records, refunds and the append-only ledger of money movements.

A `Payment` is one attempt to pay one order with one method, or a payment that belongs to no
order (a balance top-up, a tab settlement: see `purpose`); its status moves only through
`payments.services.payment_record`, which writes a ledger row. `PaymentEvent` rows are never
changed or deleted: captured and refunded amounts are sums over them. A `Refund` reserves its
amount before the provider is called, so two refunds can never give back more than was taken.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shop.money import ZERO, format_money, to_money

from ..registry import payment_owed
from ..states import REFUND_OPEN, PaymentMethod, PaymentStatus, RefundStatus


class PaymentPurpose(models.TextChoices):
    ORDER = "order", _("Order")
    TOP_UP = "top_up", _("Balance top-up")
    TAB_SETTLEMENT = "tab_settlement", _("Tab settlement")


class Payment(models.Model):
    # An order's payment has its order; a top-up or a tab settlement has none, only its owner.
    order = models.ForeignKey(
        "orders.Order",
        on_delete=models.PROTECT,
        related_name="payments",
        null=True,
        blank=True,
    )
    purpose = models.CharField(
        _("purpose"), max_length=20, choices=PaymentPurpose, default=PaymentPurpose.ORDER
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="payments",
        verbose_name=_("customer"),
    )
    # A micropayment order's payment joins a tab; a settlement pays one tab.
    tab = models.ForeignKey(
        "Tab", on_delete=models.PROTECT, null=True, blank=True, related_name="payments"
    )
    method = models.CharField(_("method"), max_length=20, choices=PaymentMethod)
    status = models.CharField(
        _("status"), max_length=20, choices=PaymentStatus, default=PaymentStatus.UNPAID
    )
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3, default=settings.SHOP_CURRENCY)
    reference = models.CharField(_("provider reference"), max_length=120, blank=True)
    # Set under the row lock when the attempt is started, so two requests never both start it.
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    # A provider answer that does not add up (another amount or currency): staff look at it.
    needs_review = models.BooleanField(_("needs review"), default=False)
    review_note = models.CharField(_("review note"), max_length=255, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        permissions = [
            ("refund_payment", _("Can refund payments")),
            ("decide_echeck", _("Can clear or bounce e-checks")),
            ("record_cash", _("Can record cash collected on delivery")),
            ("resolve_payment", _("Can resolve flagged payments")),
        ]
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["method", "status"], name="payments_method_status_idx"),
            models.Index(
                fields=["needs_review"],
                name="payments_needs_review_idx",
                condition=Q(needs_review=True),
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="payments_amount_not_negative"),
            models.CheckConstraint(
                condition=Q(purpose=PaymentPurpose.ORDER, order__isnull=False)
                | Q(purpose=PaymentPurpose.TOP_UP, order__isnull=True, user__isnull=False)
                | Q(
                    purpose=PaymentPurpose.TAB_SETTLEMENT,
                    order__isnull=True,
                    user__isnull=False,
                    tab__isnull=False,
                ),
                name="payments_purpose_matches_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_method_display()} {format_money(self.amount, self.currency)}"

    @property
    def owner_id(self) -> int | None:
        """The customer the payment belongs to (an order's customer, or the payer's own)."""
        if self.user_id is not None:
            return self.user_id
        return self.order.user_id if self.order_id else None

    def ledger_sum(self, *kinds: str) -> Decimal:
        """The sum of this payment's ledger rows of these kinds, to the kuruş."""
        total = self.events.filter(kind__in=kinds).aggregate(total=Sum("amount"))["total"]
        return to_money(total or ZERO)  # SQLite sums decimals as floats

    def refunded(self) -> Decimal:
        """Everything given back: refunds paid out and refunds taken off the open tab."""
        return self.ledger_sum(*PaymentEvent.REFUND_KINDS)

    def taken(self) -> Decimal:
        """What this payment holds of the customer's money: captured, less corrections and
        what the bank took back (refunds not subtracted)."""
        return (
            self.ledger_sum(PaymentEvent.Kind.CAPTURE)
            - self.ledger_sum(PaymentEvent.Kind.CORRECTION)
            - self.ledger_sum(PaymentEvent.Kind.RETURN)
        )

    def refundable(self) -> Decimal:
        """What the method says the payment owes (`payment_owed`: by default what was taken,
        captures − corrections − bank returns) − refunded − held by refunds still open."""
        reserved = self.refunds.filter(status__in=REFUND_OPEN).aggregate(total=Sum("amount"))[
            "total"
        ]
        return to_money(payment_owed(self) - self.refunded() - (reserved or ZERO))


class Refund(models.Model):
    """Money given back from one payment: reserved first, then sent to the provider once."""

    # The statuses and their allowed changes live in payments/states.py (one door changes them).
    Status = RefundStatus

    payment = models.ForeignKey("Payment", on_delete=models.PROTECT, related_name="refunds")
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3)
    status = models.CharField(_("status"), max_length=20, choices=Status, default=Status.RESERVED)
    reason = models.CharField(_("reason"), max_length=255, blank=True)
    reference = models.CharField(_("provider reference"), max_length=120, blank=True)
    message = models.CharField(_("message"), max_length=255, blank=True)
    # The caller's key for this refund request (a staff form, a return): sent twice, one refund.
    request_key = models.CharField(max_length=100, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("refund")
        verbose_name_plural = _("refunds")
        ordering = ["-created_at"]
        indexes = [
            models.Index(
                fields=["status"],
                name="payments_refund_open_idx",
                condition=Q(status__in=["reserved", "sent"]),
            )
        ]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="payments_refund_positive"),
            models.UniqueConstraint(
                fields=["payment", "request_key"],
                condition=~Q(request_key=""),
                name="payments_refund_request_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{format_money(self.amount, self.currency)} ({self.get_status_display()})"


class PaymentEvent(models.Model):
    """One money movement or attempt, as the provider reported it. Append-only."""

    class Kind(models.TextChoices):
        AUTHORIZE = "authorize", _("Authorize")
        CAPTURE = "capture", _("Capture")
        REFUND = "refund", _("Refund")
        VOID = "void", _("Void")
        FAILURE = "failure", _("Failure")
        ACTION_REQUIRED = "action_required", _("Customer action required")
        BOUNCE = "bounce", _("Bounced")
        # Taken off an open tab before it was charged: the settlement charges less, no cash moves.
        REFUND_OFF_TAB = "refund_off_tab", _("Refund taken off the tab")
        # Money that was captured and then taken back by the bank (a returned e-check): it
        # counts against the capture, like a chargeback. Keyed by the return.
        RETURN = "return", _("Returned by the bank")
        # A capture recorded for more than was really taken (a typo in the cash collected),
        # corrected by staff: it counts against the capture. Keyed by the resolution.
        CORRECTION = "correction", _("Correction of a capture")

    REFUND_KINDS = (Kind.REFUND, Kind.REFUND_OFF_TAB)

    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind)
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3)
    reference = models.CharField(_("provider reference"), max_length=120, blank=True)
    message = models.CharField(_("message"), max_length=255, blank=True)
    raw = models.JSONField(_("provider data"), default=dict, blank=True)
    # False for a movement no cash went with: a refund taken off an open tab, and a tab order's
    # capture (the tab's settlement charge carries that cash). The daily money report sums only
    # rows that moved cash.
    moves_cash = models.BooleanField(_("moves cash"), default=True)
    refund = models.ForeignKey(
        Refund, on_delete=models.PROTECT, null=True, blank=True, related_name="events"
    )
    # The money movement itself ("capture:ch_…", "refund:refund-7"): the same movement reported
    # twice (a retrieve and a webhook, a retried task) is recorded once.
    idempotency_key = models.CharField(max_length=200, unique=True)
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
        # The dashboard's net revenue: money moved by kind over a date range.
        indexes = [models.Index(fields=["kind", "created_at"], name="payments_event_kind_at_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {format_money(self.amount, self.currency)}"

    def save(self, *args: object, **kwargs: object) -> None:
        if self.pk is not None:
            raise ValueError("Payment ledger entries are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: object, **kwargs: object) -> None:
        raise ValueError("Payment ledger entries are append-only.")


class RefundAccount(models.Model):
    """Where the customer wants a cash refund: a bank transfer to their account (the default
    for cash, by the Distance Contracts Regulation) or store credit, only when they choose it.

    The IBAN is personal data: encrypted at rest as an e-check's account is, only its last four
    digits shown, never written to a ledger row. Bound to its refund when the refund is reserved;
    one tied to no return and no refund is the customer's standing choice for the payment.
    """

    class Destination(models.TextChoices):
        BANK_TRANSFER = "bank_transfer", _("Bank transfer to my account")
        STORE_CREDIT = "store_credit", _("Store credit (my prepaid balance)")

    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="refund_accounts")
    refund = models.OneToOneField(
        Refund, on_delete=models.PROTECT, null=True, blank=True, related_name="account"
    )
    destination = models.CharField(_("refund to"), max_length=20, choices=Destination)
    account_holder = models.CharField(_("account holder"), max_length=140, blank=True)
    account_encrypted = models.TextField(_("account number (encrypted)"), blank=True)
    account_last4 = models.CharField(_("account ends in"), max_length=4, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("refund account")
        verbose_name_plural = _("refund accounts")

    def __str__(self) -> str:
        if self.destination == self.Destination.STORE_CREDIT:
            return str(self.get_destination_display())
        return f"{self.account_holder} (…{self.account_last4})"
