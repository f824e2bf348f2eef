"""Placed orders: the order, its lines (copies of what was bought) and its history."""

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Upper
from django.utils import timezone
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from payments.states import PaymentMethod, PaymentStatus

from ..states import CancelReason, OrderSource, OrderStatus

# The statuses in which an order's delivery promise is still ahead of it.
OPEN_PROMISE_STATUSES = frozenset(
    {
        OrderStatus.PENDING_PAYMENT,
        OrderStatus.CONFIRMED,
        OrderStatus.PREPARING,
        OrderStatus.PACKED,
        OrderStatus.SHIPPED,
        OrderStatus.IN_TRANSIT,
        OrderStatus.OUT_FOR_DELIVERY,
    }
)


class Order(models.Model):
    """A placed order: a snapshot of what was bought, for whom, at what price and terms.

    `status` (fulfilment) changes only through `services.order_transition`; `payment_status`
    mirrors the payment record and changes only through the payments app's signal.
    """

    number = models.CharField(_("order number"), max_length=20, unique=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="orders",
    )
    email = models.EmailField(_("email"))
    phone = models.CharField(_("mobile phone"), max_length=20, blank=True)
    language = models.CharField(_("language"), max_length=8, default=settings.LANGUAGE_CODE)

    status = models.CharField(
        _("status"), max_length=20, choices=OrderStatus, default=OrderStatus.PENDING_PAYMENT
    )
    cancel_reason = models.CharField(
        _("cancellation reason"), max_length=20, choices=CancelReason, blank=True
    )
    payment_method = models.CharField(_("payment method"), max_length=20, choices=PaymentMethod)
    payment_status = models.CharField(
        _("payment status"), max_length=20, choices=PaymentStatus, default=PaymentStatus.UNPAID
    )

    currency = models.CharField(_("currency"), max_length=3, default=settings.SHOP_CURRENCY)
    subtotal = models.DecimalField(_("subtotal"), max_digits=12, decimal_places=2)
    discount = models.DecimalField(_("discount"), max_digits=12, decimal_places=2, default=0)
    shipping = models.DecimalField(_("shipping"), max_digits=12, decimal_places=2, default=0)
    fees = models.DecimalField(_("fees"), max_digits=12, decimal_places=2, default=0)
    vat = models.DecimalField(_("VAT"), max_digits=12, decimal_places=2)
    total = models.DecimalField(_("total"), max_digits=12, decimal_places=2)
    vat_breakdown = models.JSONField(_("VAT per rate"), default=dict, blank=True)

    shipping_address = models.JSONField(_("delivery address"), default=dict, blank=True)
    billing_address = models.JSONField(_("billing address and identity"), default=dict)
    # The method as the customer read it at placement (kept as bought, for the record), and
    # its name in every shop language then ({"tr": …, "en": …}): pages show the reader's own.
    shipping_method = models.CharField(_("shipping method"), max_length=120, blank=True)
    shipping_method_names = models.JSONField(
        _("shipping method in each language"), default=dict, blank=True
    )
    coupon_code = models.CharField(_("coupon"), max_length=40, blank=True)
    # Where the order was made, and the agent who built it on the phone (null on the web).
    source = models.CharField(
        _("source"), max_length=12, choices=OrderSource, default=OrderSource.WEB
    )
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("agent"),
    )
    # What brought the customer here ("campaign:12"), copied from the session at placement
    # (orders/attribution.py); its meaning belongs to the app that set it.
    source_ref = models.CharField(_("came from"), max_length=40, blank=True, default="")
    # A replacement sent free of charge to resolve a complaint: the order it replaces.
    replacement_for = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="replacements",
        verbose_name=_("replacement for"),
    )
    # Loyalty points redeemed at placement and what they took off (part of `discount`).
    points_redeemed = models.PositiveIntegerField(_("points redeemed"), default=0)
    points_discount = models.DecimalField(
        _("points discount"), max_digits=12, decimal_places=2, default=0
    )

    # The delivery promise made at placement (orders/promise.py), never changed afterwards: it
    # ships by `promised_ship_by` and arrives between `promised_from` and `promised_to`, by a
    # method of `promised_days_min`–`promised_days_max` days. Empty when nothing ships.
    promised_ship_by = models.DateField(_("promised to ship by"), null=True, blank=True)
    promised_from = models.DateField(_("promised delivery from"), null=True, blank=True)
    promised_to = models.DateField(_("promised delivery by"), null=True, blank=True)
    promised_days_min = models.PositiveSmallIntegerField(null=True, blank=True)
    promised_days_max = models.PositiveSmallIntegerField(null=True, blank=True)
    # Set once, when the order will miss its promise and the customer has been told.
    estimated_to = models.DateField(_("new delivery estimate"), null=True, blank=True)
    late_noticed_at = models.DateTimeField(_("told it runs late"), null=True, blank=True)

    # The cart id and version the checkout form carried: a resubmit finds this order.
    checkout_token = models.CharField(max_length=80, unique=True)
    placed_at = models.DateTimeField(_("placed at"), default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    expires_at = models.DateTimeField(_("payment due by"), null=True, blank=True)
    # Something about the order needs a person: money that arrived for a cancelled order or a
    # replaced payment attempt (refunded automatically), a mismatch to look into.
    needs_review = models.BooleanField(_("needs review"), default=False)
    review_note = models.CharField(_("review note"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        ordering = ["-placed_at"]
        indexes = [
            models.Index(fields=["user", "-placed_at"], name="orders_user_placed_idx"),
            models.Index(fields=["status", "expires_at"], name="orders_status_expiry_idx"),
            models.Index(fields=["payment_status"], name="orders_payment_status_idx"),
            models.Index(fields=["-placed_at"], name="orders_placed_idx"),
            # The call-centre lookup: guests' orders by email (any case) and by phone.
            models.Index(Upper("email"), name="orders_order_email_ci_idx"),
            models.Index(fields=["phone"], name="orders_order_phone_idx"),
            models.Index(
                fields=["source", "-placed_at"],
                name="orders_source_idx",
                condition=~Q(source="web"),
            ),
            models.Index(
                fields=["source_ref", "placed_at"],
                name="orders_source_ref_idx",
                condition=~Q(source_ref=""),
            ),
            # The promise watch: open orders with a promise not yet found late.
            models.Index(
                fields=["promised_to"],
                name="orders_promise_watch_idx",
                condition=Q(
                    late_noticed_at__isnull=True,
                    promised_to__isnull=False,
                    status__in=[
                        "confirmed",
                        "preparing",
                        "packed",
                        "shipped",
                        "in_transit",
                        "out_for_delivery",
                    ],
                ),
            ),
            # The late-to-ship list, and the orders staff were told run late.
            models.Index(
                fields=["promised_ship_by"],
                name="orders_promise_ship_idx",
                condition=Q(status__in=["confirmed", "preparing", "packed"]),
            ),
            models.Index(
                fields=["late_noticed_at"],
                name="orders_late_noticed_idx",
                condition=Q(late_noticed_at__isnull=False),
            ),
            models.Index(
                fields=["needs_review"],
                name="orders_needs_review_idx",
                condition=Q(needs_review=True),
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(total__gte=0), name="orders_total_not_negative"),
        ]
        permissions = [("place_phone_order", _("Can place orders for customers by phone"))]

    def __str__(self) -> str:
        return self.number

    @property
    def promise_open(self) -> bool:
        """Whether the promise still speaks: the order is on its way, not yet arrived or ended."""
        return self.promised_to is not None and self.status in OPEN_PROMISE_STATUSES

    @property
    def expected_by(self) -> date | None:
        """The day the customer may now expect it: the new estimate once late, else the promise."""
        return self.estimated_to or self.promised_to

    @property
    def shipping_method_label(self) -> str:
        """The shipping method in the active language, as named at placement."""
        language = (get_language() or "").split("-")[0]
        return self.shipping_method_names.get(language) or self.shipping_method


class OrderEvent(models.Model):
    """One line of an order's history: who changed what, when, and why."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(max_length=20, choices=OrderStatus, blank=True)
    to_status = models.CharField(max_length=20, choices=OrderStatus)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    # What the shop writes here is stored in English (gettext_noop) and shown through
    # `note_shown` in the reader's language; numbers and carriers' own words stay as they are.
    note = models.TextField(blank=True)
    # What happened besides a status change ("delivery_problem", "downloads"); "" for a change.
    kind = models.CharField(max_length=30, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("order event")
        verbose_name_plural = _("order events")
        ordering = ["created_at", "pk"]
        # The dashboard: when orders reached a status (shipped, delivered) over a date range.
        indexes = [
            models.Index(fields=["to_status", "created_at"], name="orders_event_status_at_idx")
        ]

    def __str__(self) -> str:
        return f"{self.order_id}: {self.from_status or '—'} → {self.to_status}"

    @property
    def note_shown(self) -> str:
        """The note in the active language (the shop's own texts are translated)."""
        return gettext(self.note) if self.note else ""

    note_shown.fget.short_description = _("note")


class OrderLine(models.Model):
    """What was bought, as it was at placement: names, prices and VAT are copies."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    # Products that were sold cannot be deleted (archive them instead).
    product = models.ForeignKey("catalog.Product", on_delete=models.PROTECT, related_name="+")
    variant = models.ForeignKey("catalog.Variant", on_delete=models.PROTECT, related_name="+")
    product_name = models.CharField(_("product"), max_length=200)
    variant_name = models.CharField(_("option"), max_length=200, blank=True)
    sku = models.CharField(_("SKU"), max_length=64)
    is_digital = models.BooleanField(_("digital"), default=False)
    quantity = models.PositiveIntegerField(_("quantity"))
    unit_price = models.DecimalField(_("unit price"), max_digits=12, decimal_places=2)
    vat_rate = models.DecimalField(_("VAT rate"), max_digits=4, decimal_places=2)
    gross = models.DecimalField(_("gross"), max_digits=12, decimal_places=2)
    discount = models.DecimalField(_("discount"), max_digits=12, decimal_places=2, default=0)
    total = models.DecimalField(_("total"), max_digits=12, decimal_places=2)
    vat = models.DecimalField(_("VAT"), max_digits=12, decimal_places=2)

    class Meta:
        verbose_name = _("order line")
        verbose_name_plural = _("order lines")
        ordering = ["pk"]
        indexes = [models.Index(fields=["product", "order"], name="orders_line_product_idx")]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.product_name}"


class PromiseReport(Order):
    """The delivery promise report (an admin screen, not a table): on-time rates by carrier
    and by shipping method, for staff with `orders.view_promisereport`."""

    class Meta:
        proxy = True
        verbose_name = _("delivery promise report")
        verbose_name_plural = _("delivery promise reports")
        default_permissions = ("view",)
