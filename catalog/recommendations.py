""" "Customers who bought this also bought": the catalog shows it, the CRM ranks it.

The catalog sits below crm and cannot import it, so crm registers its ranking here in
`CrmConfig.ready()` (as orders registers "did this customer buy it?" in catalog.purchases).
The catalog keeps what a card shows and what may be shown (active, in stock or digital); the
ranking narrows and orders those rows. One query per block, kept per worker until the catalog
or the lists change (the job bumps `VERSION` when any list changed), none while nobody
registered.
"""

from collections.abc import Callable, Sequence

from django.db.models import Q, QuerySet

from shop import pagecache
from shop.kept import Kept

from .models import Product, ProductKind, ProductStatus
from .selectors import CARD_FIELDS

# (shown cards, the products they go with) -> those cards that go with them, best first
BoughtTogetherRanking = Callable[[QuerySet[Product], Sequence[int]], QuerySet[Product]]

BLOCK_SIZE = 4  # cards in the block on the product and cart pages (one row of the grid)
VERSION = "bought-together"  # page-cache version name of the lists, bumped when one changes
KEPT = Kept(2000)  # (tokens, products, limit) -> the cards, shared read-only per worker

_ranking: BoughtTogetherRanking | None = None


def register_bought_together(ranking: BoughtTogetherRanking | None) -> None:
    global _ranking
    _ranking = ranking


def shown_cards() -> QuerySet[Product]:
    """Products a recommendation may show: active and in stock (digital ones always are)."""
    return (
        Product.objects.filter(status=ProductStatus.ACTIVE)
        .filter(Q(in_stock=True) | Q(kind=ProductKind.DIGITAL))
        .only(*CARD_FIELDS)
    )


def bought_together(*, product_ids: Sequence[int], limit: int = BLOCK_SIZE) -> list[Product]:
    """What customers who bought these products also bought (never one of them), best first;
    empty while no app has registered a ranking."""
    product_ids = sorted(set(product_ids))
    ranking = _ranking
    if not product_ids or ranking is None:
        return []
    tokens = pagecache.versions([pagecache.CATALOG, VERSION])
    key = (tokens[pagecache.CATALOG], tokens[VERSION], tuple(product_ids), limit)
    cards = shown_cards().exclude(pk__in=product_ids)
    return KEPT.get_or_load(key, lambda: list(ranking(cards, product_ids)[:limit]))
