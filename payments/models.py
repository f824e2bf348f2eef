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

from shop.money import ZERO, to_money

from .registry import payment_owed
from .states import REFUND_OPEN, PaymentMethod, PaymentStatus, RefundStatus


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
        return f"{self.get_method_display()} {self.amount} {self.currency}"

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
        return f"{self.amount} {self.currency} ({self.get_status_display()})"


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

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.amount} {self.currency}"

    def save(self, *args: object, **kwargs: object) -> None:
        if self.pk is not None:
            raise ValueError("Payment ledger entries are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: object, **kwargs: object) -> None:
        raise ValueError("Payment ledger entries are append-only.")


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
        return f"{self.get_kind_display()} {self.amount} {self.currency}"

    def save(self, *args: object, **kwargs: object) -> None:
        if self.pk is not None:
            raise ValueError("Balance entries are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: object, **kwargs: object) -> None:
        raise ValueError("Balance entries are append-only.")


class Tab(models.Model):
    """A customer's micropayment tab: small orders collected, then settled in one card charge.

    Its total is the sum of its order payments still `on_tab`; never a field anyone edits.
    """

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        SETTLING = "settling", _("Being settled")
        SETTLED = "settled", _("Paid")
        BLOCKED = "blocked", _("Payment declined")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="tabs"
    )
    status = models.CharField(_("status"), max_length=20, choices=Status, default=Status.OPEN)
    currency = models.CharField(_("currency"), max_length=3, default=settings.SHOP_CURRENCY)
    opened_at = models.DateTimeField(_("opened at"), default=timezone.now)
    settled_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    settle_attempts = models.PositiveIntegerField(_("settlement attempts"), default=0)
    last_error = models.CharField(_("last error"), max_length=255, blank=True)
    # Set when the customer was told a settlement was declined: told once per tab.
    customer_told_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("tab")
        verbose_name_plural = _("tabs")
        ordering = ["-opened_at"]
        constraints = [
            # One tab takes new purchases; a tab being settled or declined takes none.
            models.UniqueConstraint(
                fields=["user"], condition=~Q(status="settled"), name="payments_one_unsettled_tab"
            )
        ]
        indexes = [models.Index(fields=["status", "opened_at"], name="payments_tab_status_idx")]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_status_display()}"


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
