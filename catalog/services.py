"""Every write of the catalog that matters: stock, prices, slugs, listing fields."""

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib.postgres.search import SearchVector
from django.db import IntegrityError, connection, transaction
from django.db.models import Avg, Case, Count, Exists, F, Prefetch, Q, QuerySet, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from shop import pagecache
from shop.models import User
from shop.text import fold, slugify_tr

from . import purchases
from .exceptions import OutOfStock, ReviewError, StockError
from .models import (
    Category,
    PriceHistory,
    Product,
    ProductKind,
    ProductStatus,
    Review,
    ReviewStatus,
    SearchMiss,
    SlugRedirect,
    StockMovement,
    Variant,
)
from .search import miss_key, product_document
from .signals import variant_back_in_stock


def stock_adjust_check(*, variant: Variant, delta: int, reason: str) -> None:
    """Raise StockError if this change may not be made to the variant as loaded.

    The admin's form checks with it; `stock_adjust` checks again under the row lock.
    """
    if delta == 0:
        raise StockError(_("A stock adjustment must change the quantity."))
    if reason not in StockMovement.Reason.values:
        raise StockError(_("Choose a reason for the stock change."))
    if variant.on_hand + delta < variant.allocated:
        raise StockError(
            _("On hand cannot go below the %(allocated)s units promised to orders.")
            % {"allocated": variant.allocated}
        )


def _shown_stock(variant: Variant) -> str:
    """The stock hint a product page shows for a variant ("only 3 left" counts as its number)."""
    available = variant.on_hand - variant.allocated
    if available <= 0:
        return "out"
    if available <= settings.CATALOG_LOW_STOCK_THRESHOLD:
        return f"low:{available}"
    return "in"


def _after_stock_change(*, changed: list[tuple[Variant, str]]) -> None:
    """Invalidate what a stock change altered: the product pages whose hint changed, and, where
    a variant crossed zero, the product's in-stock flag (primary-key order, only if it flips);
    a physical variant back above zero is announced after commit (signals.py)."""
    pages, crossed = {}, set()
    for variant, before in changed:
        after = _shown_stock(variant)
        if after != before:
            pages[variant.product_id] = variant.product
            if "out" in (before, after):
                crossed.add(variant.product_id)
            if before == "out" and variant.product.kind == ProductKind.PHYSICAL:
                _announce_back_in_stock(variant.pk)
    if pages:
        pagecache.bump(*(name for p in pages.values() for name in product_page_versions(p)))
    if crossed:
        product_refresh_stock_flag(product_ids=crossed)


def _announce_back_in_stock(variant_id: int) -> None:
    """Tell the apps above (crm's waiting requests) once this change commits; a rolled-back
    change tells nobody, and a receiver's failure is logged, never undoing the change."""
    transaction.on_commit(
        lambda: variant_back_in_stock.send(sender=Variant, variant_id=variant_id),
        robust=True,
    )


def product_page_versions(product: Product) -> list[str]:
    """The page-cache version names of a product's pages, one per language."""
    return [
        f"product:{code}:{getattr(product, f'slug_{code}')}"
        for code, _name in settings.LANGUAGES
        if getattr(product, f"slug_{code}", "")
    ]


def product_refresh_stock_flag(*, product_ids: Iterable[int]) -> None:
    """Recompute `in_stock` of physical products, in primary-key order, writing only a flip."""
    flipped = False
    for product_id in sorted(product_ids):
        in_stock = Variant.objects.filter(product_id=product_id, on_hand__gt=F("allocated"))
        updated = (
            Product.objects.filter(pk=product_id, kind=ProductKind.PHYSICAL)
            .exclude(in_stock=Exists(in_stock))
            .update(in_stock=Exists(in_stock))
        )
        flipped = flipped or bool(updated)
    if flipped:
        pagecache.bump(pagecache.CATALOG)


def stock_adjust(
    *, variant: Variant, delta: int, reason: str, by: User | None = None, note: str = ""
) -> Variant:
    """Change on-hand stock under a row lock and record why; never below what is allocated."""
    with transaction.atomic():
        locked = Variant.objects.select_for_update(of=("self",)).select_related("product")
        locked = locked.get(pk=variant.pk)
        stock_adjust_check(variant=locked, delta=delta, reason=reason)
        before = _shown_stock(locked)
        new_on_hand = locked.on_hand + delta
        locked.on_hand = new_on_hand
        locked.save(update_fields=["on_hand"])
        StockMovement.objects.create(
            variant=locked,
            delta=delta,
            on_hand_after=new_on_hand,
            reason=reason,
            note=note,
            created_by=by,
        )
        _after_stock_change(changed=[(locked, before)])
    return locked


def stock_allocate(*, lines: Iterable[tuple[int, int]]) -> None:
    """Promise units to an order: lock the variants in primary-key order (no deadlocks),
    check availability and allocate, or raise OutOfStock and change nothing.

    Listing fields are touched only when a variant sells out (the in-stock flag may flip), then
    in primary-key order; a stock hint that changed invalidates that product's cached pages.
    """
    wanted: dict[int, int] = {}
    for variant_id, quantity in lines:
        wanted[variant_id] = wanted.get(variant_id, 0) + quantity
    with transaction.atomic():
        variants = (
            Variant.objects.select_for_update(of=("self",))
            .select_related("product")
            .filter(pk__in=wanted)
            .order_by("pk")
        )
        changed = []
        for variant in variants:
            if variant.product.kind == ProductKind.DIGITAL:
                continue
            if variant.available < wanted[variant.pk]:
                raise OutOfStock(
                    variant_id=variant.pk, sku=variant.sku, available=max(variant.available, 0)
                )
            changed.append((variant, _shown_stock(variant)))
            variant.allocated += wanted[variant.pk]
        if changed:
            # One statement for all the (already locked) rows.
            Variant.objects.filter(pk__in=[v.pk for v, _before in changed]).update(
                allocated=F("allocated")
                + Case(*(When(pk=v.pk, then=wanted[v.pk]) for v, _before in changed))
            )
        _after_stock_change(changed=changed)


def stock_release(*, lines: Iterable[tuple[int, int]]) -> None:
    """Give back units an order no longer needs (cancelled, expired)."""
    wanted = dict(lines)
    with transaction.atomic():
        variants = (
            Variant.objects.select_for_update(of=("self",))
            .select_related("product")
            .filter(pk__in=wanted)
            .order_by("pk")
        )
        changed = []
        for variant in variants:
            changed.append((variant, _shown_stock(variant)))
            variant.allocated = max(variant.allocated - wanted[variant.pk], 0)
            variant.save(update_fields=["allocated"])
        _after_stock_change(changed=changed)


def stock_ship(*, lines: Iterable[tuple[int, int]], by: User | None = None, note: str = "") -> None:
    """Units leave the warehouse: on-hand and allocated go down together, a sale is recorded.

    Variants are locked in primary-key order (the house lock order); digital variants hold no
    stock and are skipped.
    """
    wanted: dict[int, int] = {}
    for variant_id, quantity in lines:
        wanted[variant_id] = wanted.get(variant_id, 0) + quantity
    with transaction.atomic():
        variants = (
            Variant.objects.select_for_update(of=("self",))
            .select_related("product")
            .filter(pk__in=wanted)
            .order_by("pk")
        )
        for variant in variants:
            if variant.product.kind == ProductKind.DIGITAL:
                continue
            quantity = wanted[variant.pk]
            if variant.on_hand < quantity:
                raise StockError(
                    _("%(sku)s: only %(count)s units are on hand.")
                    % {"sku": variant.sku, "count": variant.on_hand}
                )
            variant.on_hand -= quantity
            variant.allocated = max(variant.allocated - quantity, 0)
            variant.save(update_fields=["on_hand", "allocated"])
            StockMovement.objects.create(
                variant=variant,
                delta=-quantity,
                on_hand_after=variant.on_hand,
                reason=StockMovement.Reason.SALE,
                note=note,
                created_by=by,
            )
        for product_id in {v.product_id for v in variants}:
            product_refresh_listing(product_id=product_id)


def listing_fields(*, product: Product, variants: list[Variant], now: datetime) -> dict:
    """What listings sort, filter and show, computed from the variants at `now`."""
    prices = [v.current_price(now) for v in variants]
    boundaries = [
        moment
        for v in variants
        if v.sale_price is not None
        for moment in (v.sale_starts_at, v.sale_ends_at)
        if moment is not None and moment > now
    ]
    names = [getattr(product, f"name_{code}") or "" for code, _ in settings.LANGUAGES]
    return {
        "min_price": min(prices) if prices else Decimal("0"),
        "in_stock": product.kind == ProductKind.DIGITAL
        or any(v.on_hand > v.allocated for v in variants),
        "on_sale": any(v.on_sale(now) for v in variants),
        "listing_changes_at": min(boundaries) if boundaries else None,
        "search_text": fold(" ".join([*names, *(v.sku for v in variants)])),
    }


def product_refresh_listing(*, product_id: int, now: datetime | None = None) -> bool:
    """Recompute what listings sort, filter and show; saves (and invalidates) only a change."""
    product = Product.objects.get(pk=product_id)
    variants = list(product.variants.all())
    fields = listing_fields(product=product, variants=variants, now=now or timezone.now())
    changed = [name for name, value in fields.items() if getattr(product, name) != value]
    for name in changed:
        setattr(product, name, fields[name])
    if changed:
        product.save(update_fields=[*changed, "updated_at"])  # its post_save invalidates pages
    return bool(changed)


def listings_refresh_due(*, now: datetime | None = None, limit: int = 1000) -> int:
    """Refresh the products whose scheduled sale started or ended by `now` (the periodic job)."""
    now = now or timezone.now()
    due = (
        Product.objects.filter(listing_changes_at__lte=now)
        .order_by("listing_changes_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    count = 0
    for product_id in due:
        with transaction.atomic():
            count += product_refresh_listing(product_id=product_id, now=now)
    return count


def product_set_status(*, products: QuerySet[Product], status: str) -> int:
    """Activate, archive or draft products in bulk; returns how many there were."""
    with transaction.atomic():
        count = products.update(status=ProductStatus(status))
        pagecache.bump(pagecache.CATALOG)
        return count


def variant_set_price(*, variant: Variant, price: Decimal) -> Variant:
    """Change a regular price and keep the history the discount rules read."""
    with transaction.atomic():
        locked = Variant.objects.select_for_update().get(pk=variant.pk)
        if locked.price != price:
            locked.price = price
            locked.save(update_fields=["price"])
            PriceHistory.objects.create(variant=locked, price=price)
            product_refresh_listing(product_id=locked.product_id)
    return locked


def unique_slug(*, model: type, text: str, language: str, exclude_pk: int | None = None) -> str:
    """A Turkish-folded slug not yet used in that language ('kirmizi-isik', 'kirmizi-isik-2')."""
    base = slugify_tr(text) or "urun"
    field = f"slug_{language}"
    candidate, n = base, 1
    others = model.objects.exclude(pk=exclude_pk) if exclude_pk else model.objects.all()
    while others.filter(**{field: candidate}).exists():
        n += 1
        candidate = f"{base}-{n}"
    return candidate


def slug_change(*, obj: Product | Category, language: str, new_slug: str) -> None:
    """Set a new slug and keep the old one answering 301."""
    field = f"slug_{language}"
    old = getattr(obj, field)
    with transaction.atomic():
        setattr(obj, field, new_slug)
        obj.save(update_fields=[field])
        slug_redirect_record(obj=obj, language=language, old_slug=old)


def slug_redirect_record(*, obj: Product | Category, language: str, old_slug: str) -> None:
    """After a slug changed, make the old one redirect (and stop redirecting the new one)."""
    new_slug = getattr(obj, f"slug_{language}")
    if not old_slug or old_slug == new_slug:
        return
    target = {"product": obj} if isinstance(obj, Product) else {"category": obj}
    SlugRedirect.objects.filter(old_slug=new_slug, language=language, **target).delete()
    SlugRedirect.objects.get_or_create(old_slug=old_slug, language=language, **target)


def product_refresh_search(*, product_ids: Iterable[int]) -> int:
    """Rewrite the weighted search vectors of these products (PostgreSQL; a no-op on SQLite).

    Runs after the change commits (catalog.search.refresh_after_commit) or from
    `refresh_listings`, never inside placement. Returns how many products were written.
    """
    if connection.vendor != "postgresql":
        return 0
    products = (
        Product.objects.filter(pk__in=list(product_ids))
        .select_related("category")
        .prefetch_related(
            "attribute_values",
            Prefetch("variants", queryset=Variant.objects.prefetch_related("attribute_values")),
        )
        .order_by("pk")
    )
    count = 0
    for product in products:
        names, classes, descriptions = product_document(product=product)
        vector = (
            SearchVector(Value(names), weight="A", config="simple")
            + SearchVector(Value(classes), weight="B", config="simple")
            + SearchVector(Value(descriptions), weight="C", config="simple")
        )
        count += Product.objects.filter(pk=product.pk).update(search_vector=vector)
    if count:
        pagecache.bump(pagecache.CATALOG)  # search results may differ now
    return count


def products_set_units_sold(*, counts: dict[int, int]) -> int:
    """Store units sold per product ("best selling"); products missing from `counts` sold none.

    Writes only the products whose number changed, in primary-key order; returns how many.
    """
    current = Product.objects.filter(Q(units_sold__gt=0) | Q(pk__in=list(counts)))
    changed = {
        pk: counts.get(pk, 0)
        for pk, units in current.values_list("pk", "units_sold")
        if counts.get(pk, 0) != units
    }
    with transaction.atomic():
        for pk in sorted(changed):
            Product.objects.filter(pk=pk).update(units_sold=changed[pk])
        if changed:
            pagecache.bump(pagecache.CATALOG)
    return len(changed)


def review_save(*, user: User, product: Product, rating: int, body: str) -> Review:
    """Write or edit the customer's one review of a product they bought; it waits for approval.

    Raises ReviewError when the customer did not buy the product or the rating is not 1–5.
    """
    if not purchases.customer_bought(user_id=user.pk, product_id=product.pk):
        raise ReviewError(_("Only customers who bought this product can review it."))
    if rating not in range(1, 6):
        raise ReviewError(_("Choose a rating from 1 to 5 stars."))
    with transaction.atomic():
        review, created = Review.objects.select_for_update().get_or_create(
            product=product,
            user=user,
            defaults={"rating": rating, "body": body, "verified_purchase": True},
        )
        if not created:
            was_shown = review.status == ReviewStatus.APPROVED
            review.rating, review.body = rating, body
            review.status, review.verified_purchase = ReviewStatus.PENDING, True
            review.save(update_fields=["rating", "body", "status", "verified_purchase"])
            if was_shown:  # the edit waits for approval: the old words leave the page now
                product_refresh_rating(product_id=product.pk)
    return review


def review_moderate(*, reviews: QuerySet[Review], status: str) -> int:
    """Staff publish or hide reviews; averages and the pages showing them follow at once."""
    status = ReviewStatus(status)
    with transaction.atomic():
        changed = list(reviews.exclude(status=status).values_list("pk", "product_id"))
        Review.objects.filter(pk__in=[pk for pk, _product in changed]).update(status=status)
        for product_id in sorted({product_id for _pk, product_id in changed}):
            product_refresh_rating(product_id=product_id)
    return len(changed)


def product_refresh_rating(*, product_id: int) -> None:
    """Store the average, count and star distribution of a product's published reviews, and
    invalidate its pages (the product page lists them; cards show the average)."""
    shown = Review.objects.filter(product_id=product_id, status=ReviewStatus.APPROVED)
    totals = shown.aggregate(average=Avg("rating"), count=Count("pk"))
    stars = dict(shown.order_by().values_list("rating").annotate(n=Count("pk")))
    average = Decimal(str(totals["average"] or 0)).quantize(Decimal("0.01"))
    Product.objects.filter(pk=product_id).update(
        rating_average=average,
        rating_count=totals["count"],
        rating_distribution={str(star): count for star, count in sorted(stars.items())},
    )
    product = Product.objects.only("slug_tr", "slug_en").get(pk=product_id)
    pagecache.bump(pagecache.CATALOG, *product_page_versions(product))


def search_miss_record(*, q: str, day: date | None = None) -> bool:
    """Count one search that found nothing, as (folded words, day) + 1 and nothing else.

    Safe under concurrency: an atomic increment, or the first row of the day (a racing insert
    falls back to the increment). Queries too long or holding what looks like an email address
    or a card or phone number are not stored. Returns whether the search was counted.
    """
    key = miss_key(q)
    if not key:
        return False
    day = day or timezone.localdate()
    rows = SearchMiss.objects.filter(query=key, day=day)
    if rows.update(count=F("count") + 1):
        return True
    try:
        with transaction.atomic():
            SearchMiss.objects.create(query=key, day=day, count=1)
    except IntegrityError:  # another request created the day's row meanwhile
        rows.update(count=F("count") + 1)
    return True


def search_misses_prune(*, keep_days: int | None = None, today: date | None = None) -> int:
    """Delete the counts of days older than `keep_days` (SEARCH_MISS_KEEP_DAYS); safe to run
    twice. Returns how many rows went."""
    keep_days = settings.SEARCH_MISS_KEEP_DAYS if keep_days is None else keep_days
    today = today or timezone.localdate()
    deleted, _per_model = SearchMiss.objects.filter(
        day__lt=today - timedelta(days=keep_days)
    ).delete()
    return deleted


def reviews_remove_of(*, user_id: int) -> int:
    """Delete every review a customer wrote (their account is being erased); the averages and
    the pages that showed them follow at once."""
    with transaction.atomic():
        reviews = Review.objects.filter(user_id=user_id)
        product_ids = sorted(set(reviews.values_list("product_id", flat=True)))
        removed, _per_model = reviews.delete()
        for product_id in product_ids:
            product_refresh_rating(product_id=product_id)
    return removed
