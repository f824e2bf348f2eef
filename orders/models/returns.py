"""Returns (withdrawals and defect claims) with their lines, and the credit notes of refunds.

A return has its own states (states.ReturnStatus); the order's status only says whether a
return is under way or the whole order came back (docs/fulfilment.md).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..states import Restock, ReturnKind, ReturnReason, ReturnStatus


class Return(models.Model):
    order = models.ForeignKey("orders.Order", on_delete=models.PROTECT, related_name="returns")
    # The return code the customer writes on the parcel: the order number + a sequence.
    number = models.CharField(_("return code"), max_length=32, unique=True)
    kind = models.CharField(_("kind"), max_length=12, choices=ReturnKind)
    status = models.CharField(_("status"), max_length=12, choices=ReturnStatus)
    # One reason for the whole request: the customer answers once per return, and reports count
    # returns by reason in one indexed group-by (a mixed parcel is two requests).
    reason_code = models.CharField(
        _("reason for the return"), max_length=20, choices=ReturnReason, blank=True
    )
    reason = models.TextField(_("reason"), blank=True)
    staff_note = models.TextField(_("staff note"), blank=True)
    # The original delivery fee and payment fees (cash on delivery), given back when the whole
    # order is withdrawn: the contract promises "the amount paid" back, not the goods' price only.
    shipping_refund = models.DecimalField(
        _("delivery and fees refunded"), max_digits=12, decimal_places=2, default=0
    )
    amount = models.DecimalField(_("refund amount"), max_digits=12, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3, default=settings.SHOP_CURRENCY)
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    received_at = models.DateTimeField(_("received at"), null=True, blank=True)
    refunded_at = models.DateTimeField(_("refund sent at"), null=True, blank=True)
    # The legal deadline: 14 days from the withdrawal notice (or from approving a claim).
    refund_due_by = models.DateTimeField(_("refund due by"), null=True, blank=True)
    # The refund reserved for this return: set once, under the return's lock (exactly once).
    refund = models.OneToOneField(
        "payments.Refund",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="order_return",
    )
    # Where a refund of cash goes, as the customer chose it (a bank transfer or store credit).
    refund_account = models.OneToOneField(
        "payments.RefundAccount",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="order_return",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # An exchange: the order sending the variants the customer chose instead (services/exchanges).
    replacement = models.OneToOneField(
        "orders.Order",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="exchange_return",
        verbose_name=_("replacement order"),
    )
    # When the replacement was let go to the warehouse: the return received, or at once for a
    # trusted customer. Until then it is held (it cannot start being prepared).
    replacement_released_at = models.DateTimeField(
        _("replacement released at"), null=True, blank=True
    )
    # The exchange form's one-time key: the same form sent twice (a double click) finds this.
    request_key = models.CharField(max_length=64, null=True, blank=True, unique=True)

    class Meta:
        verbose_name = _("return")
        verbose_name_plural = _("returns")
        ordering = ["-requested_at", "-pk"]
        permissions = [("handle_return", _("Can decide, receive and refund returns"))]
        indexes = [
            models.Index(fields=["status", "refund_due_by"], name="orders_return_due_idx"),
            models.Index(fields=["kind", "status"], name="orders_return_kind_idx"),
            models.Index(fields=["reason_code"], name="orders_return_reason_idx"),
            models.Index(fields=["requested_at"], name="orders_return_requested_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="orders_return_not_negative")
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def code_issued(self) -> bool:
        return self.status in (ReturnStatus.APPROVED, ReturnStatus.RECEIVED, ReturnStatus.REFUNDED)


class ReturnLine(models.Model):
    """Units of one order line coming back, the paid price they refund and where they go."""

    order_return = models.ForeignKey(Return, on_delete=models.CASCADE, related_name="lines")
    order_line = models.ForeignKey(
        "orders.OrderLine", on_delete=models.PROTECT, related_name="return_lines"
    )
    quantity = models.PositiveIntegerField(_("quantity"))
    # The share of the line's paid total (after its coupon share) these units refund.
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)
    restock = models.CharField(_("restock"), max_length=12, choices=Restock, blank=True)
    # An exchange: the variant of the same product sent instead, and its price when asked.
    exchange_variant = models.ForeignKey(
        "catalog.Variant",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("exchanged for"),
    )
    exchange_price = models.DecimalField(
        _("price of the new variant"), max_digits=12, decimal_places=2, null=True, blank=True
    )

    class Meta:
        verbose_name = _("returned line")
        verbose_name_plural = _("returned lines")
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="orders_return_line_qty")
        ]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.order_line.product_name}"


class CreditNote(models.Model):
    """The document of one refund, tied to the order's invoice; numbered in its own series.

    `lines` holds what it credits (name, quantity, VAT rate, VAT, total; positive numbers,
    printed negative), `vat_breakdown` the VAT per rate; `total` equals the refund.
    """

    invoice = models.ForeignKey(
        "orders.Invoice", on_delete=models.PROTECT, related_name="credit_notes"
    )
    order = models.ForeignKey("orders.Order", on_delete=models.PROTECT, related_name="credit_notes")
    refund = models.OneToOneField(
        "payments.Refund", on_delete=models.PROTECT, related_name="credit_note"
    )
    number = models.CharField(_("credit note number"), max_length=16, unique=True)
    series = models.CharField(max_length=3)
    year = models.PositiveSmallIntegerField()
    sequence = models.PositiveIntegerField()
    issued_at = models.DateTimeField(_("issued at"), default=timezone.now)
    total = models.DecimalField(_("total"), max_digits=12, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3)
    lines = models.JSONField(default=list)
    vat_breakdown = models.JSONField(default=dict)

    class Meta:
        verbose_name = _("credit note")
        verbose_name_plural = _("credit notes")
        ordering = ["issued_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["series", "year", "sequence"], name="orders_credit_note_sequence_once"
            )
        ]

    def __str__(self) -> str:
        return self.number


class TrustedCustomer(models.Model):
    """A customer staff trust to send the item back: their exchanges ship at once, before the
    return arrives. A row per customer; removing it withdraws the trust."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="exchange_trust",
        verbose_name=_("customer"),
    )
    note = models.CharField(_("why"), max_length=255, blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("added by"),
    )
    added_at = models.DateTimeField(_("added at"), default=timezone.now)

    class Meta:
        verbose_name = _("trusted customer (exchanges ship at once)")
        verbose_name_plural = _("trusted customers (exchanges ship at once)")
        ordering = ["-added_at"]

    def __str__(self) -> str:
        return str(self.user)
