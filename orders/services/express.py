"""One-click buying: "buy now" on a product and "buy again" on a past order.

Each makes a separate express cart (the customer's open cart is left alone) that is placed
through `order_place` like every order, from one confirmation page, and paid with the default
saved card (the wallet). An earlier express cart never placed is dropped.
"""

from django.db import transaction
from django.utils.translation import gettext as _

from catalog.models import Variant
from shop.models import User

from ..exceptions import CartError
from ..models import Cart, CartLine, CartStatus, Order
from .cart import _check_quantity


def express_cart_create(*, user: User, items: list[tuple[int, int]]) -> Cart:
    """A new express cart holding (variant id, quantity) items, each checked against stock."""
    if not items:
        raise CartError(_("There is nothing to buy."))
    with transaction.atomic():
        Cart.objects.filter(user=user, status=CartStatus.EXPRESS).delete()
        cart = Cart.objects.create(user=user, status=CartStatus.EXPRESS)
        variants = Variant.objects.select_related("product").in_bulk([pk for pk, _q in items])
        for variant_id, quantity in items:
            variant = variants.get(variant_id)
            if variant is None:
                raise CartError(_("This product is no longer sold."))
            _check_quantity(variant, quantity)
            CartLine.objects.create(
                cart=cart, variant=variant, quantity=quantity, seen_price=variant.current_price()
            )
    return cart


def express_cart_from_order(*, user: User, order: Order) -> Cart:
    """ "Buy again": the same items and quantities as a past order, at today's prices."""
    return express_cart_create(
        user=user, items=[(line.variant_id, line.quantity) for line in order.lines.all()]
    )
