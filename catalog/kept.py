"""The catalog reads each worker keeps, per version of what they show (catalog.selectors asks
the database; this module decides what is kept and for how long).

Every key holds the version token of what it shows (the catalog's, the menu's or a product
page's, shop.pagecache): a change to anything shown makes a new version, so a kept read is
never stale, and the page cache relies on the same versions. Kept rows are shared read-only
by every request of the worker: nothing writes to them once kept (a write loads its own copy).
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

from django.db import connection
from django.db.models import QuerySet
from django.utils import translation

from shop import pagecache
from shop.kept import Kept
from shop.text import fold

from . import search, selectors
from .models import Category, Product
from .selectors import ListingFilters

T = TypeVar("T")


class KeptByVersion:
    """A per-worker LRU store of catalog reads whose keys start with the current token of one
    version name (the catalog's unless told)."""

    def __init__(self, size: int, *, version: str = pagecache.CATALOG) -> None:
        self.kept = Kept(size)
        self.version = version

    def get(self, key: tuple, load: Callable[[], T]) -> T:
        token = pagecache.versions([self.version])[self.version]
        return self.kept.get_or_load((token, *key), load)

    def get_many(self, keys: list[tuple], load: Callable[[list[tuple]], dict[tuple, T]]) -> dict:
        """Several entries at once: those not kept are loaded together (`load(missing keys)`
        returns a value for each it found; a row gone meanwhile is simply not found)."""
        token = pagecache.versions([self.version])[self.version]

        def load_versioned(missing: list[tuple]) -> dict[tuple, Any]:
            loaded = load([key[1:] for key in missing])
            return {(token, *key): value for key, value in loaded.items()}

        found = self.kept.get_many([(token, *key) for key in keys], load_versioned)
        return {key[1:]: value for key, value in found.items()}


LISTINGS = KeptByVersion(2000)  # counts and pages of 24 lean rows: a few MB per worker
OPTION_LABELS = KeptByVersion(5000)  # a short text per variant and language
CART_PRODUCTS = KeptByVersion(5000)  # what a cart line shows and prices of its product
MENUS = KeptByVersion(64, version=pagecache.MENU)  # menus and searchable categories
PRODUCT_PAGES = Kept(300)  # whole product reads: some kB each (keyed by their page's token)


# --- Listings -------------------------------------------------------------------------------


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


def _close_matches(*, category: Category | None, filters: ListingFilters) -> QuerySet[Product]:
    """`selectors.product_close_matches`, its trigram ranking kept per catalog version (the
    count and the pages then read those rows by primary key)."""
    ranked = None
    if connection.vendor == "postgresql" and search.query_words(filters.q):
        ranked = LISTINGS.get(
            ("close-ranked", category.pk if category else None, filters),
            lambda: list(selectors.close_match_ids(category=category, filters=filters)),
        )
    return selectors.product_close_matches(category=category, filters=filters, ranked=ranked)


def kept_listing(
    *, category: Category | None, filters: ListingFilters, close_matches: bool = False
) -> KeptListing:
    """`product_listing` (or its close matches), counted and paged once per catalog version."""
    select = _close_matches if close_matches else selectors.product_listing
    key = ("close" if close_matches else "exact", category.pk if category else None, filters)
    if filters.sort == "name":
        key = (*key, translation.get_language())  # the order follows the language's names
    return KeptListing(lambda: select(category=category, filters=filters), key)


def on_sale_products(*, limit: int = 8) -> list[Product]:
    """Newest products with a running sale (selectors.on_sale_products), kept."""
    return LISTINGS.get(("on-sale", limit), lambda: selectors.on_sale_products(limit=limit))


def new_arrivals(*, limit: int = 8) -> list[Product]:
    return kept_listing(category=None, filters=ListingFilters())[0:limit]


def featured_categories() -> list[Category]:
    return LISTINGS.get(("featured-categories",), selectors.featured_categories)


def related_products(*, product: Product, limit: int = 4) -> list[Product]:
    """The newest other products of its category (the category's kept first page)."""
    newest = kept_listing(category=product.category, filters=ListingFilters())[0 : limit + 1]
    return [other for other in newest if other.pk != product.pk][:limit]


def category_by_slug(slug: str) -> Category | None:
    """The active category with this slug in the current language (kept per catalog version)."""
    language = translation.get_language() or "tr"
    return LISTINGS.get(
        ("category", f"slug_{language}", slug), lambda: selectors.category_by_slug(slug)
    )


def category_trail(category: Category) -> list[Category]:
    """The category and its ancestors, root first (breadcrumbs), kept per catalog version."""
    return LISTINGS.get(("trail", category.pk), category.trail)


# --- Search suggestions ---------------------------------------------------------------------

SUGGESTED_PRODUCTS = 6
SUGGESTED_CATEGORIES = 3
SUGGEST_MIN_LETTERS = 2


@dataclass(frozen=True)
class Suggestions:
    products: list[Product]
    categories: list[Category]


def _searchable_categories() -> tuple[tuple[str, Category], ...]:
    """Active categories with their folded names in both languages, kept per worker and menu
    version (a category change makes a new version)."""
    return MENUS.get(
        ("searchable",),
        lambda: tuple(
            (fold(f"{category.name_tr} {category.name_en or ''}"), category)
            for category in selectors.active_categories()
        ),
    )


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


# --- The header menu and the filter's options -------------------------------------------------


@dataclass(frozen=True)
class MenuEntry:
    """A header menu link: what base.html shows of a category (its address resolved once)."""

    name: str
    url: str

    def get_absolute_url(self) -> str:
        return self.url


def menu_categories() -> tuple[MenuEntry, ...]:
    """Top-level categories for the header, kept per worker, language and menu version (a
    category change makes a new version, so no worker shows an old menu)."""
    language = translation.get_language() or "tr"

    def load() -> tuple[MenuEntry, ...]:
        with translation.override(language):
            return tuple(
                MenuEntry(name=c.name, url=c.get_absolute_url()) for c in selectors.top_categories()
            )

    return MENUS.get(("menu", language), load)


FILTER_CHOICES = Kept(64)  # (language, catalog version) -> the filter's options


def filter_choices_at(language: str, version: str) -> tuple[tuple[str, str], ...]:
    """The filter's options in a language at a catalog version (kept per worker)."""

    def load() -> tuple[tuple[str, str], ...]:
        with translation.override(language):
            return tuple(
                (str(value.pk), f"{value.attribute.name}: {value.value}")
                for value in selectors.filterable_values()
            )

    return FILTER_CHOICES.get_or_load((language, version), load)


def filter_choices() -> list[tuple[str, str]]:
    """The listing filter's options in the current language, kept per worker until the
    catalog changes (its version is part of the key)."""
    version = pagecache.versions([pagecache.CATALOG])[pagecache.CATALOG]
    return list(filter_choices_at(translation.get_language() or "tr", version))


# --- Carts and orders -------------------------------------------------------------------------


def option_labels(variant_ids: Iterable[int]) -> dict[int, str]:
    """Each variant's options as shoppers read them ('Kırmızı / M'; '' for a variant without
    options) in the current language, kept per worker and catalog version: a cart or an order
    names its lines without a query once they are kept."""
    language = translation.get_language() or "tr"

    def load(keys: list[tuple]) -> dict[tuple, str]:
        labels = selectors.variant_option_labels([variant_id for _language, variant_id in keys])
        return {(language, variant_id): label for variant_id, label in labels.items()}

    keys = [(language, variant_id) for variant_id in dict.fromkeys(variant_ids)]
    return {key[1]: label for key, label in OPTION_LABELS.get_many(keys, load).items()}


def cart_products(product_ids: Iterable[int]) -> dict[int, Product]:
    """The products of cart lines (names and slugs in both languages, kind, status, VAT rate,
    category), kept per worker and catalog version: saving a product makes a new version, so
    a cart never prices or names a line from an old product. Shared read-only."""

    def load(keys: list[tuple]) -> dict[tuple, Product]:
        found = selectors.cart_product_rows([pk for (pk,) in keys])
        return {(product.pk,): product for product in found}

    keys = [(pk,) for pk in dict.fromkeys(product_ids)]
    return {key[0]: product for key, product in CART_PRODUCTS.get_many(keys, load).items()}


# --- The product page -----------------------------------------------------------------------


def product_page_version(slug: str, *, language: str | None = None) -> str:
    """The version name of a product's page in a language (the current one unless told;
    bumped when its stock hint changes; as catalog.services.product_page_versions)."""
    return f"product:{language or translation.get_language() or 'tr'}:{slug}"


def product_for_page(slug: str) -> Product | None:
    """`product_by_slug`, kept per worker while neither the catalog nor this page's own version
    (bumped when its stock hint changes) moves: exactly what the page cache relies on. Shared
    read-only between requests; a write loads its own copy."""
    language = translation.get_language() or "tr"
    page_version = product_page_version(slug)
    tokens = pagecache.versions([pagecache.CATALOG, page_version])
    key = ("product", language, slug, tokens[pagecache.CATALOG], tokens[page_version])
    return PRODUCT_PAGES.get_or_load(key, lambda: selectors.product_by_slug(slug))
