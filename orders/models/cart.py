"""Carts and their lines, coupons and each use of a coupon by an order."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shop.text import code_normal

from .orders import Order


class CartStatus(models.TextChoices):
    OPEN = "open", _("Open")
    ORDERED = "ordered", _("Ordered")
    MERGED = "merged", _("Merged into another cart")
    # A one-click "buy now" or "buy again": its own cart, so the customer's open cart stays as is.
    EXPRESS = "express", _("Express purchase")
    # Built by an agent for a customer on the phone: the customer's own open cart stays as is.
    AGENT = "agent", _("Phone order by an agent")


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
    # Loyalty points the shopper chose to redeem on this cart (checked again at placement).
    points_to_redeem = models.PositiveIntegerField(default=0)
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
    # A personal coupon works only for this customer's account; empty: for everyone.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="personal_coupons",
        verbose_name=_("only for customer"),
    )
    # Who issues a personal coupon names the occasion ("birthday:2027:42"): a retried job finds
    # the coupon it made. NULL (never "") when absent, so many coupons may have none.
    issue_key = models.CharField(
        _("issue key"), max_length=100, unique=True, null=True, blank=True, editable=False
    )
    reason = models.CharField(_("why it was issued"), max_length=200, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("issued by"),
        editable=False,
    )
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
        self.code = code_normal(self.code)
        self.issue_key = self.issue_key or None  # "" would collide with the next blank key
        super().save(*args, **kwargs)

    def clean(self) -> None:
        # Before the uniqueness check: 'hoşgeldin' beside 'HOSGELDIN' is a form error, not a 500.
        self.code = code_normal(self.code)
        if self.user_id is not None:  # a personal coupon is used once, by its customer
            self.max_uses = self.max_uses_per_customer = 1


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
