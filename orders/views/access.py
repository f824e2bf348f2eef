"""Who may see an order's pages: its customer, or a guest who placed it or holds a signed link."""

from django.http import HttpRequest

from .. import selectors
from ..cart_session import guest_orders, remember_guest_order, signed_in_user
from ..links import order_link_valid


def viewable_order(request: HttpRequest, number: str, *, full: bool = False):
    """The order, if this visitor may see it (a signed link lets a guest in); else 404."""
    token = request.GET.get("t", "")
    if token and signed_in_user(request) is None and order_link_valid(token=token, number=number):
        remember_guest_order(request, number)
    return selectors.order_for_viewer(
        number=number, user=signed_in_user(request), guest_numbers=guest_orders(request), full=full
    )
