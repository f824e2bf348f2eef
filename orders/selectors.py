"""Reads of the orders app: address book, carts and their prices, shipping, orders."""

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from django.conf import settings
from django.db.models import Prefetch, Q, QuerySet, Sum
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from payments.interface import CheckoutContext
from shop.models import User

from .models import (
    Address,
    Cart,
    CartLine,
    CartStatus,
    Coupon,
    CouponRedemption,
    Order,
    ShippingMethod,
    ShippingRate,
)
from .pricing import (
    LineState,
    PaymentChoice,
    PricedCart,
    coupon_check,
    line_states,
    payment_choices,
    price_cart,
)
from .shipping import ShippingQuote, quote


def addresses_of(*, user: User) -> QuerySet[Address]:
    return Address.objects.filter(user=user)


def address_of(*, user: User, pk: int) -> Address:
    """The user's own address; another customer's is a 404."""
    return get_object_or_404(Address, pk=pk, user=user)


def shipping_methods() -> list[ShippingMethod]:
    """Active methods with their rates and regions: two queries whatever their number."""
    rates = ShippingRate.objects.select_related("region").order_by("max_weight_grams")
    return list(
        ShippingMethod.objects.filter(is_active=True, carrier__is_active=True)
        .select_related("carrier")
        .prefetch_related(Prefetch("rates", queryset=rates))
    )


# --- Carts ----------------------------------------------------------------------------------


def open_cart(*, user: User | None, cart_id: int | None) -> Cart | None:
    """The signed-in customer's open cart, or the guest's open cart from the session."""
    carts = Cart.objects.filter(status=CartStatus.OPEN).select_related("coupon")
    if user is not None and user.is_authenticated:
        return carts.filter(user=user).first()
    if cart_id:
        return carts.filter(pk=cart_id, user__isnull=True).first()
    return None


def cart_lines(*, cart: Cart) -> list[CartLine]:
    """The cart's lines with their variants, products and options: a fixed number of queries."""
    return list(
        CartLine.objects.filter(cart=cart)
        .select_related("variant__product__category")
        .prefetch_related("variant__attribute_values")
    )


def cart_item_count(*, cart: Cart | None) -> int:
    if cart is None:
        return 0
    return sum(CartLine.objects.filter(cart=cart).values_list("quantity", flat=True))


def coupon_by_code(code: str) -> Coupon | None:
    code = (code or "").strip().upper()
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


@dataclass
class CheckoutQuote:
    """A cart priced for one set of checkout choices, with the options the page offers."""

    priced: PricedCart
    shipping_options: list[ShippingQuote] = field(default_factory=list)
    payment_options: list[PaymentChoice] = field(default_factory=list)
    shipping_error: str = ""


def cart_quote(
    *,
    cart: Cart,
    lines: list[CartLine] | None = None,
    user: User | None = None,
    email: str = "",
    country: str = "",
    province: str = "",
    shipping_method_id: int | None = None,
    payment_method: str = "",
    with_payment: bool = True,
    now: datetime | None = None,
) -> CheckoutQuote:
    """Price a cart for checkout choices; choices that do not apply are simply not taken.

    Without `with_payment` (the cart page) no payment method is chosen and no fee is added.
    """
    now = now or timezone.now()
    lines = cart_lines(cart=cart) if lines is None else lines
    states = line_states(lines, now=now)
    coupon = _coupon_for(cart=cart, states=states, user=user, email=email, now=now)
    base = price_cart(lines=states, coupon=coupon)

    options: list[ShippingQuote] = []
    chosen: ShippingQuote | None = None
    if base.needs_shipping and country:
        basket = base.totals.total  # lines after the discount, before shipping and fees
        for method in shipping_methods():
            offer = quote(
                method=method,
                country=country,
                province=province,
                weight_grams=base.weight_grams,
                basket_total=basket,
                free_shipping_coupon=coupon.applies and coupon.free_shipping,
            )
            if offer is not None:
                options.append(offer)
        chosen = next((o for o in options if o.method.pk == shipping_method_id), None)
        if chosen is None and options:
            chosen = options[0]

    with_shipping = price_cart(lines=states, coupon=coupon, shipping=chosen)
    context = CheckoutContext(
        total=with_shipping.totals.total,
        currency=settings.SHOP_CURRENCY,
        has_physical=with_shipping.has_physical,
        has_digital=with_shipping.has_digital,
        customer_id=user.pk if user is not None and user.is_authenticated else None,
    )
    choices = payment_choices(context=context)
    picked = next(
        (c for c in choices if c.method == payment_method and c.availability.available), None
    )
    if picked is None and with_payment:
        picked = next((c for c in choices if c.availability.available), None)
    priced = price_cart(
        lines=states,
        coupon=coupon,
        shipping=chosen,
        payment_fee=picked.fee if picked else Decimal("0"),
        payment_fee_kind=f"{picked.method}_fee" if picked else "payment_fee",
    )
    priced.payment_choices = choices
    return CheckoutQuote(
        priced=priced,
        shipping_options=options,
        payment_options=choices,
        shipping_error=("no_method" if base.needs_shipping and country and not options else ""),
    )


def _coupon_for(*, cart: Cart, states: list[LineState], user, email: str, now: datetime):
    coupon = None
    if cart.coupon_id:
        coupon = coupon_by_code(cart.coupon.code)
    uses = 0
    if coupon is not None and coupon.max_uses_per_customer is not None:
        uses = coupon_uses_by(coupon=coupon, user=user, email=email)
    return coupon_check(coupon=coupon, lines=states, now=now, uses_by_customer=uses)


# --- Orders ---------------------------------------------------------------------------------


def orders_of(*, user: User) -> QuerySet[Order]:
    """The customer's orders, newest first, with their item count (one query)."""
    return (
        Order.objects.filter(user=user)
        .annotate(item_count=Sum("lines__quantity"))
        .order_by("-placed_at")
    )


def order_for_viewer(*, number: str, user: User | None, guest_numbers: list[str]) -> Order:
    """An order its owner may see: their own, or one this browser placed as a guest; else 404."""
    order = Order.objects.filter(number=number).prefetch_related("lines", "documents").first()
    if order is None:
        raise Http404
    own = user is not None and user.is_authenticated and order.user_id == user.pk
    placed_here = order.user_id is None and number in guest_numbers
    if not (own or placed_here):
        raise Http404
    return order


def order_by_token(*, token: str) -> Order | None:
    return Order.objects.filter(checkout_token=token).first()


def customer_bought(*, user_id: int, product_id: int) -> bool:
    """Did this customer buy the product in an order that was paid for or delivered?"""
    from payments.states import PaymentStatus

    from .states import OrderStatus

    return Order.objects.filter(
        Q(status=OrderStatus.DELIVERED) | Q(payment_status=PaymentStatus.PAID),
        user_id=user_id,
        lines__product_id=product_id,
    ).exists()


def overdue_order_ids(*, now: datetime, limit: int = 500) -> list[int]:
    """Orders still waiting for payment past their deadline (index: status, expires_at)."""
    from .states import OrderStatus

    return list(
        Order.objects.filter(status=OrderStatus.PENDING_PAYMENT, expires_at__lte=now)
        .order_by("expires_at")
        .values_list("pk", flat=True)[:limit]
    )
