"""Reads of carts and coupons."""

from datetime import datetime

from django.db.models import F, Q, QuerySet, prefetch_related_objects
from django.utils import timezone

from catalog.kept import cart_products, option_labels
from shop.models import User
from shop.text import code_normal

from ..models import Cart, CartLine, CartStatus, Coupon, CouponRedemption


def open_cart(*, user: User | None, cart_id: int | None) -> Cart | None:
    """The signed-in customer's open cart, or the guest's open cart from the session."""
    carts = Cart.objects.filter(status=CartStatus.OPEN).select_related("coupon")
    if user is not None and user.is_authenticated:
        return carts.filter(user=user).first()
    if cart_id:
        return carts.filter(pk=cart_id, user__isnull=True).first()
    return None


# What a cart, the checkout and an order's lines read of a line and its variant, with the stock
# and prices read fresh; the products come from the per-worker memory (`cart_products`).
CART_FIELDS = (
    "cart_id",
    "variant_id",
    "quantity",
    "seen_price",
    "added_at",
    *(
        f"variant__{field}"
        for field in (
            "product_id",
            "sku",
            "price",
            "sale_price",
            "sale_starts_at",
            "sale_ends_at",
            "on_hand",
            "allocated",
            "weight_grams",
        )
    ),
)


CART_OWN_FIELDS = tuple(
    f"cart__{field}"
    for field in (
        "user_id",
        "status",
        "version",
        "coupon_id",
        "points_to_redeem",
        "created_at",
        "updated_at",
    )
)


def _with_catalog(lines: list[CartLine]) -> list[CartLine]:
    """Each line gets its variant's product and `options`, its options in the current language
    ('Kırmızı / M'), from the per-worker memories of the catalog (no query once kept)."""
    products = cart_products(line.variant.product_id for line in lines)
    labels = option_labels(line.variant_id for line in lines)
    for line in lines:
        if line.variant.product_id in products:  # else read when asked (a product just gone)
            line.variant.product = products[line.variant.product_id]
        line.options = labels[line.variant_id]
    return lines


def _lines() -> QuerySet[CartLine]:
    return CartLine.objects.select_related("variant").only(*CART_FIELDS)


def cart_lines(*, cart: Cart) -> list[CartLine]:
    """The cart's lines with their variants, products and options: one query (none for the
    options once they are kept)."""
    return _with_catalog(list(_lines().filter(cart=cart)))


def open_cart_with_lines(
    *, user: User | None, cart_id: int | None
) -> tuple[Cart | None, list[CartLine]]:
    """`open_cart` and its `cart_lines` together: one query for a cart with lines (the cart
    comes with them), two for an empty one."""
    if user is not None and user.is_authenticated:
        lines = _lines().filter(cart__user=user)
    elif cart_id:
        lines = _lines().filter(cart_id=cart_id, cart__user__isnull=True)
    else:
        return None, []
    found = list(
        lines.filter(cart__status=CartStatus.OPEN)
        .select_related("cart")
        .only(*CART_FIELDS, *CART_OWN_FIELDS)
    )
    if not found:
        return open_cart(user=user, cart_id=cart_id), []
    return found[0].cart, _with_catalog(found)  # one open cart per customer (a constraint)


def cart_item_count(*, cart: Cart | None) -> int:
    if cart is None:
        return 0
    return sum(CartLine.objects.filter(cart=cart).values_list("quantity", flat=True))


def with_coupon_categories(coupon: Coupon | None, lines: list[CartLine]) -> None:
    """A coupon for some categories asks each line's category path: read them in one query
    (onto the kept products: a category's path is the same for every reader of a version)."""
    if coupon is not None and coupon.categories.all():
        prefetch_related_objects([line.variant.product for line in lines], "category")


def coupon_by_id(pk: int) -> Coupon | None:
    return Coupon.objects.prefetch_related("categories", "products").filter(pk=pk).first()


def coupon_by_code(code: str) -> Coupon | None:
    code = code_normal(code or "")
    if not code:
        return None
    return Coupon.objects.prefetch_related("categories", "products").filter(code=code).first()


def coupon_uses_by(*, coupon: Coupon, user: User | None, email: str) -> int:
    """How often this customer (account or, for guests, email address) used the coupon."""
    who = Q()
    if user is not None and user.is_authenticated:
        who |= Q(user=user)
    if email:
        who |= Q(email__iexact=email)
    if not who:
        return 0
    return CouponRedemption.objects.filter(who, coupon=coupon).count()


def personal_coupons(*, user: User, now: datetime | None = None) -> list[Coupon]:
    """The customer's own coupons that work now and are not used up, soonest to expire first."""
    now = now or timezone.now()
    return list(
        Coupon.objects.filter(user=user, is_active=True)
        .filter(Q(starts_at__isnull=True) | Q(starts_at__lte=now))
        .filter(Q(ends_at__isnull=True) | Q(ends_at__gt=now))
        .filter(Q(max_uses__isnull=True) | Q(times_used__lt=F("max_uses")))
        .order_by(F("ends_at").asc(nulls_last=True), "pk")
        .only("code", "kind", "value", "min_basket", "ends_at", "description")
    )
