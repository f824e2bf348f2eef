"""The steps of placing an order, in order, inside `order_place`'s transaction.

Each step reads the `Placement` and leaves what the next needs on it. The payment method is
resolved once (`CheckoutRequest.payment`) and every step asks that object.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from catalog.exceptions import OutOfStock
from catalog.services import stock_allocate
from payments.services import (
    CheckoutPayment,
    payment_checkout_resolve,
    payment_create,
    payment_start,
)
from payments.services.points import PointsError, points_lock, points_redeem
from payments.states import PaymentStatus
from shop.models import User
from shop.money import format_money

from .. import selectors
from ..exceptions import CheckoutError, CouponRefused, PricesChanged
from ..legal import Buyer, render_documents, variant_label
from ..links import order_page_url
from ..models import (
    Address,
    Cart,
    CartStatus,
    Coupon,
    CouponRedemption,
    Order,
    OrderDocument,
    OrderLine,
)
from ..pricing import PricedCart, personal_coupon_refusal
from ..shipping import quote as shipping_quote
from ..states import OrderSource, OrderStatus
from .addresses import address_save
from .lifecycle import order_transition
from .numbering import order_save_with_number


@dataclass(frozen=True)
class CheckoutRequest:
    """What the checkout form collected; addresses are validated, unsaved Address objects."""

    token: str
    cart_id: int  # the visitor's own cart (from the session or the account); the token must name it
    items_total: Decimal  # PricedCart.items_total as the page showed it: prices unchanged
    grand_total: Decimal  # what the page said would be charged, shipping and fees included
    email: str
    phone: str
    language: str
    billing_address: Address
    payment_method: str
    accepted_terms: bool
    user: User | None = None
    shipping_address: Address | None = None
    shipping_method_id: int | None = None
    accepted_digital_waiver: bool = False
    ip_address: str | None = None
    save_address: bool = False
    # What the chosen method read of the form (the e-check's signed check), or None.
    payment_details: object | None = None
    # The chosen method resolved once (the checkout page does it while reading the form); every
    # step of placement and the payment's start after commit use it. Resolved here from
    # `payment_method` and `payment_details` when the caller did not (one-click, the demo) or
    # gave one for another method or details (a `dataclasses.replace` of either).
    payment: CheckoutPayment | None = None
    # Where the order is made (OrderSource) and, for a phone order, the agent who made it.
    source: str = OrderSource.WEB
    agent: User | None = None
    # What brought the visitor (orders/attribution.py), copied to the order as it is.
    source_ref: str = ""

    def __post_init__(self) -> None:
        payment = self.payment
        if (
            payment is None
            or payment.method != self.payment_method
            or payment.details is not self.payment_details
        ):
            resolved = payment_checkout_resolve(
                method=self.payment_method, details=self.payment_details
            )
            object.__setattr__(self, "payment", resolved)


@dataclass
class Placement:
    """One order being placed: what its steps read, and what each leaves for the next."""

    request: CheckoutRequest
    cart: Cart
    user: User | None
    quote: selectors.CheckoutQuote | None = None
    # The method resolved once (CheckoutRequest.payment); None when there is nothing to pay.
    payment: CheckoutPayment | None = None
    coupon: Coupon | None = None
    pays_at_placement: bool = False  # the balance or the tab: paid inside this transaction
    now: datetime | None = None
    order: Order | None = None

    @property
    def priced(self) -> PricedCart:
        return self.quote.priced


def place(*, cart: Cart, user: User | None, request: CheckoutRequest) -> Order:
    """Placement, step by step, inside order_place's transaction under the cart's lock."""
    placement = Placement(request=request, cart=cart, user=user)
    _price(placement)
    _check(placement)
    _check_totals(placement)
    _use_coupon(placement)
    _lock_what_pays(placement)
    _lock_points(placement)
    _allocate_stock(placement)
    _create_order(placement)
    _copy_lines(placement)
    _keep_documents(placement)
    _redeem_coupon(placement)
    _redeem_points(placement)
    _pay_or_confirm(placement)
    _close_cart(placement)
    _save_address(placement)
    return placement.order


def _price(placement: Placement) -> None:
    """The cart priced again for the page's choices, as the page showed it."""
    request = placement.request
    lines = selectors.cart_lines(cart=placement.cart)
    if not lines:
        raise CheckoutError(_("Your cart is empty."))
    shipping = request.shipping_address
    placement.quote = selectors.cart_quote(
        cart=placement.cart,
        lines=lines,
        user=placement.user,
        email=request.email,
        country=shipping.country if shipping else "",
        province=shipping.province if shipping else "",
        shipping_method_id=request.shipping_method_id,
        payment_method=request.payment_method,
    )
    # Nothing to pay (a 100 % coupon): confirmed at placement, with no payment method.
    placement.payment = None if placement.quote.nothing_to_pay else request.payment


def _check(placement: Placement) -> None:
    """Every line available, the coupon good, delivery and payment possible, texts accepted."""
    request, quote, priced = placement.request, placement.quote, placement.priced
    problem = next((s for s in priced.lines if s.problem), None)
    if problem is not None:
        raise CheckoutError(
            _("“%(name)s” is not available in the quantity in your cart. Please update your cart.")
            % {"name": problem.line.variant.product.name}
        )
    if priced.coupon.coupon is not None and priced.coupon.error:
        raise CouponRefused(priced.coupon.error)
    if priced.points.error:
        raise CheckoutError(priced.points.error)
    if priced.needs_shipping:
        if request.shipping_address is None:
            raise CheckoutError(_("Enter the delivery address."))
        if priced.shipping is None:
            raise CheckoutError(_("We cannot deliver this cart to that address yet."))
        if priced.shipping.method.pk != request.shipping_method_id:
            raise CheckoutError(_("Choose one of the shipping methods offered for your address."))
    if not quote.nothing_to_pay:
        _check_payment(placement)
    if not request.accepted_terms:
        raise CheckoutError(
            _("Please accept the pre-information form and the distance sales contract.")
        )
    if priced.has_digital and not request.accepted_digital_waiver:
        raise CheckoutError(
            _("Please confirm that your right of withdrawal ends once the digital delivery starts.")
        )


def _check_payment(placement: Placement) -> None:
    """The chosen method is offered for this cart, and accepts what the shopper entered for it
    (it refuses a bad IBAN or signature on an e-check, clearly)."""
    payment = placement.payment
    method = payment.method if payment is not None else None
    choice = next((c for c in placement.quote.payment_options if c.method == method), None)
    if choice is None:
        raise CheckoutError(_("Choose a payment method."))
    if not choice.availability.available:
        raise CheckoutError(choice.availability.reason)
    payment.check()


def _check_totals(placement: Placement) -> None:
    """The items and the grand total are what the page showed: prices did not change."""
    request, priced = placement.request, placement.priced
    if priced.items_total != request.items_total:
        raise PricesChanged(
            _("Prices in your cart changed since the page was shown. Please check the new total.")
        )
    if priced.totals.total != request.grand_total:
        raise PricesChanged(
            _(
                "The total is now %(amount)s (shipping or a payment fee changed). "
                "Please check it and place the order again."
            )
            % {"amount": format_money(priced.totals.total)}
        )


def _use_coupon(placement: Placement) -> None:
    """Count one use of the cart's coupon under its row lock; refuse if it ran out meanwhile."""
    check = placement.priced.coupon
    if not check.applies:
        return
    coupon = Coupon.objects.select_for_update().get(pk=check.coupon.pk)
    personal = personal_coupon_refusal(
        coupon=coupon, user_id=placement.user.pk if placement.user is not None else None
    )
    if personal:
        raise CouponRefused(personal)
    if coupon.max_uses is not None and coupon.times_used >= coupon.max_uses:
        raise CouponRefused(_("This code has just been used up. Remove it to continue."))
    if coupon.max_uses_per_customer is not None:
        used = selectors.coupon_uses_by(
            coupon=coupon, user=placement.user, email=placement.request.email
        )
        if used >= coupon.max_uses_per_customer:
            raise CouponRefused(_("You have already used this code."))
    Coupon.objects.filter(pk=coupon.pk).update(times_used=F("times_used") + 1)
    placement.coupon = coupon


def _lock_what_pays(placement: Placement) -> None:
    """The balance account or the tab is locked here: after the coupon, before the variants."""
    if placement.payment is None:
        return
    placement.pays_at_placement = placement.payment.lock_at_placement(
        customer_id=placement.user.pk if placement.user is not None else None,
        amount=placement.priced.totals.total,
        currency=settings.SHOP_CURRENCY,
    )


def _lock_points(placement: Placement) -> None:
    """The points account is locked here: after the balance, before the variants."""
    if placement.priced.points.applies:
        points_lock(user_id=placement.user.pk)


def _allocate_stock(placement: Placement) -> None:
    """Take the physical lines from stock, variants locked in primary-key order."""
    priced = placement.priced
    physical = [
        (s.line.variant_id, s.line.quantity)
        for s in priced.lines
        if s.line.variant.product.kind != "digital"
    ]
    try:
        stock_allocate(lines=physical)
    except OutOfStock as error:
        name = next(
            s.line.variant.product.name
            for s in priced.lines
            if s.line.variant_id == error.variant_id
        )
        raise CheckoutError(
            _("Sorry, “%(name)s” is out of stock (%(count)s left). Please update your cart.")
            % {"name": name, "count": error.available}
        ) from None


def _create_order(placement: Placement) -> None:
    """The order row, its totals and address snapshots, under a fresh number."""
    request, priced, payment = placement.request, placement.priced, placement.payment
    placement.now = now = timezone.now()
    method = priced.shipping.method if priced.shipping else None
    promise = placement.quote.promise  # as the page showed it, for the method chosen
    placement.order = order_save_with_number(
        Order(
            user=placement.user,
            email=request.email,
            phone=request.phone,
            language=request.language,
            payment_method=payment.method if payment is not None else "",
            currency=settings.SHOP_CURRENCY,
            subtotal=priced.totals.subtotal,
            discount=priced.totals.discount,
            shipping=priced.totals.shipping,
            fees=priced.totals.fees,
            vat=priced.totals.vat,
            total=priced.totals.total,
            vat_breakdown={
                str(rate): str(amount) for rate, amount in priced.totals.vat_by_rate.items()
            },
            shipping_address=(
                address_snapshot(request.shipping_address) if priced.needs_shipping else {}
            ),
            billing_address=address_snapshot(request.billing_address),
            shipping_method=str(priced.shipping.method) if priced.shipping else "",
            shipping_method_names=(
                priced.shipping.method.names_by_language() if priced.shipping else {}
            ),
            coupon_code=placement.coupon.code if placement.coupon else "",
            promised_ship_by=promise.ships_on if promise else None,
            promised_from=promise.earliest if promise else None,
            promised_to=promise.latest if promise else None,
            promised_days_min=method.days_min if method else None,
            promised_days_max=method.days_max if method else None,
            source=request.source,
            source_ref=request.source_ref,
            agent=request.agent,
            points_redeemed=priced.points.points if priced.points.applies else 0,
            points_discount=priced.totals.points_discount,
            checkout_token=request.token,
            placed_at=now,
            expires_at=now + _payment_timeout(request),
        )
    )


def _payment_timeout(request: CheckoutRequest) -> timedelta:
    """A phone order's customer pays later from an email, so it waits longer than the web's."""
    if request.source == OrderSource.AGENT:
        return timedelta(hours=settings.PHONE_ORDER_PAYMENT_TIMEOUT_HOURS)
    return timedelta(minutes=settings.ORDER_PAYMENT_TIMEOUT_MINUTES)


def _copy_lines(placement: Placement) -> None:
    """The order's lines: what was bought, at the price and VAT of this moment."""
    priced, order = placement.priced, placement.order
    by_key = {total.key: total for total in priced.totals.lines}
    OrderLine.objects.bulk_create(
        [
            OrderLine(
                order=order,
                product=state.line.variant.product,
                variant=state.line.variant,
                product_name=state.line.variant.product.name,
                variant_name=variant_label(state.line.variant),
                sku=state.line.variant.sku,
                is_digital=state.line.variant.product.is_digital,
                quantity=state.line.quantity,
                unit_price=state.unit_price,
                vat_rate=state.line.variant.product.vat_rate_decimal,
                gross=by_key[str(state.line.pk)].gross,
                discount=by_key[str(state.line.pk)].discount,
                total=by_key[str(state.line.pk)].total,
                vat=by_key[str(state.line.pk)].vat,
            )
            for state in priced.lines
        ]
    )


def _keep_documents(placement: Placement) -> None:
    """The legal texts the shopper accepted, as they read at this moment."""
    request, order, user, now = placement.request, placement.order, placement.user, placement.now
    payment = placement.payment
    documents = render_documents(
        priced=placement.priced,
        buyer=Buyer.of(
            email=request.email,
            phone=request.phone,
            billing=request.billing_address,
            delivery=request.shipping_address,
            has_account=user is not None,
        ),
        payment_label=payment.label if payment is not None else _("Nothing to pay"),
        language=request.language,
        at=now,
        order_url=order_page_url(order=order) if user is None else "",
    )
    OrderDocument.objects.bulk_create(
        [
            OrderDocument(
                order=order,
                kind=document.kind,
                version=document.version,
                language=request.language,
                text=document.text,
                accepted_at=now,
                ip_address=request.ip_address,
            )
            for document in documents
        ]
    )


def _redeem_coupon(placement: Placement) -> None:
    if placement.coupon is None:
        return
    CouponRedemption.objects.create(
        coupon=placement.coupon,
        order=placement.order,
        user=placement.user,
        email=placement.request.email,
        amount=_coupon_saving(placement.priced, address=placement.request.shipping_address),
    )


def _redeem_points(placement: Placement) -> None:
    """The points go from the account (locked above); someone spent them meanwhile: refused."""
    order = placement.order
    if not order.points_redeemed:
        return
    try:
        points_redeem(
            user=placement.user,
            order_id=order.pk,
            points=order.points_redeemed,
            key=f"redeem:order-{order.pk}",
        )
    except PointsError as error:
        raise CheckoutError(str(error)) from None


def _pay_or_confirm(placement: Placement) -> None:
    """Nothing to pay: confirmed at once. Else the order's payment attempt; the balance and
    the tab pay it here (confirming the order), the others start after commit."""
    order, payment = placement.order, placement.payment
    if payment is None:
        order.payment_status = PaymentStatus.PAID  # nothing is owed
        order.save(update_fields=["payment_status", "updated_at"])
        placement.order = order_transition(
            order=order,
            to=OrderStatus.CONFIRMED,
            note=gettext_noop("Nothing to pay: confirmed at once."),
        )
        return
    attempt = payment_create(
        order=order, method=payment.method, amount=order.total, currency=order.currency
    )
    # What the method keeps of the checkout (a sealed e-check), in this transaction.
    payment.placed(payment=attempt, ip_address=placement.request.ip_address)
    if placement.pays_at_placement:  # debits the balance or joins the tab; confirms the order
        payment_start(payment=attempt)
        order.refresh_from_db()


def _close_cart(placement: Placement) -> None:
    placement.cart.status = CartStatus.ORDERED
    placement.cart.save(update_fields=["status", "updated_at"])


def _save_address(placement: Placement) -> None:
    """A new delivery address goes into the account's address book when the shopper asked."""
    request, user = placement.request, placement.user
    shipping = request.shipping_address
    if user is not None and request.save_address and shipping is not None and shipping.pk is None:
        shipping.user = user
        address_save(address=shipping)


def _coupon_saving(priced: PricedCart, *, address: Address | None) -> Decimal:
    """What the code saved: its discount, or the delivery price it waived (free shipping)."""
    if not priced.coupon.free_shipping or priced.shipping is None or address is None:
        return priced.totals.discount
    regular = shipping_quote(
        method=priced.shipping.method,
        country=address.country,
        province=address.province,
        weight_grams=priced.weight_grams,
        basket_total=priced.items_total,
    )
    return regular.price if regular is not None else Decimal("0")


def address_snapshot(address: Address) -> dict:
    """An address and billing identity as stored on the order (it never changes afterwards)."""
    return {
        "full_name": address.full_name,
        "phone": address.phone,
        "country": address.country,
        "province": address.province,
        "district": address.district,
        "neighbourhood": address.neighbourhood,
        "street": address.street,
        "postal_code": address.postal_code,
        "billing_type": address.billing_type,
        "national_id": address.national_id,
        "company_name": address.company_name,
        "tax_office": address.tax_office,
        "tax_number": address.tax_number,
        "lines": address.lines(),
    }
