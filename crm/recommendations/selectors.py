"""Reads of the recommendations: the catalog's "also bought" ranking, "recommended for you" and
"recently viewed". Each is one query; none loads order history into Python.

Browsing (product views) is used only when the caller says the visitor allowed marketing
cookies (the views pass `cookie_choices(request).marketing`); a signed-in customer's purchases
may always be used.
"""

from collections.abc import Sequence

from django.db.models import (
    Case,
    Exists,
    F,
    FloatField,
    Max,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from catalog.models import Product
from catalog.recommendations import shown_cards
from orders.models import OrderLine
from shop.models import User

from ..models import BoughtTogether, EventKind, TrackingEvent
from .services import NOT_BOUGHT

VIEW_WEIGHT = 0.5  # a product viewed counts half as much as one bought
VIEWS_USED = 20  # the latest distinct products viewed that seed recommendations
REBUY_BONUS = 0.25  # a consumable bought before, offered again (ahead of weak neighbours)
RECENT_LIMIT = 8


def rank_bought_together(cards: QuerySet[Product], product_ids: Sequence[int]) -> QuerySet:
    """The catalog's ranking (catalog.recommendations): the cards on the lists of these
    products, by their summed score, then by their best place (the fallback rows score 0)."""
    listed = Q(bought_together_with__product_id__in=list(product_ids))
    return (
        cards.filter(listed)
        .annotate(
            affinity=Sum("bought_together_with__score", filter=listed),
            place=Max(-F("bought_together_with__position"), filter=listed),
        )
        .order_by("-affinity", "-place", "pk")
    )


def bought_by(user: User) -> QuerySet:
    """The product ids of a customer's accepted orders (a subquery)."""
    return (
        OrderLine.objects.filter(order__user=user)
        .exclude(order__status__in=NOT_BOUGHT)
        .values("product_id")
    )


def _views(*, user: User | None, visitor_id: str) -> QuerySet[TrackingEvent]:
    """Product views of the signed-in customer, else of this browser (none without either)."""
    views = TrackingEvent.objects.filter(kind=EventKind.PRODUCT_VIEW, product__isnull=False)
    if user is not None:
        return views.filter(user=user)
    if visitor_id:
        return views.filter(visitor_id=visitor_id)
    return views.none()


def _latest_viewed(views: QuerySet[TrackingEvent], limit: int) -> QuerySet:
    """The ids of the latest distinct products viewed (a subquery)."""
    return (
        views.values("product_id")
        .annotate(seen=Max("created_at"))
        .order_by("-seen", "-product_id")
        .values("product_id")[:limit]
    )


def recently_viewed(
    *, user: User | None, visitor_id: str = "", limit: int = RECENT_LIMIT
) -> list[Product]:
    """The latest active products viewed (latest first) by the signed-in customer, else by this
    browser. Call it only with marketing consent. One query."""
    views = _views(user=user, visitor_id=visitor_id)
    seen = views.filter(product=OuterRef("pk")).values("product").annotate(m=Max("created_at"))
    return list(
        shown_cards()
        .filter(pk__in=_latest_viewed(views, limit))
        .annotate(seen=Subquery(seen.values("m")))
        .order_by("-seen", "-pk")
    )


def recommendations_for(
    *,
    user: User | None,
    visitor_id: str = "",
    use_views: bool = False,
    exclude: Sequence[int] = (),
    limit: int = 10,
) -> list[Product]:
    """Recommended for this customer (or browser): the summed "also bought" lists of what they
    bought (weight 1) and, with `use_views`, of what they viewed lately (weight ½), leaving out
    what they bought unless it is a consumable (offered again). Empty without seeds. One query."""
    seeds = Q(pk__in=[])
    bought = None
    if user is not None:
        bought = bought_by(user)
        seeds |= Q(pk__in=bought)
    viewed = None
    if use_views and (user is not None or visitor_id):
        viewed = _latest_viewed(_views(user=user, visitor_id=visitor_id), VIEWS_USED)
        seeds |= Q(pk__in=viewed)
    if bought is None and viewed is None:
        return []
    # The seeds' list rows, read by index (product, position); candidates come from them (and
    # from consumables bought before), so no product outside them is joined or scanned.
    rows = BoughtTogether.objects.filter(product_id__in=Product.objects.filter(seeds).values("pk"))
    weight = Value(1.0)
    if viewed is not None:
        weight = Value(VIEW_WEIGHT)
        if bought is not None:  # a product bought and viewed counts as bought
            weight = Case(
                When(product_id__in=bought, then=Value(1.0)),
                default=Value(VIEW_WEIGHT),
                output_field=FloatField(),
            )
    of_candidate = rows.filter(other_id=OuterRef("pk")).values("other_id")
    affinity = of_candidate.annotate(total=Sum(F("score") * weight)).values("total")
    place = of_candidate.annotate(best=Min("position")).values("best")
    # One IN over a UNION (not an OR of two INs), so the database starts from the candidates'
    # ids and fetches their products by key instead of filtering the whole catalogue.
    candidate_ids = rows.values("other_id")
    rebuy = Value(0.0)
    if bought is not None:
        consumables = Product.objects.filter(pk__in=bought, is_consumable=True).values("pk")
        candidate_ids = candidate_ids.union(consumables)
        bought_it = Exists(bought_by(user).filter(product_id=OuterRef("pk")))
        rebuy = Case(When(bought_it, then=Value(REBUY_BONUS)), default=Value(0.0))
    cards = shown_cards().filter(pk__in=candidate_ids).exclude(pk__in=list(exclude))
    if bought is not None:
        cards = cards.exclude(Q(pk__in=bought) & Q(is_consumable=False))
    return list(
        cards.annotate(
            affinity=Coalesce(Subquery(affinity), Value(0.0), output_field=FloatField()) + rebuy,
            place=Subquery(place),
        ).order_by("-affinity", F("place").asc(nulls_last=True), "-units_sold", "pk")[:limit]
    )


def personal_recommendations(*, user: User, limit: int = 10) -> list[Product]:
    """Picked for this customer from their purchases only (no request, so no cookie consent
    for browsing): the monthly "picked for you" campaign reads this."""
    return recommendations_for(user=user, limit=limit)
