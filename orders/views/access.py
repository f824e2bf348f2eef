"""Who may see an order's pages: its customer, or a guest who placed it or holds a signed link."""

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext as _

from shop.ratelimit import attempt_count, attempts_exhausted

from .. import selectors
from ..cart_session import guest_orders, remember_guest_order, signed_in_user
from ..links import order_link_valid
from .limits import visitor_limits


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


def guest_order_lookup(
    request: HttpRequest, *, number: str, email: str, scope: str = "track-tries"
) -> tuple[object | None, str, int]:
    """The order a guest names by number and email, counted against the visitor's tries
    (ORDER_TRACK_ATTEMPTS_PER_HOUR under `scope`): (order, "", 200), or (None, the message,
    429 or 404); a wrong pair answers like an unknown order."""
    limits = visitor_limits(request, scope, settings.ORDER_TRACK_ATTEMPTS_PER_HOUR)
    if attempts_exhausted(limits):
        return None, _("Too many tries. Please wait an hour and try again."), 429
    attempt_count(limits, window_seconds=3600)
    order = selectors.order_tracked(number=number, email=email)
    if order is None:
        return None, _("We could not find an order with this number and email address."), 404
    return order, "", 200
