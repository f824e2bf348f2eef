"""A cart priced for checkout: the shipping and payment options and the chosen ones."""

from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.utils import timezone

from payments.interface import CheckoutContext
from payments.services.points import points_balance, points_value, redeem_problem
from shop.models import User

from ..benefits import customer_benefits
from ..models import Cart, CartLine
from ..pricing import (
    CouponCheck,
    LineState,
    PaymentChoice,
    PointsCheck,
    PricedCart,
    coupon_check,
    line_states,
    payment_choices,
    price_cart,
)
from ..promise import Promise
from ..shipping import ShippingQuote, quote
from .cart import cart_lines, coupon_by_id, coupon_uses_by, with_coupon_categories
from .promises import delivery_promises
from .shipping import shipping_methods


@dataclass
class CheckoutQuote:
    """A cart priced for one set of checkout choices, with the options the page offers."""

    priced: PricedCart
    shipping_options: list[ShippingQuote] = field(default_factory=list)
    payment_options: list[PaymentChoice] = field(default_factory=list)
    shipping_error: str = ""
    # The delivery promise of each method offered (by its id), ordered now.
    promises: dict[int, Promise] = field(default_factory=dict)

    @property
    def promised_options(self) -> list[tuple[ShippingQuote, Promise | None]]:
        """Each method offered beside its promise (for the page's list)."""
        return [(o, self.promises.get(o.method.pk)) for o in self.shipping_options]

    @property
    def promise(self) -> Promise | None:
        """The promise of the chosen method, if one is chosen."""
        shipping = self.priced.shipping
        return self.promises.get(shipping.method.pk) if shipping is not None else None

    @property
    def nothing_to_pay(self) -> bool:
        """A 100 % coupon (later a balance) covers it all: no payment method is needed."""
        return self.priced.totals.total <= 0 and not self.priced.has_problems


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

    Without `with_payment` (the cart page) no payment method is chosen, offered or asked about,
    and no fee is added.
    """
    now = now or timezone.now()
    lines = cart_lines(cart=cart) if lines is None else lines
    states = line_states(lines, now=now)
    coupon = _coupon_for(cart=cart, states=states, user=user, email=email, now=now)
    base = price_cart(lines=states, coupon=coupon)
    points = _points_for(cart=cart, user=user, items_total=base.items_total)
    if points.points:
        base = price_cart(lines=states, coupon=coupon, points=points)

    options: list[ShippingQuote] = []
    chosen: ShippingQuote | None = None
    if base.needs_shipping and country:
        basket = base.shipping_basket
        tier_free_shipping = customer_benefits(user=user).free_shipping
        for method in shipping_methods():
            offer = quote(
                method=method,
                country=country,
                province=province,
                weight_grams=base.weight_grams,
                basket_total=basket,
                free_shipping_coupon=(coupon.applies and coupon.free_shipping)
                or tier_free_shipping,
            )
            if offer is not None:
                options.append(offer)
        chosen = next((o for o in options if o.method.pk == shipping_method_id), None)
        if chosen is None and options:
            chosen = options[0]
    promises = (
        delivery_promises(
            [(o.method.pk, o.method.days_min, o.method.days_max) for o in options], now=now
        )
        if options
        else {}
    )

    with_shipping = (
        base
        if chosen is None
        else price_cart(lines=states, coupon=coupon, shipping=chosen, points=points)
    )
    if not with_payment:
        # The cart page: no method is chosen or offered, so none is asked whether it is
        # available (a balance, a tab or a saved card would each cost a query).
        return CheckoutQuote(
            priced=with_shipping,
            shipping_options=options,
            shipping_error=("no_method" if base.needs_shipping and country and not options else ""),
            promises=promises,
        )
    context = CheckoutContext(
        total=with_shipping.totals.total,
        currency=settings.SHOP_CURRENCY,
        has_physical=with_shipping.has_physical,
        has_digital=with_shipping.has_digital,
        customer_id=user.pk if user is not None and user.is_authenticated else None,
    )
    # Nothing left to pay (a 100 % coupon): no method is offered, none adds a fee.
    choices = payment_choices(context=context) if context.total > 0 else []
    picked = next(
        (c for c in choices if c.method == payment_method and c.availability.available), None
    )
    if picked is None:
        picked = next((c for c in choices if c.availability.available), None)
    priced = price_cart(lines=states, coupon=coupon, shipping=chosen, payment=picked, points=points)
    return CheckoutQuote(
        priced=priced,
        shipping_options=options,
        payment_options=choices,
        shipping_error=("no_method" if base.needs_shipping and country and not options else ""),
        promises=promises,
    )


def _points_for(*, cart: Cart, user: User | None, items_total: object) -> PointsCheck:
    """The points the shopper chose on this cart, checked against what they hold and the
    basket's limits (a query only when they chose some)."""
    wanted = cart.points_to_redeem
    if not wanted or user is None or not user.is_authenticated:
        return PointsCheck()
    held = points_balance(user_id=user.pk)
    error = redeem_problem(points=wanted, held=held, items_total=items_total)
    discount = points_value(wanted) if not error else points_value(0)
    return PointsCheck(points=wanted, discount=discount, error=error, held=held)


def _coupon_for(
    *, cart: Cart, states: list[LineState], user: User | None, email: str, now: datetime
) -> CouponCheck:
    coupon = coupon_by_id(cart.coupon_id) if cart.coupon_id else None
    with_coupon_categories(coupon, [state.line for state in states])
    uses = 0
    if coupon is not None and coupon.max_uses_per_customer is not None:
        uses = coupon_uses_by(coupon=coupon, user=user, email=email)
    signed_in = user is not None and user.is_authenticated
    return coupon_check(
        coupon=coupon,
        lines=states,
        now=now,
        uses_by_customer=uses,
        user_id=user.pk if signed_in else None,
    )
