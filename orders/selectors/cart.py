"""Reads of carts and coupons."""

from django.db.models import Q

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


# Long texts of the product and its category that no cart, checkout or order line shows: left
# in the database (a product row with them is some kB, its search vector included).
CART_UNUSED_FIELDS = [
    f"variant__product__{field}{suffix}"
    for field in ("description", "seo_title", "seo_description")
    for suffix in ("", "_tr", "_en")
] + [
    "variant__product__search_text",
    "variant__product__search_vector",
    "variant__product__rating_distribution",
    *(
        f"variant__product__category__{field}{suffix}"
        for field in ("description", "seo_title", "seo_description")
        for suffix in ("", "_tr", "_en")
    ),
]


def cart_lines(*, cart: Cart) -> list[CartLine]:
    """The cart's lines with their variants, products and options: a fixed number of queries."""
    return list(
        CartLine.objects.filter(cart=cart)
        .select_related("variant__product__category")
        .defer(*CART_UNUSED_FIELDS)
        .prefetch_related("variant__attribute_values")
    )


def cart_item_count(*, cart: Cart | None) -> int:
    if cart is None:
        return 0
    return sum(CartLine.objects.filter(cart=cart).values_list("quantity", flat=True))


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
