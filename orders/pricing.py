"""What a cart costs: lines at today's prices, the coupon, shipping and the payment fee.

Pure functions over loaded objects (no queries, given the prefetches of selectors.cart_lines
and selectors.coupon_by_code); the cart page, the checkout page and `order_place` all price a
cart through `price_cart`, so what the customer sees is what the order charges.
"""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.utils.translation import gettext as _

from payments.interface import Availability, CheckoutContext
from payments.registry import all_providers
from shop.money import ZERO, format_money, to_money

from .models import CartLine, Coupon, CouponKind
from .shipping import ShippingQuote
from .totals import ChargeInput, LineInput, Totals, calculate_totals


@dataclass(frozen=True)
class CouponCheck:
    coupon: Coupon | None
    error: str = ""  # why the code does not apply, for the customer
    discount: Decimal = ZERO
    free_shipping: bool = False
    eligible_line_ids: frozenset[int] = frozenset()

    @property
    def applies(self) -> bool:
        return self.coupon is not None and not self.error


@dataclass(frozen=True)
class PointsCheck:
    """Loyalty points the shopper chose to redeem, and what they take off (or why not)."""

    points: int = 0
    discount: Decimal = ZERO
    error: str = ""  # why they cannot be used, for the shopper
    held: int = 0

    @property
    def applies(self) -> bool:
        return self.points > 0 and not self.error


@dataclass(frozen=True)
class LineState:
    """A cart line as the customer should see it now."""

    line: CartLine
    unit_price: Decimal
    price_changed: bool
    available: int
    problem: str  # "" | "unavailable" | "short"

    @property
    def gross(self) -> Decimal:
        return to_money(self.unit_price * self.line.quantity)


@dataclass(frozen=True)
class PaymentChoice:
    method: str
    label: str
    availability: Availability
    fee: Decimal


@dataclass
class PricedCart:
    lines: list[LineState]
    coupon: CouponCheck
    totals: Totals
    needs_shipping: bool
    weight_grams: int
    shipping: ShippingQuote | None = None
    payment: PaymentChoice | None = None  # the payment method chosen, whose fee is charged
    points: PointsCheck = PointsCheck()

    @property
    def items_total(self) -> Decimal:
        """What the checkout form guards: the items after discount, at the prices shown.

        Shipping and fees follow from choices made in the same form, so they are not part of it.
        """
        return self.totals.subtotal - self.totals.discount

    @property
    def shipping_basket(self) -> Decimal:
        """What a free-shipping threshold is measured on: the items after the coupon, before
        points (redeeming points never costs the shopper a threshold)."""
        return self.items_total + self.totals.points_discount

    @property
    def has_problems(self) -> bool:
        return any(line.problem for line in self.lines)

    @property
    def has_digital(self) -> bool:
        return any(state.line.variant.product.is_digital for state in self.lines)

    @property
    def has_physical(self) -> bool:
        return any(not state.line.variant.product.is_digital for state in self.lines)

    @property
    def item_count(self) -> int:
        return sum(state.line.quantity for state in self.lines)


def line_states(lines: list[CartLine], *, now: datetime) -> list[LineState]:
    states = []
    for line in lines:
        variant = line.variant
        price = variant.current_price(now)
        available = max(variant.available, 0)
        active = variant.product.status == "active"
        if not active or available == 0:
            problem = "unavailable"
        elif line.quantity > available:
            problem = "short"
        else:
            problem = ""
        states.append(
            LineState(
                line=line,
                unit_price=price,
                price_changed=price != line.seen_price,
                available=available if active else 0,
                problem=problem,
            )
        )
    return states


def coupon_check(
    *,
    coupon: Coupon | None,
    lines: list[LineState],
    now: datetime,
    uses_by_customer: int = 0,
    user_id: int | None = None,
) -> CouponCheck:
    """Whether a coupon applies to these lines, and the discount it gives; never raises.

    `user_id`: the signed-in customer (None for a guest), for personal coupons.
    """
    if coupon is None:
        return CouponCheck(None)

    def refused(message: str) -> CouponCheck:
        return CouponCheck(coupon, error=message)

    # First, so that nobody else learns anything about a personal code (used, expired, whose).
    personal = personal_coupon_refusal(coupon=coupon, user_id=user_id)
    if personal:
        return refused(personal)
    if not coupon.is_active:
        return refused(_("This code is not valid."))
    if coupon.starts_at and now < coupon.starts_at:
        return refused(_("This code is not valid yet."))
    if coupon.ends_at and now >= coupon.ends_at:
        return refused(_("This code has expired."))
    if coupon.max_uses is not None and coupon.times_used >= coupon.max_uses:
        return refused(_("This code has been used up."))
    if (
        coupon.max_uses_per_customer is not None
        and uses_by_customer >= coupon.max_uses_per_customer
    ):
        return refused(_("You have already used this code."))
    subtotal = sum((state.gross for state in lines), ZERO)
    if subtotal < coupon.min_basket:
        return refused(
            _("This code needs a basket of at least %(amount)s.")
            % {"amount": format_money(coupon.min_basket)}
        )
    eligible = [state for state in lines if _eligible(coupon, state.line)]
    if not eligible:
        return refused(_("This code does not apply to the products in your cart."))
    base = sum((state.gross for state in eligible), ZERO)
    ids = frozenset(state.line.pk for state in eligible)
    if coupon.kind == CouponKind.FREE_SHIPPING:
        if not any(not state.line.variant.product.is_digital for state in lines):
            return refused(_("This code gives free shipping; your cart has nothing to ship."))
        return CouponCheck(coupon, free_shipping=True, eligible_line_ids=ids)
    if coupon.kind == CouponKind.PERCENT:
        discount = to_money(base * coupon.value / 100)
    else:
        discount = min(to_money(coupon.value), base)
    return CouponCheck(coupon, discount=discount, eligible_line_ids=ids)


def personal_coupon_refusal(*, coupon: Coupon, user_id: int | None) -> str:
    """Why a personal coupon is not for this shopper ("" when it is, or is for everyone)."""
    if coupon.user_id is None or coupon.user_id == user_id:
        return ""
    if user_id is None:
        return _("This code is personal: sign in to the account it was given to, then use it.")
    return _("This code is personal and was given to another account.")


def _eligible(coupon: Coupon, line: CartLine) -> bool:
    products = {p.pk for p in coupon.products.all()}
    paths = [c.path for c in coupon.categories.all()]
    if not products and not paths:
        return True
    product = line.variant.product
    return product.pk in products or any(product.category.path.startswith(p) for p in paths)


def payment_choices(*, context: CheckoutContext) -> list[PaymentChoice]:
    """Every payment method the shop offers, with whether it may pay for this cart and why."""
    choices = []
    for provider in all_providers():
        availability = provider.availability(context=context)
        fee = provider.fee(context=context) if availability.available else ZERO
        label = provider.method.label if hasattr(provider.method, "label") else provider.method
        choices.append(PaymentChoice(provider.method, str(label), availability, fee))
    return choices


def price_cart(
    *,
    lines: list[LineState],
    coupon: CouponCheck,
    shipping: ShippingQuote | None = None,
    payment: PaymentChoice | None = None,
    points: PointsCheck | None = None,
) -> PricedCart:
    """Totals for the lines with the coupon, the points redeemed, the chosen shipping and the
    payment method's fee."""
    points = points or PointsCheck()
    discountable = coupon.eligible_line_ids if coupon.applies else frozenset()
    inputs = [
        LineInput(
            key=str(state.line.pk),
            unit_price=state.unit_price,
            quantity=state.line.quantity,
            vat_rate=state.line.variant.product.vat_rate_decimal,
            discountable=state.line.pk in discountable,
        )
        for state in lines
    ]
    charges = []
    if shipping is not None and shipping.price > ZERO:
        charges.append(ChargeInput("shipping", shipping.price))
    if payment is not None and payment.fee > ZERO:
        charges.append(ChargeInput(f"{payment.method}_fee", payment.fee))
    totals = calculate_totals(
        lines=inputs,
        discount=coupon.discount if coupon.applies else ZERO,
        charges=charges,
        points_discount=points.discount if points.applies else ZERO,
    )
    return PricedCart(
        lines=lines,
        coupon=coupon,
        totals=totals,
        needs_shipping=any(not s.line.variant.product.is_digital for s in lines),
        weight_grams=sum(s.line.variant.weight_grams * s.line.quantity for s in lines),
        shipping=shipping,
        payment=payment,
        points=points,
    )
