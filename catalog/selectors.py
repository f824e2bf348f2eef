"""Catalog reads for pages: a constant number of queries however many products are shown."""

import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from typing import TypeVar

from django.contrib.postgres.search import SearchQuery, SearchRank, TrigramWordSimilarity
from django.db import connection
from django.db.models import Case, FloatField, Min, Prefetch, Q, QuerySet, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone, translation

from shop import pagecache
from shop.text import fold

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

T = TypeVar("T")

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


class Kept:
    """A small per-worker LRU memory of catalog reads, keyed by the catalog version with the
    rest of the key: any change to what listings show makes a new version, so an entry is
    never stale (the page cache relies on the same versions)."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.entries: OrderedDict[tuple, object] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: tuple, load: Callable[[], T]) -> T:
        return self.get_many([key], lambda _missing: {key: load()})[key]

    def get_many(self, keys: list[tuple], load: Callable[[list[tuple]], dict[tuple, T]]) -> dict:
        """Several entries at once: those not kept are loaded together (`load(missing keys)`
        returns a value for each)."""
        version = pagecache.versions([pagecache.CATALOG])[pagecache.CATALOG]
        found, missing = {}, []
        with self.lock:
            for key in keys:
                if (version, *key) in self.entries:
                    self.entries.move_to_end((version, *key))
                    found[key] = self.entries[(version, *key)]
                else:
                    missing.append(key)
        if missing:
            loaded = load(missing)
            with self.lock:
                for key in missing:
                    if key in loaded:  # a row gone meanwhile is simply not found
                        found[key] = self.entries[(version, *key)] = loaded[key]
                while len(self.entries) > self.size:
                    self.entries.popitem(last=False)
        return found


LISTINGS = Kept(2000)  # counts and pages of 24 lean rows: a few MB per worker


class KeptListing:
    """A listing's count and pages for Paginator, each read once per catalog version.

    The rows are the lean card rows of both languages, shared read-only between requests.
    """

    ordered = True

    def __init__(self, select: Callable[[], QuerySet[Product]], key: tuple) -> None:
        self.select = select  # built only when a count or a page is not kept yet
        self.key = key

    def count(self) -> int:
        return LISTINGS.get(("count", *self.key), lambda: self.select().count())

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, part: slice) -> list[Product]:
        return LISTINGS.get(
            ("rows", *self.key, part.start, part.stop), lambda: list(self.select()[part])
        )


def kept_listing(
    *, category: Category | None, filters: ListingFilters, close_matches: bool = False
) -> KeptListing:
    """`product_listing` (or its close matches), counted and paged once per catalog version."""
    select = product_close_matches if close_matches else product_listing
    key = ("close" if close_matches else "exact", category.pk if category else None, filters)
    if filters.sort == "name":
        key = (*key, translation.get_language())  # the order follows the language's names
    return KeptListing(lambda: select(category=category, filters=filters), key)


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
        rank = Coalesce(SearchRank("search_vector", query), Value(0.0), output_field=FloatField())
        return (
            products.annotate(rank=rank).order_by("-rank", "-created_at", "-pk").only(*CARD_FIELDS)
        )
    return _ordered(products, filters.sort)


FUZZY_LIMIT = 200  # close matches shown when nothing matched exactly


def product_close_matches(
    *, category: Category | None, filters: ListingFilters
) -> QuerySet[Product]:
    """When nothing matched: products whose names and SKUs hold a word close to every searched
    word (a typo: "telefn" finds "telefon"), closest first unless another sort was chosen."""
    words = search.query_words(filters.q)
    products = _filtered(category=category, filters=filters)
    if not words:
        return products.none()
    if connection.vendor == "postgresql":
        # One trigram query ranks the candidates (kept per catalog version); the count and
        # the pages then read those rows by primary key.
        ranked = LISTINGS.get(
            ("close-ranked", category.pk if category else None, filters),
            lambda: list(close_match_ids(category=category, filters=filters)),
        )
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


SUGGESTED_PRODUCTS = 6
SUGGESTED_CATEGORIES = 3
SUGGEST_MIN_LETTERS = 2


@dataclass(frozen=True)
class Suggestions:
    products: list[Product]
    categories: list[Category]


@lru_cache(maxsize=8)  # a few menu versions
def _searchable_categories_at(version: str) -> tuple[tuple[str, Category], ...]:
    return tuple(
        (fold(f"{category.name_tr} {category.name_en or ''}"), category)
        for category in Category.objects.filter(is_active=True).order_by("depth", "path")
    )


def _searchable_categories() -> tuple[tuple[str, Category], ...]:
    """Active categories with their folded names in both languages, kept per worker and menu
    version (a category change makes a new version)."""
    return _searchable_categories_at(pagecache.versions([pagecache.MENU])[pagecache.MENU])


def search_suggestions(*, q: str) -> Suggestions:
    """What to offer while the visitor types: the best-matching products (close matches when
    nothing matches a typo) and categories whose names start with the words. A constant number
    of queries however many products there are, none for words already suggested."""
    words = search.query_words(q)
    if len("".join(words)) < SUGGEST_MIN_LETTERS:
        return Suggestions(products=[], categories=[])
    filters = ListingFilters(q=q, sort="relevance")
    # Kept per worker and catalog version like listings: the same words typed again (often the
    # first letters of a popular word) cost no query until the catalog changes.
    products = kept_listing(category=None, filters=filters)[0:SUGGESTED_PRODUCTS]
    if not products:
        close = kept_listing(category=None, filters=filters, close_matches=True)
        products = close[0:SUGGESTED_PRODUCTS]
    categories = [
        category
        for folded, category in _searchable_categories()
        if all(any(token.startswith(word) for token in folded.split()) for word in words)
    ][:SUGGESTED_CATEGORIES]
    return Suggestions(products=products, categories=categories)


def on_sale_products(*, limit: int = 8) -> list[Product]:
    """Newest products with a running sale: a partial index holds exactly these rows.

    `on_sale` follows the clock through the periodic listing refresh (sale starts and ends).
    """
    return LISTINGS.get(
        ("on-sale", limit),
        lambda: list(
            active_products()
            .filter(on_sale=True)
            .order_by("-created_at", "-id")
            .only(*CARD_FIELDS)[:limit]
        ),
    )


def new_arrivals(*, limit: int = 8) -> list[Product]:
    return kept_listing(category=None, filters=ListingFilters())[0:limit]


def featured_categories() -> list[Category]:
    return LISTINGS.get(
        ("featured-categories",),
        lambda: list(
            Category.objects.filter(is_active=True, is_featured=True).order_by("path")[:8]
        ),
    )


@dataclass(frozen=True)
class MenuEntry:
    """A header menu link: what base.html shows of a category (its address resolved once)."""

    name: str
    url: str

    def get_absolute_url(self) -> str:
        return self.url


KEPT_PER_WORKER = 64  # menus and filter choices, per language and version


@lru_cache(maxsize=KEPT_PER_WORKER)
def _menu(language: str, version: str) -> tuple[MenuEntry, ...]:
    with translation.override(language):
        categories = Category.objects.filter(depth=1, is_active=True).order_by("path")
        return tuple(MenuEntry(name=c.name, url=c.get_absolute_url()) for c in categories)


def menu_categories() -> tuple[MenuEntry, ...]:
    """Top-level categories for the header, kept per worker, language and menu version (a
    category change makes a new version, so no worker shows an old menu)."""
    version = pagecache.versions([pagecache.MENU])[pagecache.MENU]
    return _menu(translation.get_language() or "tr", version)


OPTION_LABELS = Kept(5000)  # a short text per variant and language


def option_labels(variant_ids: Iterable[int]) -> dict[int, str]:
    """Each variant's options as shoppers read them ('Kırmızı / M'; '' for a variant without
    options) in the current language, kept per worker and catalog version: a cart or an order
    names its lines without a query once they are kept."""
    language = translation.get_language() or "tr"

    def load(keys: list[tuple]) -> dict[tuple, str]:
        ids = [variant_id for _language, variant_id in keys]
        values: dict[int, list[str]] = {variant_id: [] for variant_id in ids}
        chosen = (
            Variant.attribute_values.through.objects.filter(variant_id__in=ids)
            .select_related("attributevalue")
            .order_by(
                "attributevalue__attribute__code", "attributevalue__position", "attributevalue"
            )
        )
        with translation.override(language):
            for row in chosen:
                values[row.variant_id].append(row.attributevalue.value)
        return {(language, variant_id): " / ".join(values[variant_id]) for variant_id in ids}

    keys = [(language, variant_id) for variant_id in dict.fromkeys(variant_ids)]
    return {key[1]: label for key, label in OPTION_LABELS.get_many(keys, load).items()}


CART_PRODUCTS = Kept(5000)  # what a cart line shows and prices of its product
CART_PRODUCT_FIELDS = (
    "category",
    "kind",
    "status",
    "vat_rate",
    *(f"{name}{suffix}" for name in ("name", "slug") for suffix in ("", "_tr", "_en")),
)


def cart_products(product_ids: Iterable[int]) -> dict[int, Product]:
    """The products of cart lines (names and slugs in both languages, kind, status, VAT rate,
    category), kept per worker and catalog version: saving a product makes a new version, so
    a cart never prices or names a line from an old product. Shared read-only."""

    def load(keys: list[tuple]) -> dict[tuple, Product]:
        found = Product.objects.filter(pk__in=[pk for (pk,) in keys]).only(*CART_PRODUCT_FIELDS)
        return {(product.pk,): product for product in found}

    keys = [(pk,) for pk in dict.fromkeys(product_ids)]
    return {key[0]: product for key, product in CART_PRODUCTS.get_many(keys, load).items()}


def category_by_slug(slug: str) -> Category | None:
    """The active category with this slug in the current language (kept per catalog version)."""
    return LISTINGS.get(
        ("category", _slug_field(), slug),
        lambda: Category.objects.filter(is_active=True, **{_slug_field(): slug}).first(),
    )


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


PRODUCT_PAGES = Kept(300)  # whole product reads: some kB each


def product_page_version(slug: str) -> str:
    """The version name of a product's page in the current language (bumped when its stock
    hint changes; as catalog.services.product_page_versions)."""
    return f"product:{translation.get_language() or 'tr'}:{slug}"


def product_for_page(slug: str) -> Product | None:
    """`product_by_slug`, kept per worker while neither the catalog nor this page's own version
    (bumped when its stock hint changes) moves: exactly what the page cache relies on. Shared
    read-only between requests; a write loads its own copy."""
    language = translation.get_language() or "tr"
    page_version = product_page_version(slug)
    token = pagecache.versions([page_version])[page_version]
    return PRODUCT_PAGES.get(("product", language, slug, token), lambda: product_by_slug(slug))


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


def related_products(*, product: Product, limit: int = 4) -> list[Product]:
    """The newest other products of its category (the category's kept first page)."""
    newest = kept_listing(category=product.category, filters=ListingFilters())[0 : limit + 1]
    return [other for other in newest if other.pk != product.pk][:limit]


def category_trail(category: Category) -> list[Category]:
    """The category and its ancestors, root first (breadcrumbs), kept per catalog version."""
    return LISTINGS.get(("trail", category.pk), category.trail)


def filterable_values() -> list[AttributeValue]:
    return list(
        AttributeValue.objects.filter(attribute__filterable=True)
        .select_related("attribute")
        .order_by("attribute__code", "position", "pk")
    )


@lru_cache(maxsize=KEPT_PER_WORKER)
def filter_choices_at(language: str, version: str) -> tuple[tuple[str, str], ...]:
    """The filter's options in a language at a catalog version (kept per worker)."""
    with translation.override(language):
        return tuple(
            (str(value.pk), f"{value.attribute.name}: {value.value}")
            for value in filterable_values()
        )


def filter_choices() -> list[tuple[str, str]]:
    """The listing filter's options in the current language, kept per worker until the
    catalog changes (its version is part of the key)."""
    version = pagecache.versions([pagecache.CATALOG])[pagecache.CATALOG]
    return list(filter_choices_at(translation.get_language() or "tr", version))


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
