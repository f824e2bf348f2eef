"""Catalog reads for pages: a constant number of queries however many products are shown."""

from dataclasses import dataclass
from decimal import Decimal

from django.core.cache import cache
from django.db.models import Min, Prefetch, Q, QuerySet
from django.utils import timezone, translation

from shop import pagecache
from shop.text import fold

from .models import (
    AttributeValue,
    Category,
    PriceHistory,
    Product,
    ProductImage,
    ProductStatus,
    SlugRedirect,
    Variant,
)

SORTS = {
    "newest": ["-created_at", "-pk"],
    "price_asc": ["min_price", "pk"],
    "price_desc": ["-min_price", "-pk"],
    "best_selling": ["-units_sold", "-pk"],
    "name": ["name", "pk"],
}
MENU_CACHE_SECONDS = 24 * 3600  # the key is versioned: a category change makes a new one
# What a product card shows, and nothing else (no descriptions or SEO texts).
CARD_FIELDS = [
    "id",
    "name_tr",
    "name_en",
    "slug_tr",
    "slug_en",
    "kind",
    "min_price",
    "in_stock",
    "on_sale",
    "card_image",
]


@dataclass(frozen=True)
class ListingFilters:
    q: str = ""
    min_price: Decimal | None = None
    max_price: Decimal | None = None
    in_stock: bool = False
    sort: str = "newest"
    attribute_values: tuple[int, ...] = ()


def _slug_field() -> str:
    return f"slug_{translation.get_language() or 'tr'}"


def active_products() -> QuerySet[Product]:
    return Product.objects.filter(status=ProductStatus.ACTIVE)


def product_listing(*, category: Category | None, filters: ListingFilters) -> QuerySet[Product]:
    """Active products matching the filters, as lean rows for cards (CARD_FIELDS only)."""
    products = active_products()
    if category is not None:
        # The category and all its descendants: one indexed prefix match on the tree path.
        products = products.filter(category__path__startswith=category.path)
    if filters.q:
        # On PostgreSQL a trigram GIN index serves these LIKE '%word%' matches.
        for word in fold(filters.q).split()[:8]:
            products = products.filter(search_text__contains=word)
    if filters.min_price is not None:
        products = products.filter(min_price__gte=filters.min_price)
    if filters.max_price is not None:
        products = products.filter(min_price__lte=filters.max_price)
    if filters.in_stock:
        products = products.filter(in_stock=True)
    if filters.attribute_values:
        # Values of one attribute widen the choice (red OR blue); attributes narrow it.
        chosen = AttributeValue.objects.filter(pk__in=filters.attribute_values)
        by_attribute: dict[int, list[int]] = {}
        for value in chosen:
            by_attribute.setdefault(value.attribute_id, []).append(value.pk)
        for value_ids in by_attribute.values():
            matching = Product.objects.filter(
                Q(attribute_values__in=value_ids) | Q(variants__attribute_values__in=value_ids)
            ).values("pk")
            products = products.filter(pk__in=matching)
    order = SORTS.get(filters.sort, SORTS["newest"])
    if filters.sort == "name":
        order = [f"name_{translation.get_language() or 'tr'}", "pk"]
    return products.order_by(*order).only(*CARD_FIELDS)


def on_sale_products(*, limit: int = 8) -> list[Product]:
    """Newest products with a running sale: a partial index holds exactly these rows.

    `on_sale` follows the clock through the periodic listing refresh (sale starts and ends).
    """
    return list(
        active_products()
        .filter(on_sale=True)
        .order_by("-created_at", "-id")
        .only(*CARD_FIELDS)[:limit]
    )


def new_arrivals(*, limit: int = 8) -> list[Product]:
    return list(product_listing(category=None, filters=ListingFilters())[:limit])


def featured_categories() -> list[Category]:
    return list(Category.objects.filter(is_active=True, is_featured=True).order_by("path")[:8])


def menu_categories() -> list[Category]:
    """Top-level categories for the header, cached per language."""
    version = pagecache.versions([pagecache.MENU])[pagecache.MENU]
    key = f"catalog:menu:{translation.get_language()}:{version}"
    menu = cache.get(key)
    if menu is None:
        menu = list(Category.objects.filter(depth=1, is_active=True).order_by("path"))
        cache.set(key, menu, MENU_CACHE_SECONDS)
    return menu


def category_by_slug(slug: str) -> Category | None:
    return Category.objects.filter(is_active=True, **{_slug_field(): slug}).first()


def product_by_slug(slug: str) -> Product | None:
    return (
        active_products()
        .filter(**{_slug_field(): slug})
        .select_related("category", "product_type")
        .prefetch_related(
            Prefetch(
                "variants",
                queryset=Variant.objects.order_by("position", "pk").prefetch_related(
                    "attribute_values__attribute"
                ),
            ),
            "attribute_values__attribute",
            Prefetch("images", queryset=ProductImage.objects.order_by("position", "pk")),
        )
        .first()
    )


def redirect_target(*, slug: str, kind: str) -> Product | Category | None:
    """Where an old (or other-language) slug now lives, for a 301."""
    language = translation.get_language() or "tr"
    redirect = (
        SlugRedirect.objects.filter(old_slug=slug, language=language)
        .select_related("product", "category")
        .first()
    )
    if redirect:
        return redirect.product if kind == "product" else redirect.category
    model = Product if kind == "product" else Category
    lookup = Q()
    for code in ("tr", "en"):
        lookup |= Q(**{f"slug_{code}": slug})
    return model.objects.filter(lookup).first()


def related_products(*, product: Product, limit: int = 4) -> QuerySet[Product]:
    return product_listing(category=product.category, filters=ListingFilters()).exclude(
        pk=product.pk
    )[:limit]


def filterable_values() -> list[AttributeValue]:
    return list(
        AttributeValue.objects.filter(attribute__filterable=True)
        .select_related("attribute")
        .order_by("attribute__code", "position", "pk")
    )


def filter_choices() -> list[tuple[str, str]]:
    """The listing filter's options in the current language, cached until the catalog changes."""
    version = pagecache.versions([pagecache.CATALOG])[pagecache.CATALOG]
    key = f"catalog:filter-choices:{translation.get_language()}:{version}"
    choices = cache.get(key)
    if choices is None:
        choices = [
            (str(value.pk), f"{value.attribute.name}: {value.value}")
            for value in filterable_values()
        ]
        cache.set(key, choices, MENU_CACHE_SECONDS)
    return choices


def reference_price(*, variant: Variant) -> Decimal | None:
    """The crossed-out "was" price to show, or None.

    Turkish rules on advertising discounts: the price before a discount is the lowest price of
    the last 30 days. A claimed reference (the compare-at price, or the regular price during a
    sale) is shown only if it does not exceed that lowest price, and only above today's price.
    """
    current = variant.current_price()
    claimed = variant.compare_at_price or (variant.price if variant.on_sale() else None)
    if claimed is None or claimed <= current:
        return None
    lowest = lowest_price_since(variant=variant, days=30)
    return claimed if claimed <= lowest else None


def lowest_price_since(*, variant: Variant, days: int = 30) -> Decimal:
    """The lowest regular price in force during the last `days` days (price history).

    Without history the variant's regular price is the only price it has had.
    """
    since = timezone.now() - timezone.timedelta(days=days)
    in_force_at_start = (
        PriceHistory.objects.filter(variant=variant, starts_at__lt=since)
        .order_by("-starts_at")
        .values("pk")[:1]
    )
    lowest = (
        PriceHistory.objects.filter(variant=variant)
        .filter(Q(starts_at__gte=since) | Q(pk__in=in_force_at_start))
        .aggregate(low=Min("price"))["low"]
    )
    return lowest if lowest is not None else variant.price
