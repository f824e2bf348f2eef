"""Products, their variants (SKUs) with prices and stock, images and digital files.

Texts (names, descriptions, slugs, SEO fields) exist in Turkish and English as columns registered
in translation.py. Prices are VAT-included Decimals in the shop currency. Stock changes only
through `services.stock_adjust` and the allocation services.
"""

from decimal import Decimal

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shop.money import format_money, vat_included_in

from ..storage import private_storage
from .taxonomy import AttributeValue, Category, ProductType, unique_slug_per_language


class VatRate(models.TextChoices):
    """KDV rates."""

    ONE = "0.01", _("1 %")
    TEN = "0.10", _("10 %")
    TWENTY = "0.20", _("20 %")


class ProductStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ACTIVE = "active", _("Active")
    ARCHIVED = "archived", _("Archived")


class ProductKind(models.TextChoices):
    PHYSICAL = "physical", _("Physical (shipped)")
    DIGITAL = "digital", _("Digital (download)")


class Product(models.Model):
    product_type = models.ForeignKey(
        ProductType, on_delete=models.PROTECT, verbose_name=_("product type")
    )
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="products", verbose_name=_("category")
    )
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(
        _("slug"), max_length=220, blank=True, help_text=_("Leave empty to make it from the name.")
    )
    description = models.TextField(_("description"), blank=True)
    seo_title = models.CharField(_("SEO title"), max_length=70, blank=True)
    seo_description = models.CharField(_("SEO description"), max_length=160, blank=True)
    kind = models.CharField(
        _("kind"), max_length=10, choices=ProductKind, default=ProductKind.PHYSICAL
    )
    status = models.CharField(
        _("status"), max_length=10, choices=ProductStatus, default=ProductStatus.DRAFT
    )
    vat_rate = models.CharField(
        _("VAT rate"), max_length=4, choices=VatRate, default=VatRate.TWENTY
    )
    attribute_values = models.ManyToManyField(
        AttributeValue, blank=True, related_name="products", verbose_name=_("attributes")
    )
    is_featured = models.BooleanField(_("featured"), default=False)
    # Bought again and again (coffee, filters, ink): recommendations may offer it to a customer
    # who already bought it; anything else they bought is left out.
    is_consumable = models.BooleanField(
        _("consumable"),
        default=False,
        help_text=_("Customers buy it again when it runs out: recommend it to past buyers too."),
    )
    # Days from ordering more from the supplier to having it on the shelf (the dashboard's
    # reorder list); empty: settings.ANALYTICS_DEFAULT_LEAD_TIME_DAYS.
    lead_time_days = models.PositiveSmallIntegerField(
        _("restocking lead time (days)"),
        null=True,
        blank=True,
        help_text=_("Days from reordering to having it in stock; empty for the shop's default."),
    )
    # Turkish-folded name and SKUs in both languages: one indexed column for both sides of a search.
    search_text = models.TextField(editable=False, blank=True)
    # Weighted full-text vector over folded texts (names A, category and attribute values B,
    # descriptions C), PostgreSQL only; refreshed after commit (catalog.search), not in placement.
    search_vector = SearchVectorField(null=True, editable=False)
    # Denormalised for listings, kept current by the services: lowest variant price, any stock.
    min_price = models.DecimalField(max_digits=12, decimal_places=2, default=0, editable=False)
    in_stock = models.BooleanField(default=False, editable=False)
    # A variant's sale runs now (the home page's "on sale" section reads a partial index on it).
    on_sale = models.BooleanField(default=False, editable=False)
    # The next moment a scheduled sale starts or ends: the periodic job refreshes the fields above.
    listing_changes_at = models.DateTimeField(null=True, blank=True, editable=False)
    # The card's thumbnail, stored when it is generated: {"src", "srcset", "width", "height"}.
    card_image = models.JSONField(default=dict, blank=True, editable=False)
    units_sold = models.PositiveIntegerField(default=0, editable=False)
    # Approved reviews, stored by the review service so cards cost no query: average, count and
    # how many gave each star ({"5": 3, "4": 1}).
    rating_average = models.DecimalField(max_digits=3, decimal_places=2, default=0, editable=False)
    rating_count = models.PositiveIntegerField(default=0, editable=False)
    rating_distribution = models.JSONField(default=dict, blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("product")
        verbose_name_plural = _("products")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["status", "category"], name="catalog_status_category_idx"),
            models.Index(fields=["status", "-created_at"], name="catalog_status_newest_idx"),
            models.Index(fields=["status", "min_price"], name="catalog_status_price_idx"),
            models.Index(fields=["status", "-units_sold"], name="catalog_status_sold_idx"),
            models.Index(fields=["status", "in_stock"], name="catalog_status_stock_idx"),
            models.Index(fields=["status", "name_tr"], name="catalog_status_name_tr_idx"),
            models.Index(fields=["status", "name_en"], name="catalog_status_name_en_idx"),
            models.Index(
                fields=["-created_at", "-id"],
                condition=Q(status="active", on_sale=True),
                name="catalog_on_sale_newest_idx",
            ),
            models.Index(
                fields=["listing_changes_at"],
                condition=Q(listing_changes_at__isnull=False),
                name="catalog_listing_changes_idx",
            ),
        ]
        constraints = unique_slug_per_language("product")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("catalog:product", args=[self.slug])

    @property
    def is_digital(self) -> bool:
        return self.kind == ProductKind.DIGITAL

    @property
    def vat_rate_decimal(self) -> Decimal:
        return Decimal(self.vat_rate)


class SlugRedirect(models.Model):
    """An old slug of a product or category, answering 301 to the current one."""

    old_slug = models.SlugField(max_length=220)
    language = models.CharField(max_length=8)
    product = models.ForeignKey(Product, on_delete=models.CASCADE, null=True, blank=True)
    category = models.ForeignKey(Category, on_delete=models.CASCADE, null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["old_slug", "language", "product"], name="catalog_redirect_product"
            ),
            models.UniqueConstraint(
                fields=["old_slug", "language", "category"], name="catalog_redirect_category"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.language}/{self.old_slug}"


class Variant(models.Model):
    """A sellable SKU of a product, with its own price and stock."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="variants")
    sku = models.CharField(_("SKU"), max_length=64, unique=True)
    barcode = models.CharField(_("barcode"), max_length=32, blank=True)
    attribute_values = models.ManyToManyField(
        AttributeValue, blank=True, related_name="variants", verbose_name=_("options")
    )
    price = models.DecimalField(_("price (VAT included)"), max_digits=12, decimal_places=2)
    compare_at_price = models.DecimalField(
        _("compare-at price"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    sale_price = models.DecimalField(
        _("sale price"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    sale_starts_at = models.DateTimeField(_("sale starts"), null=True, blank=True)
    sale_ends_at = models.DateTimeField(_("sale ends"), null=True, blank=True)
    weight_grams = models.PositiveIntegerField(_("weight (g)"), default=0)
    on_hand = models.PositiveIntegerField(_("on hand"), default=0)
    allocated = models.PositiveIntegerField(_("allocated to orders"), default=0)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("variant")
        verbose_name_plural = _("variants")
        ordering = ["product", "position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(allocated__lte=F("on_hand")), name="catalog_allocated_within_on_hand"
            ),
            models.CheckConstraint(condition=Q(price__gt=0), name="catalog_price_positive"),
            models.CheckConstraint(
                condition=Q(sale_price__isnull=True) | Q(sale_price__gt=0),
                name="catalog_sale_price_positive",
            ),
        ]

    def __str__(self) -> str:
        return self.sku

    @property
    def available(self) -> int:
        """Units that may still be sold; digital products are never out of stock."""
        if self.product.is_digital:
            return 10**6
        return self.on_hand - self.allocated

    def on_sale(self, at: "timezone.datetime | None" = None) -> bool:
        at = at or timezone.now()
        return (
            self.sale_price is not None
            and (self.sale_starts_at is None or self.sale_starts_at <= at)
            and (self.sale_ends_at is None or at < self.sale_ends_at)
        )

    def current_price(self, at: "timezone.datetime | None" = None) -> Decimal:
        """The price a shopper pays now (the scheduled sale price while it runs)."""
        return self.sale_price if self.on_sale(at) else self.price

    def vat_amount(self) -> Decimal:
        return vat_included_in(self.current_price(), self.product.vat_rate_decimal)

    def stock_hint(self) -> str:
        """'in_stock', 'low' or 'out' for the templates."""
        available = self.available
        if available <= 0:
            return "out"
        if available <= settings.CATALOG_LOW_STOCK_THRESHOLD:
            return "low"
        return "in_stock"


class StockMovement(models.Model):
    """Why a variant's stock changed, by how much, and who did it."""

    class Reason(models.TextChoices):
        RECEIPT = "receipt", _("Goods received")
        CORRECTION = "correction", _("Stock count correction")
        SALE = "sale", _("Sold (shipped)")
        RETURN = "return", _("Customer return")
        DAMAGE = "damage", _("Damaged or lost")

    variant = models.ForeignKey(Variant, on_delete=models.CASCADE, related_name="movements")
    delta = models.IntegerField(_("change"))
    on_hand_after = models.PositiveIntegerField(_("on hand after"))
    reason = models.CharField(_("reason"), max_length=12, choices=Reason)
    note = models.CharField(_("note"), max_length=255, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("stock movement")
        verbose_name_plural = _("stock movements")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.variant} {self.delta:+d} ({self.reason})"


class PriceHistory(models.Model):
    """Every price a variant was sold at, for the 30-day lowest-price rule on discounts."""

    variant = models.ForeignKey(Variant, on_delete=models.CASCADE, related_name="price_history")
    price = models.DecimalField(max_digits=12, decimal_places=2)
    starts_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("price history")
        verbose_name_plural = _("price history")
        ordering = ["-starts_at"]
        indexes = [models.Index(fields=["variant", "starts_at"], name="catalog_price_hist_idx")]

    def __str__(self) -> str:
        return f"{self.variant_id}: {format_money(self.price)} from {self.starts_at:%Y-%m-%d}"


class ProductImage(models.Model):
    """A photo of a product, or of one variant of it (shown when that variant is chosen)."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="images")
    variant = models.ForeignKey(
        Variant, on_delete=models.CASCADE, null=True, blank=True, related_name="images"
    )
    image = models.ImageField(
        _("image"), upload_to="products/%Y/%m/", width_field="width", height_field="height"
    )
    width = models.PositiveIntegerField(default=0, editable=False)
    height = models.PositiveIntegerField(default=0, editable=False)
    alt_text = models.CharField(_("alternative text"), max_length=200, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    # Thumbnails made when the image is saved, by size: {"600x600": {"src", "srcset", ...}}.
    renditions = models.JSONField(default=dict, blank=True, editable=False)

    class Meta:
        verbose_name = _("image")
        verbose_name_plural = _("images")
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.alt_text or self.image.name


class DigitalFile(models.Model):
    """What a digital product delivers. Stored privately: no URL reaches it."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="files")
    title = models.CharField(_("title"), max_length=120)
    file = models.FileField(_("file"), upload_to="digital/%Y/%m/", storage=private_storage)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("digital file")
        verbose_name_plural = _("digital files")

    def __str__(self) -> str:
        return self.title
