"""An order's number (DK-XXXX-XXXX, shop.numbers), given when its row is first written."""

from django.utils.translation import gettext as _

from shop.numbers import insert_with_number

from ..exceptions import CheckoutError
from ..models import Order


def order_save_with_number(order: Order) -> Order:
    """Insert the order under a fresh number, retrying the rare collision; a second order for
    the same checkout token (a double submit) is not retried but raised."""
    saved = insert_with_number(
        order,
        prefix="DK",
        other_conflict=lambda: Order.objects.filter(checkout_token=order.checkout_token).exists(),
    )
    if not saved:
        raise CheckoutError(_("Something went wrong; please try again."))
    return order
