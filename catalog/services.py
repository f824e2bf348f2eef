"""Every write of the catalog that matters: stock, prices, slugs, listing fields."""

from collections.abc import Iterable
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from shop.models import User
from shop.text import fold, slugify_tr

from .exceptions import OutOfStock, StockError
from .models import (
    Category,
    PriceHistory,
    Product,
    ProductKind,
    ProductStatus,
    SlugRedirect,
    StockMovement,
    Variant,
)


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


def stock_adjust(
    *, variant: Variant, delta: int, reason: str, by: User | None = None, note: str = ""
) -> Variant:
    """Change on-hand stock under a row lock and record why; never below what is allocated."""
    with transaction.atomic():
        locked = Variant.objects.select_for_update().get(pk=variant.pk)
        stock_adjust_check(variant=locked, delta=delta, reason=reason)
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
        product_refresh_listing(product_id=locked.product_id)
    return locked


def stock_allocate(*, lines: Iterable[tuple[int, int]]) -> None:
    """Promise units to an order: lock the variants in primary-key order (no deadlocks),
    check availability and allocate, or raise OutOfStock and change nothing."""
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
            if variant.available < wanted[variant.pk]:
                raise OutOfStock(
                    variant_id=variant.pk, sku=variant.sku, available=max(variant.available, 0)
                )
            variant.allocated += wanted[variant.pk]
            variant.save(update_fields=["allocated"])
        for product_id in {v.product_id for v in variants}:
            product_refresh_listing(product_id=product_id)


def stock_release(*, lines: Iterable[tuple[int, int]]) -> None:
    """Give back units an order no longer needs (cancelled, expired)."""
    wanted = dict(lines)
    with transaction.atomic():
        variants = Variant.objects.select_for_update().filter(pk__in=wanted).order_by("pk")
        for variant in variants:
            variant.allocated = max(variant.allocated - wanted[variant.pk], 0)
            variant.save(update_fields=["allocated"])
        for product_id in {v.product_id for v in variants}:
            product_refresh_listing(product_id=product_id)


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


def product_refresh_listing(*, product_id: int) -> None:
    """Recompute what listings sort and filter on: lowest current price, any stock, search."""
    product = Product.objects.get(pk=product_id)
    now = timezone.now()
    variants = list(product.variants.all())
    prices = [v.current_price(now) for v in variants]
    product.min_price = min(prices) if prices else Decimal("0")
    product.in_stock = product.kind == ProductKind.DIGITAL or any(
        v.on_hand > v.allocated for v in variants
    )
    names = [getattr(product, f"name_{code}") or "" for code, _ in settings.LANGUAGES]
    product.search_text = fold(" ".join([*names, *(v.sku for v in variants)]))
    product.save(update_fields=["min_price", "in_stock", "search_text", "updated_at"])


def product_set_status(*, products: QuerySet[Product], status: str) -> int:
    """Activate, archive or draft products in bulk; returns how many there were."""
    with transaction.atomic():
        return products.update(status=ProductStatus(status))


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
