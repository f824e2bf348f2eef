"""Placing an order: one transaction that locks, re-checks, allocates and snapshots.

Lock order, the same in every transaction: the cart, then the coupon, then the prepaid balance
account or the tab (a method that pays from our own ledger), then the variants in primary-key
order (catalog.services.stock_allocate). No network call happens here; a card payment starts
after commit (`orders.services.paying.checkout_payment_start`), while the balance and the tab
pay inside this transaction, so such an order is confirmed at placement.
"""

import re
import secrets
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from allauth.account.models import EmailAddress
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from catalog.exceptions import OutOfStock
from catalog.services import stock_allocate
from payments.services import (
    payment_checkout_check,
    payment_checkout_placed,
    payment_create,
    payment_place_check,
    payment_start,
)
from payments.states import PaymentMethod, PaymentStatus
from shop.models import User
from shop.money import format_money

from .. import selectors
from ..exceptions import CartNotFound, CheckoutError, CouponRefused, PricesChanged
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
from ..pricing import PricedCart
from ..shipping import quote as shipping_quote
from ..states import OrderStatus
from .addresses import address_save
from .lifecycle import order_transition

NUMBER_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I to misread on the phone


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


TOKEN_PATTERN = re.compile(r"(\d{1,18})\.(\d{1,18})", re.ASCII)


def parse_token(token: str) -> tuple[int, int]:
    """The cart id and version a checkout form was rendered for; anything else is refused."""
    match = TOKEN_PATTERN.fullmatch(token or "")
    if match is None:
        raise CartNotFound(_("Your cart could not be found; please start again."))
    return int(match[1]), int(match[2])


def user_has_verified_email(user: User) -> bool:
    return EmailAddress.objects.filter(user=user, email__iexact=user.email, verified=True).exists()


def order_place(*, request: CheckoutRequest) -> tuple[Order, bool]:
    """Place the cart as an order; (order, True), or (the existing order, False) on a resubmit."""
    cart_id, version = parse_token(request.token)
    user = request.user if request.user is not None and request.user.is_authenticated else None
    # A token is honoured only for the cart the caller owns: a guest's cart id comes from their
    # session, so another visitor's (or a guessed) token finds nothing.
    if cart_id != request.cart_id:
        raise CartNotFound(_("Your cart could not be found; please start again."))
    with transaction.atomic():
        cart = Cart.objects.select_for_update().filter(pk=cart_id).first()
        if cart is None or cart.user_id != (user.pk if user else None):
            raise CartNotFound(_("Your cart could not be found; please start again."))
        if cart.status not in (CartStatus.OPEN, CartStatus.EXPRESS):
            # Carts never reopen: only a closed cart can have placed this token's order.
            existing = selectors.order_by_token(token=request.token)
            if existing is not None:
                return existing, False
            raise CheckoutError(_("This cart has already been checked out."))
        if cart.version != version:
            raise PricesChanged(
                _(
                    "Your cart changed (perhaps in another window). "
                    "Please check it and place the order again."
                )
            )
        if user is not None and not user_has_verified_email(user):
            raise CheckoutError(_("Please verify your email address before placing an order."))
        # Names and labels are copied in the customer's language.
        with translation.override(request.language):
            order = _place(cart=cart, user=user, request=request)
    return order, True


def _place(*, cart: Cart, user: User | None, request: CheckoutRequest) -> Order:
    lines = selectors.cart_lines(cart=cart)
    if not lines:
        raise CheckoutError(_("Your cart is empty."))
    shipping = request.shipping_address
    quote = selectors.cart_quote(
        cart=cart,
        lines=lines,
        user=user,
        email=request.email,
        country=shipping.country if shipping else "",
        province=shipping.province if shipping else "",
        shipping_method_id=request.shipping_method_id,
        payment_method=request.payment_method,
    )
    priced = quote.priced
    _check(request=request, quote=quote)
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
    coupon = _use_coupon(priced.coupon, user=user, email=request.email)
    # The balance account or the tab is locked here: after the coupon, before the variants.
    pays_at_placement = not quote.nothing_to_pay and payment_place_check(
        method=request.payment_method,
        customer_id=user.pk if user is not None else None,
        amount=priced.totals.total,
        currency=settings.SHOP_CURRENCY,
    )
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

    now = timezone.now()
    free = quote.nothing_to_pay
    payment_label = (
        _("Nothing to pay") if free else str(PaymentMethod(request.payment_method).label)
    )
    order = _create_order(
        Order(
            user=user,
            email=request.email,
            phone=request.phone,
            language=request.language,
            payment_method="" if free else request.payment_method,
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
            shipping_address=address_snapshot(shipping) if priced.needs_shipping else {},
            billing_address=address_snapshot(request.billing_address),
            shipping_method=str(priced.shipping.method) if priced.shipping else "",
            coupon_code=coupon.code if coupon else "",
            checkout_token=request.token,
            placed_at=now,
            expires_at=now + timedelta(minutes=settings.ORDER_PAYMENT_TIMEOUT_MINUTES),
        )
    )
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
    documents = render_documents(
        priced=priced,
        buyer=Buyer.of(
            email=request.email,
            phone=request.phone,
            billing=request.billing_address,
            delivery=request.shipping_address,
            has_account=user is not None,
        ),
        payment_label=payment_label,
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
    if coupon is not None:
        CouponRedemption.objects.create(
            coupon=coupon,
            order=order,
            user=user,
            email=request.email,
            amount=_coupon_saving(priced, address=shipping),
        )
    if free:
        order.payment_status = PaymentStatus.PAID  # nothing is owed
        order.save(update_fields=["payment_status", "updated_at"])
        order = order_transition(
            order=order, to=OrderStatus.CONFIRMED, note=_("Nothing to pay: confirmed at once.")
        )
    else:
        payment = payment_create(
            order=order, method=request.payment_method, amount=order.total, currency=order.currency
        )
        # What the method keeps of the checkout (a sealed e-check), in this transaction.
        payment_checkout_placed(
            payment=payment, details=request.payment_details, ip_address=request.ip_address
        )
        if pays_at_placement:  # debits the balance or joins the tab; confirms the order
            payment_start(payment=payment)
            order.refresh_from_db()
    cart.status = CartStatus.ORDERED
    cart.save(update_fields=["status", "updated_at"])
    if user is not None and request.save_address and shipping is not None and shipping.pk is None:
        shipping.user = user
        address_save(address=shipping)
    return order


def _check(*, request: CheckoutRequest, quote: selectors.CheckoutQuote) -> None:
    priced = quote.priced
    problem = next((s for s in priced.lines if s.problem), None)
    if problem is not None:
        raise CheckoutError(
            _("“%(name)s” is not available in the quantity in your cart. Please update your cart.")
            % {"name": problem.line.variant.product.name}
        )
    if priced.coupon.coupon is not None and priced.coupon.error:
        raise CouponRefused(priced.coupon.error)
    if priced.needs_shipping:
        if request.shipping_address is None:
            raise CheckoutError(_("Enter the delivery address."))
        if priced.shipping is None:
            raise CheckoutError(_("We cannot deliver this cart to that address yet."))
        if priced.shipping.method.pk != request.shipping_method_id:
            raise CheckoutError(_("Choose one of the shipping methods offered for your address."))
    choice = next((c for c in quote.payment_options if c.method == request.payment_method), None)
    if quote.nothing_to_pay:
        pass  # confirmed at placement, with no payment method and no payment call
    elif choice is None:
        raise CheckoutError(_("Choose a payment method."))
    elif not choice.availability.available:
        raise CheckoutError(choice.availability.reason)
    if not quote.nothing_to_pay:  # e.g. refuses a bad IBAN or signature on an e-check, clearly
        payment_checkout_check(method=request.payment_method, details=request.payment_details)
    if not request.accepted_terms:
        raise CheckoutError(
            _("Please accept the pre-information form and the distance sales contract.")
        )
    if priced.has_digital and not request.accepted_digital_waiver:
        raise CheckoutError(
            _("Please confirm that your right of withdrawal ends once the digital delivery starts.")
        )


def _use_coupon(check: object, *, user: User | None, email: str) -> Coupon | None:
    """Count one use of the cart's coupon under its row lock; refuse if it ran out meanwhile."""
    if not check.applies:
        return None
    coupon = Coupon.objects.select_for_update().get(pk=check.coupon.pk)
    if coupon.max_uses is not None and coupon.times_used >= coupon.max_uses:
        raise CouponRefused(_("This code has just been used up. Remove it to continue."))
    if coupon.max_uses_per_customer is not None:
        used = selectors.coupon_uses_by(coupon=coupon, user=user, email=email)
        if used >= coupon.max_uses_per_customer:
            raise CouponRefused(_("You have already used this code."))
    Coupon.objects.filter(pk=coupon.pk).update(times_used=F("times_used") + 1)
    return coupon


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


def _create_order(order: Order) -> Order:
    """Save with a fresh human-friendly number (DK-XXXX-XXXX), retrying the rare collision."""
    for _attempt in range(5):
        order.number = "DK-{}-{}".format(
            *("".join(secrets.choice(NUMBER_ALPHABET) for _ in range(4)) for _ in range(2))
        )
        try:
            with transaction.atomic():
                order.save(force_insert=True)
            return order
        except IntegrityError:
            if Order.objects.filter(checkout_token=order.checkout_token).exists():
                raise
            order.pk = None
    raise CheckoutError(_("Something went wrong; please try again."))


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
