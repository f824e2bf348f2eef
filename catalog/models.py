"""Catalog tables: category tree, product types and attributes, products, variants and stock.

Texts (names, descriptions, slugs, SEO fields, attribute values) exist in Turkish and English
as columns registered in translation.py. Prices are VAT-included Decimals in the shop currency.
Stock changes only through `services.stock_adjust` and the allocation services.
"""

from decimal import Decimal

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from treebeard.mp_tree import MP_Node

from shop.money import format_money, vat_included_in

from .storage import private_storage


def unique_slug_per_language(model: str) -> list[models.UniqueConstraint]:
    """Slugs are unique within each language (an empty one is filled in on save)."""
    return [
        models.UniqueConstraint(
            fields=[f"slug_{code}"],
            condition=~Q(**{f"slug_{code}": ""}),
            name=f"catalog_{model}_slug_{code}_unique",
        )
        for code in ("tr", "en")
    ]


class VatRate(models.TextChoices):
    """KDV rates."""

    ONE = "0.01", _("1 %")
    TEN = "0.10", _("10 %")
    TWENTY = "0.20", _("20 %")


class Category(MP_Node):
    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("slug"), max_length=140)
    description = models.TextField(_("description"), blank=True)
    seo_title = models.CharField(_("SEO title"), max_length=70, blank=True)
    seo_description = models.CharField(_("SEO description"), max_length=160, blank=True)
    is_featured = models.BooleanField(_("featured on the home page"), default=False)
    is_active = models.BooleanField(_("active"), default=True)

    node_order_by = ["name"]

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        # Listings select a subtree with `path LIKE 'prefix%'`; PostgreSQL needs pattern ops.
        indexes = [
            models.Index(
                fields=["path"],
                name="catalog_category_path_like",
                opclasses=["varchar_pattern_ops"],
            )
        ]
        constraints = unique_slug_per_language("category")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("catalog:category", args=[self.slug])

    def trail(self) -> list["Category"]:
        """This category and its ancestors, root first (breadcrumbs): one query."""
        return [*type(self).objects.get_ancestors(self), self]


class ProductType(models.Model):
    """What kind of thing a product is (book, shirt, software): which attributes it has."""

    name = models.CharField(_("name"), max_length=80)
    attributes = models.ManyToManyField("Attribute", blank=True, verbose_name=_("attributes"))

    class Meta:
        verbose_name = _("product type")
        verbose_name_plural = _("product types")

    def __str__(self) -> str:
        return self.name


class Attribute(models.Model):
    """Colour, size, author, format… Variant-defining ones make the variant picker."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=80)
    defines_variant = models.BooleanField(_("distinguishes variants"), default=False)
    filterable = models.BooleanField(_("filter on listings"), default=True)

    class Meta:
        verbose_name = _("attribute")
        verbose_name_plural = _("attributes")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class AttributeValue(models.Model):
    attribute = models.ForeignKey(Attribute, on_delete=models.CASCADE, related_name="values")
    value = models.CharField(_("value"), max_length=120)
    slug = models.SlugField(_("slug"), max_length=140)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("attribute value")
        verbose_name_plural = _("attribute values")
        ordering = ["attribute", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["attribute", "slug"], name="catalog_value_slug_unique")
        ]

    def __str__(self) -> str:
        return f"{self.attribute}: {self.value}"


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


class ReviewStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting approval")
    APPROVED = "approved", _("Published")
    HIDDEN = "hidden", _("Hidden")


class Review(models.Model):
    """A customer's rating (1–5) and words on a product they bought; one each, editable.

    Shown once staff approve it; an edit waits for approval again. Written by catalog.services.
    """

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="reviews")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reviews"
    )
    rating = models.PositiveSmallIntegerField(_("rating"))
    body = models.TextField(_("review"), max_length=2000, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=ReviewStatus, default=ReviewStatus.PENDING
    )
    verified_purchase = models.BooleanField(_("verified purchase"), default=False)
    created_at = models.DateTimeField(_("written"), default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["product", "user"], name="catalog_review_one_each"),
            models.CheckConstraint(
                condition=Q(rating__gte=1, rating__lte=5), name="catalog_review_rating_1_5"
            ),
        ]
        indexes = [
            models.Index(fields=["product", "status", "-created_at"], name="catalog_review_shown")
        ]

    def __str__(self) -> str:
        return f"{self.product_id}: {self.rating}/5"


class SearchMiss(models.Model):
    """How often a search found nothing on a day: the folded words and a count, nothing else.

    Aggregates only (no user, session or IP), so staff see what shoppers look for and do not
    find without the shop keeping anything about who searched. Written by catalog.services.
    """

    query = models.CharField(_("search"), max_length=100)
    day = models.DateField(_("day"))
    count = models.PositiveIntegerField(_("searches"), default=0)

    class Meta:
        verbose_name = _("search without results")
        verbose_name_plural = _("searches without results")
        ordering = ["-count", "-day", "query"]
        constraints = [
            models.UniqueConstraint(fields=["query", "day"], name="catalog_search_miss_one_a_day")
        ]
        indexes = [
            models.Index(fields=["-count", "-day"], name="catalog_search_miss_count"),
            models.Index(fields=["day", "-count"], name="catalog_search_miss_day"),
        ]

    def __str__(self) -> str:
        return f"{self.query} ({self.day}: {self.count})"
