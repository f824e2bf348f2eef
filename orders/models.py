"""Orders' tables: the address book, orders and their history."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from payments.states import PaymentMethod, PaymentStatus
from shop.phones import validate_mobile

from .geo import PROVINCES
from .states import CancelReason, OrderStatus
from .validators import is_valid_tckn, is_valid_vkn


class BillingType(models.TextChoices):
    INDIVIDUAL = "individual", _("Individual")
    COMPANY = "company", _("Company")


class Address(models.Model):
    """An entry of a customer's address book; its billing identity is used for invoices."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="addresses"
    )
    label = models.CharField(_("label"), max_length=40, blank=True, help_text=_("e.g. Home, Work"))
    full_name = models.CharField(_("full name"), max_length=120)
    phone = models.CharField(_("mobile phone"), max_length=20, validators=[validate_mobile])
    country = models.CharField(
        _("country"),
        max_length=2,
        default="TR",
        validators=[RegexValidator(r"^[A-Z]{2}$", _("Use the two-letter country code, e.g. TR."))],
    )
    province = models.CharField(_("province"), max_length=60)
    district = models.CharField(_("district"), max_length=60)
    neighbourhood = models.CharField(_("neighbourhood"), max_length=80, blank=True)
    street = models.CharField(
        _("street address"), max_length=255, help_text=_("Street, building and flat number")
    )
    postal_code = models.CharField(_("postal code"), max_length=12, blank=True)

    billing_type = models.CharField(
        _("invoice type"), max_length=12, choices=BillingType, default=BillingType.INDIVIDUAL
    )
    national_id = models.CharField(_("T.C. identity number"), max_length=11, blank=True)
    company_name = models.CharField(_("company name"), max_length=160, blank=True)
    tax_office = models.CharField(_("tax office"), max_length=80, blank=True)
    tax_number = models.CharField(_("tax number"), max_length=10, blank=True)

    is_default_shipping = models.BooleanField(_("default delivery address"), default=False)
    is_default_billing = models.BooleanField(_("default billing address"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("address")
        verbose_name_plural = _("addresses")
        ordering = ["-is_default_shipping", "-updated_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(is_default_shipping=True),
                name="orders_one_default_shipping_address",
            ),
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(is_default_billing=True),
                name="orders_one_default_billing_address",
            ),
        ]

    def __str__(self) -> str:
        return self.label or f"{self.full_name}, {self.district}/{self.province}"

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.country == "TR":
            if self.province not in PROVINCES.values():
                errors["province"] = _("Choose a province of Turkey.")
            if not self.neighbourhood.strip():
                errors["neighbourhood"] = _("Enter the neighbourhood (mahalle).")
            if not (len(self.postal_code) == 5 and self.postal_code.isdigit()):
                errors["postal_code"] = _("A Turkish postal code has 5 digits.")
        errors.update(self.billing_identity_errors())
        if errors:
            raise ValidationError(errors)

    def billing_identity_errors(self) -> dict[str, str]:
        """What is missing or wrong for an invoice to this address."""
        errors: dict[str, str] = {}
        if self.billing_type == BillingType.COMPANY:
            if not self.company_name.strip():
                errors["company_name"] = _("Enter the company name.")
            if not self.tax_office.strip():
                errors["tax_office"] = _("Enter the tax office.")
            if not is_valid_vkn(self.tax_number):
                errors["tax_number"] = _("Enter a valid 10-digit tax number.")
        elif self.national_id and not is_valid_tckn(self.national_id):
            errors["national_id"] = _("Enter a valid 11-digit T.C. identity number.")
        return errors

    def lines(self) -> list[str]:
        """The address as printed on a label or an invoice."""
        place = f"{self.district} / {self.province}"
        return [
            line
            for line in [
                self.full_name,
                self.company_name if self.billing_type == BillingType.COMPANY else "",
                self.neighbourhood,
                self.street,
                f"{self.postal_code} {place}".strip(),
                "" if self.country == "TR" else self.country,
            ]
            if line
        ]


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
    shipping_method = models.CharField(_("shipping method"), max_length=120, blank=True)
    coupon_code = models.CharField(_("coupon"), max_length=40, blank=True)

    # The cart id and version the checkout form carried: a resubmit finds this order.
    checkout_token = models.CharField(max_length=80, unique=True)
    placed_at = models.DateTimeField(_("placed at"), default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    expires_at = models.DateTimeField(_("payment due by"), null=True, blank=True)

    class Meta:
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        ordering = ["-placed_at"]
        indexes = [
            models.Index(fields=["user", "-placed_at"], name="orders_user_placed_idx"),
            models.Index(fields=["status", "expires_at"], name="orders_status_expiry_idx"),
            models.Index(fields=["payment_status"], name="orders_payment_status_idx"),
            models.Index(fields=["-placed_at"], name="orders_placed_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(total__gte=0), name="orders_total_not_negative"),
        ]

    def __str__(self) -> str:
        return self.number


class OrderEvent(models.Model):
    """One line of an order's history: who changed what, when, and why."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(max_length=20, choices=OrderStatus, blank=True)
    to_status = models.CharField(max_length=20, choices=OrderStatus)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("order event")
        verbose_name_plural = _("order events")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.order_id}: {self.from_status or '—'} → {self.to_status}"


class Carrier(models.Model):
    """A shipping company; its tracking link is built from the shipment's tracking number."""

    name = models.CharField(_("name"), max_length=80)
    tracking_url_template = models.CharField(
        _("tracking URL"),
        max_length=255,
        blank=True,
        help_text=_("Use {number} where the tracking number goes."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("carrier")
        verbose_name_plural = _("carriers")

    def __str__(self) -> str:
        return self.name


class ShippingRegion(models.Model):
    """Where a rate applies: whole countries, or some provinces of Turkey."""

    name = models.CharField(_("name"), max_length=80)
    countries = models.CharField(
        _("countries"), max_length=255, default="TR", help_text=_("Comma-separated codes, e.g. TR")
    )
    provinces = models.TextField(
        _("provinces"), blank=True, help_text=_("One per line; empty means the whole country.")
    )

    class Meta:
        verbose_name = _("shipping region")
        verbose_name_plural = _("shipping regions")

    def __str__(self) -> str:
        return self.name

    def covers(self, *, country: str, province: str) -> bool:
        if country.upper() not in {c.strip().upper() for c in self.countries.split(",")}:
            return False
        listed = {line.strip() for line in self.provinces.splitlines() if line.strip()}
        return not listed or province in listed

    @property
    def specificity(self) -> int:
        """Province lists beat whole countries when both cover an address."""
        return 1 if self.provinces.strip() else 0


class ShippingMethod(models.Model):
    carrier = models.ForeignKey(Carrier, on_delete=models.PROTECT, related_name="methods")
    name = models.CharField(_("name"), max_length=80)
    description = models.CharField(_("description"), max_length=200, blank=True)
    free_above = models.DecimalField(
        _("free above"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Basket value from which this method is free; empty: never free."),
    )
    days_min = models.PositiveSmallIntegerField(_("delivery days (min)"), default=1)
    days_max = models.PositiveSmallIntegerField(_("delivery days (max)"), default=3)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("shipping method")
        verbose_name_plural = _("shipping methods")
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return f"{self.carrier} — {self.name}"


class ShippingRate(models.Model):
    """The price of a method for parcels up to a weight, in one region (VAT included)."""

    method = models.ForeignKey(ShippingMethod, on_delete=models.CASCADE, related_name="rates")
    region = models.ForeignKey(ShippingRegion, on_delete=models.CASCADE, related_name="rates")
    max_weight_grams = models.PositiveIntegerField(_("up to (g)"))
    price = models.DecimalField(_("price"), max_digits=12, decimal_places=2)

    class Meta:
        verbose_name = _("shipping rate")
        verbose_name_plural = _("shipping rates")
        ordering = ["method", "region", "max_weight_grams"]
        constraints = [
            models.UniqueConstraint(
                fields=["method", "region", "max_weight_grams"], name="orders_rate_band_unique"
            ),
            models.CheckConstraint(condition=Q(price__gte=0), name="orders_rate_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.method} ≤ {self.max_weight_grams} g: {self.price}"


class CartStatus(models.TextChoices):
    OPEN = "open", _("Open")
    ORDERED = "ordered", _("Ordered")
    MERGED = "merged", _("Merged into another cart")


class Cart(models.Model):
    """A shopping cart: a guest's (its id kept in the session) or a signed-in customer's.

    `version` grows with every change; the checkout form carries (id, version), so a resubmit
    of the same checkout finds the order it already made and a stale form is refused.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="carts",
    )
    status = models.CharField(max_length=10, choices=CartStatus, default=CartStatus.OPEN)
    version = models.PositiveIntegerField(default=1)
    coupon = models.ForeignKey(
        "Coupon", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("cart")
        verbose_name_plural = _("carts")
        constraints = [
            models.UniqueConstraint(
                fields=["user"], condition=Q(status="open"), name="orders_one_open_cart_per_user"
            ),
        ]
        indexes = [models.Index(fields=["status", "updated_at"], name="orders_cart_stale_idx")]

    def __str__(self) -> str:
        return f"#{self.pk}"

    @property
    def token(self) -> str:
        return f"{self.pk}.{self.version}"


class CartLine(models.Model):
    cart = models.ForeignKey(Cart, on_delete=models.CASCADE, related_name="lines")
    variant = models.ForeignKey("catalog.Variant", on_delete=models.CASCADE, related_name="+")
    quantity = models.PositiveIntegerField(_("quantity"))
    # The price the customer saw when adding; the cart says so when the price has changed.
    seen_price = models.DecimalField(max_digits=12, decimal_places=2)
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["added_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["cart", "variant"], name="orders_cart_variant_once"),
            models.CheckConstraint(condition=Q(quantity__gte=1), name="orders_cart_qty_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.variant_id}"


class CouponKind(models.TextChoices):
    PERCENT = "percent", _("Percentage off")
    FIXED = "fixed", _("Fixed amount off")
    FREE_SHIPPING = "free_shipping", _("Free shipping")


class Coupon(models.Model):
    """A discount code. Usage is counted at placement under a row lock on the coupon."""

    code = models.CharField(
        _("code"), max_length=40, unique=True, help_text=_("Customers may type it in any case.")
    )
    description = models.CharField(_("description"), max_length=200, blank=True)
    kind = models.CharField(_("kind"), max_length=16, choices=CouponKind)
    value = models.DecimalField(
        _("value"),
        max_digits=12,
        decimal_places=2,
        default=0,
        help_text=_("Percent (e.g. 10) or amount; ignored for free shipping."),
    )
    min_basket = models.DecimalField(
        _("minimum basket"), max_digits=12, decimal_places=2, default=0
    )
    starts_at = models.DateTimeField(_("valid from"), null=True, blank=True)
    ends_at = models.DateTimeField(_("valid until"), null=True, blank=True)
    max_uses = models.PositiveIntegerField(
        _("total uses allowed"), null=True, blank=True, help_text=_("Empty: unlimited.")
    )
    max_uses_per_customer = models.PositiveIntegerField(
        _("uses per customer"), null=True, blank=True, default=1, help_text=_("Empty: unlimited.")
    )
    times_used = models.PositiveIntegerField(_("times used"), default=0, editable=False)
    categories = models.ManyToManyField(
        "catalog.Category",
        blank=True,
        related_name="+",
        verbose_name=_("only for categories"),
        help_text=_("Empty: every category. A category includes its subcategories."),
    )
    products = models.ManyToManyField(
        "catalog.Product", blank=True, related_name="+", verbose_name=_("only for products")
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("coupon")
        verbose_name_plural = _("coupons")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(value__gte=0), name="orders_coupon_value_ok"),
            models.CheckConstraint(
                condition=~Q(kind="percent") | Q(value__lte=100), name="orders_coupon_percent_ok"
            ),
        ]

    def __str__(self) -> str:
        return self.code

    def save(self, *args: object, **kwargs: object) -> None:
        self.code = self.code.strip().upper()
        super().save(*args, **kwargs)


class CouponRedemption(models.Model):
    """One use of a coupon by one order; per-customer limits count these."""

    coupon = models.ForeignKey(Coupon, on_delete=models.PROTECT, related_name="redemptions")
    order = models.OneToOneField(Order, on_delete=models.CASCADE, related_name="redemption")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    email = models.EmailField()
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("coupon use")
        verbose_name_plural = _("coupon uses")
        indexes = [
            models.Index(fields=["coupon", "user"], name="orders_redemption_user_idx"),
            models.Index(fields=["coupon", "email"], name="orders_redemption_email_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.coupon} → {self.order}"


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
