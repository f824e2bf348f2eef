"""The order's page (its live timeline, parcels, returns and documents), cancelling it, and
guest tracking by order number and email."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shop.exceptions import ShopError
from shop.kept import Kept

from .. import services
from ..cart_session import remember_guest_order, signed_in_user, take_just_placed
from ..forms import TrackForm
from .access import guest_order_lookup, viewable_order
from .order_page import OrderPage

# (order version, language, time zone, path, which downloads are usable) -> the live part
LIVE_PARTS = Kept(256)  # some kB each, per worker


def _live_part(request: HttpRequest, order, page: OrderPage) -> str:
    """The page's live part (timeline, parcels, returns, downloads: what htmx refreshes), kept
    while nothing it shows changed: the order's version covers its rows; the clock moves only
    whether a download link is still usable."""
    key = (
        page.kept_version,
        get_language(),
        page.time_zone,
        request.path,
        tuple(download.usable for download in page.downloads),
    )
    return LIVE_PARTS.get_or_load(
        key,
        lambda: render_to_string(
            "orders/_order_live.html", {"order": order, "page": page}, request=request
        ),
    )


def order_confirmation(request: HttpRequest, number: str) -> HttpResponse:
    """The order's page: thanks once after placing, then its live timeline, parcels and more."""
    order = viewable_order(request, number, kept=True)
    page = OrderPage(order)
    live = _live_part(request, order, page)
    if request.htmx:
        return HttpResponse(live)
    just_placed = take_just_placed(request, number)
    return render(
        request,
        "orders/confirmation.html",
        {"order": order, "page": page, "just_placed": just_placed, "live": live},
    )


@require_POST
def order_cancel(request: HttpRequest, number: str) -> HttpResponse:
    order = viewable_order(request, number)
    try:
        services.order_cancel_by_customer(order=order, by=signed_in_user(request))
    except ShopError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Your order has been cancelled."))
    return redirect("orders:confirmation", number=number)


def order_track(request: HttpRequest) -> HttpResponse:
    """Guest tracking by order number and email; a wrong pair answers like an unknown order.

    `?number=` (the "Track your order" link of a guest's message or the order page) fills in
    the number, so the guest types only the email; it looks nothing up by itself."""
    form = TrackForm(request.POST or None, initial=TrackForm.prefill(request.GET))
    order, error, status = None, "", 200
    if request.method == "POST" and form.is_valid():
        order, error, status = guest_order_lookup(
            request, number=form.cleaned_data["number"], email=form.cleaned_data["email"]
        )
    # The assistant may be asked about a guest's order found here (the number and email are
    # the same proof as a signed link): this browser may see it from now on.
    user = signed_in_user(request)
    can_ask = order is not None and (
        order.user_id is None if user is None else order.user_id in (None, user.pk)
    )
    if can_ask and order.user_id is None:
        remember_guest_order(request, order.number)
    return render(
        request,
        "orders/track.html",
        {
            "form": form,
            "order": order,
            "error": error,
            "page": order and OrderPage(order),
            "can_ask": can_ask,
        },
        status=status,
    )
