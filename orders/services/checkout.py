"""Placing an order: one transaction that locks, re-checks, allocates and snapshots.

Lock order, the same in every transaction: the cart, then the coupon, then the prepaid balance
account or the tab (a method that pays from our own ledger), then the variants in primary-key
order (catalog.services.stock_allocate). No network call happens here; a card payment starts
after commit (`orders.services.paying.checkout_payment_start`), while the balance and the tab
pay inside this transaction, so such an order is confirmed at placement.

`order_place` is the door (the token, the cart's lock, a resubmit); its steps are in
`placement`.
"""

import re

from allauth.account.models import EmailAddress
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from shop.models import User

from .. import selectors
from ..exceptions import CartNotFound, CheckoutError, PricesChanged
from ..models import Cart, CartStatus, Order
from .placement import CheckoutRequest, place

__all__ = ["CheckoutRequest", "order_place", "parse_token", "user_has_verified_email"]

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
        if cart.status not in (CartStatus.OPEN, CartStatus.EXPRESS, CartStatus.AGENT):
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
            order = place(cart=cart, user=user, request=request)
    return order, True
