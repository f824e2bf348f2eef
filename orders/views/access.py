"""Who may see an order's pages: its customer, or a guest who placed it or holds a signed link."""

from django.http import HttpRequest

from .. import selectors
from ..cart_session import guest_orders, remember_guest_order, signed_in_user
from ..links import order_link_valid


def viewable_order(request: HttpRequest, number: str, *, full: bool = False, kept: bool = False):
    """The order, if this visitor may see it (a signed link lets a guest in); else 404.

    `kept`: everything its page shows, as this worker keeps it (read-only, for showing)."""
    token = request.GET.get("t", "")
    if token and signed_in_user(request) is None and order_link_valid(token=token, number=number):
        remember_guest_order(request, number)
    user, guests = signed_in_user(request), guest_orders(request)
    if kept:
        return selectors.order_page_for_viewer(number=number, user=user, guest_numbers=guests)
    return selectors.order_for_viewer(number=number, user=user, guest_numbers=guests, full=full)
