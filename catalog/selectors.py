"""Catalog reads for pages: a constant number of queries however many products are shown.

What each worker keeps of these reads, and for which versions, is catalog.kept's business.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.contrib.postgres.search import SearchQuery, SearchRank, TrigramWordSimilarity
from django.db import connection
from django.db.models import Case, F, FloatField, Min, Prefetch, Q, QuerySet, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone, translation

from . import search
from .models import (
    AttributeValue,
    Category,
    PriceHistory,
    Product,
    ProductImage,
    ProductStatus,
    Review,
    ReviewStatus,
    SlugRedirect,
    Variant,
)

SORTS = {
    "relevance": ["-created_at", "-pk"],  # without a search (or on SQLite): newest first
    "newest": ["-created_at", "-pk"],
    "price_asc": ["min_price", "pk"],
    "price_desc": ["-min_price", "-pk"],
    "best_selling": ["-units_sold", "-pk"],
    "name": ["name", "pk"],
}
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
    "rating_average",
    "rating_count",
]


@dataclass(frozen=True)
class ListingFilters:
    q: str = ""
    min_price: Decimal | None = None
    max_price: Decimal | None = None
    in_stock: bool = False
    sort: str = "newest"  # "relevance" is the form's default when q is set
    attribute_values: tuple[int, ...] = ()


def _slug_field() -> str:
    return f"slug_{translation.get_language() or 'tr'}"


def active_products() -> QuerySet[Product]:
    return Product.objects.filter(status=ProductStatus.ACTIVE)


def _filtered(*, category: Category | None, filters: ListingFilters) -> QuerySet[Product]:
    """Active products matching every filter except the search words."""
    products = active_products()
    if category is not None:
        # The category and all its descendants: one indexed prefix match on the tree path.
        products = products.filter(category__path__startswith=category.path)
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
    return products


def _ordered(products: QuerySet[Product], sort: str) -> QuerySet[Product]:
    order = SORTS.get(sort, SORTS["newest"])
    if sort == "name":
        order = [f"name_{translation.get_language() or 'tr'}", "pk"]
    return products.order_by(*order).only(*CARD_FIELDS)


def _raw_query(words: list[str]) -> SearchQuery | None:
    terms = [term for term in map(search.tsquery_term, words) if term]
    if not terms:
        return None
    return SearchQuery(" & ".join(terms), search_type="raw", config="simple")


def product_listing(*, category: Category | None, filters: ListingFilters) -> QuerySet[Product]:
    """Active products matching the filters and every search word, as lean rows for cards.

    A word matches a prefix of a word of the weighted vector (PostgreSQL) or a part of the
    folded names and SKUs (the trigram index serves that LIKE '%word%'). `relevance` ranks
    name matches above category and attribute matches above description matches.
    """
    products = _filtered(category=category, filters=filters)
    words = search.query_words(filters.q)
    postgres = connection.vendor == "postgresql"
    for word in words:
        matches = Q(search_text__contains=word)
        term = search.tsquery_term(word)
        if postgres and term:
            matches |= Q(search_vector=SearchQuery(term, search_type="raw", config="simple"))
        products = products.filter(matches)
    query = _raw_query(words) if postgres else None
    if filters.sort == "relevance" and query is not None:
        rank = Coalesce(
            SearchRank(F("search_vector"), query), Value(0.0), output_field=FloatField()
        )
        return (
            products.annotate(rank=rank).order_by("-rank", "-created_at", "-pk").only(*CARD_FIELDS)
        )
    return _ordered(products, filters.sort)


FUZZY_LIMIT = 200  # close matches shown when nothing matched exactly


def product_close_matches(
    *, category: Category | None, filters: ListingFilters, ranked: list[int] | None = None
) -> QuerySet[Product]:
    """When nothing matched: products whose names and SKUs hold a word close to every searched
    word (a typo: "telefn" finds "telefon"), closest first unless another sort was chosen
    (`ranked`: the ids `close_match_ids` gives, when already read)."""
    words = search.query_words(filters.q)
    products = _filtered(category=category, filters=filters)
    if not words:
        return products.none()
    if connection.vendor == "postgresql":
        # One trigram query ranks the candidates (kept per catalog version by catalog.kept);
        # the count and the pages then read those rows by primary key.
        if ranked is None:
            ranked = list(close_match_ids(category=category, filters=filters))
        return _in_ranked_order(products.filter(pk__in=ranked), ranked, filters.sort)
    # SQLite (the embedded demo, a few hundred products): compare the names in Python.
    scores: dict[int, float] = {}
    for pk, text in active_products().values_list("pk", "search_text")[:5000]:
        vocabulary = set(text.split())
        total = 0.0
        for word in words:
            score = search.closest(word, vocabulary)[1]
            if score < search.PYTHON_SIMILARITY_THRESHOLD:
                break
            total += score
        else:
            scores[pk] = total
    ranked = sorted(scores, key=lambda pk: (-scores[pk], -pk))[:FUZZY_LIMIT]
    return _in_ranked_order(products.filter(pk__in=ranked), ranked, filters.sort)


def _in_ranked_order(products: QuerySet[Product], ranked: list[int], sort: str) -> QuerySet:
    if sort != "relevance" or not ranked:
        return _ordered(products, sort)
    position = Case(*(When(pk=pk, then=Value(i)) for i, pk in enumerate(ranked)))
    return products.order_by(position).only(*CARD_FIELDS)


def close_match_ids(*, category: Category | None, filters: ListingFilters) -> QuerySet:
    """PostgreSQL: ids of the FUZZY_LIMIT products closest to the searched words, closest first.

    `word %> search_text` (pg_trgm word similarity over the folded names and SKUs) is served by
    the trigram GIN index; only its candidates are ranked.
    """
    words = search.query_words(filters.q)
    products = _filtered(category=category, filters=filters)
    for word in words:
        products = products.filter(search_text__trigram_word_similar=word)
    closeness = sum(
        (TrigramWordSimilarity(Value(word), "search_text") for word in words[1:]),
        TrigramWordSimilarity(Value(words[0]), "search_text"),
    )
    return (
        products.annotate(closeness=closeness)
        .order_by("-closeness", "-pk")
        .values_list("pk", flat=True)[:FUZZY_LIMIT]
    )


def did_you_mean(*, q: str, products: list[Product]) -> str:
    """The searched words corrected to the closest words of the first close matches, or ''."""
    names = [
        getattr(product, f"name_{code}") or "" for product in products[:5] for code in ("tr", "en")
    ]
    return search.suggestion(words=search.query_words(q), names=names)


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


def featured_categories() -> list[Category]:
    return list(Category.objects.filter(is_active=True, is_featured=True).order_by("path")[:8])


def active_categories() -> QuerySet[Category]:
    return Category.objects.filter(is_active=True).order_by("depth", "path")


def top_categories() -> QuerySet[Category]:
    """The header menu's categories."""
    return Category.objects.filter(depth=1, is_active=True).order_by("path")


def category_by_slug(slug: str) -> Category | None:
    """The active category with this slug in the current language."""
    return Category.objects.filter(is_active=True, **{_slug_field(): slug}).first()


def variant_option_labels(variant_ids: list[int]) -> dict[int, str]:
    """Each variant's options as shoppers read them ('Kırmızı / M'; '' for a variant without
    options) in the current language: one query."""
    values: dict[int, list[str]] = {variant_id: [] for variant_id in variant_ids}
    chosen = (
        Variant.attribute_values.through.objects.filter(variant_id__in=variant_ids)
        .select_related("attributevalue")
        .order_by("attributevalue__attribute__code", "attributevalue__position", "attributevalue")
    )
    for row in chosen:
        values[row.variant_id].append(row.attributevalue.value)
    return {variant_id: " / ".join(labels) for variant_id, labels in values.items()}


# What a cart line shows and prices of its product.
CART_PRODUCT_FIELDS = (
    "category",
    "kind",
    "status",
    "vat_rate",
    *(f"{name}{suffix}" for name in ("name", "slug") for suffix in ("", "_tr", "_en")),
)


def cart_product_rows(product_ids: list[int]) -> QuerySet[Product]:
    """The products of cart lines: names and slugs in both languages, kind, status, VAT rate,
    category."""
    return Product.objects.filter(pk__in=product_ids).only(*CART_PRODUCT_FIELDS)


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


def filterable_values() -> list[AttributeValue]:
    return list(
        AttributeValue.objects.filter(attribute__filterable=True)
        .select_related("attribute")
        .order_by("attribute__code", "position", "pk")
    )


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


def published_reviews(*, product: Product, limit: int = 20) -> list[Review]:
    """The newest published reviews of a product, with the reviewer's first name (one query)."""
    return list(
        Review.objects.filter(product=product, status=ReviewStatus.APPROVED)
        .select_related("user")
        .only("rating", "body", "created_at", "verified_purchase", "user__first_name")
        .order_by("-created_at", "-pk")[:limit]
    )


def review_of(*, product: Product, user_id: int) -> Review | None:
    return Review.objects.filter(product=product, user_id=user_id).first()


def rating_stars(product: Product) -> list[tuple[int, int, int]]:
    """(stars, reviews, percent) from 5 down to 1, from the stored distribution."""
    counts = {int(star): n for star, n in (product.rating_distribution or {}).items()}
    total = sum(counts.values()) or 1
    return [
        (star, counts.get(star, 0), round(100 * counts.get(star, 0) / total))
        for star in range(5, 0, -1)
    ]
