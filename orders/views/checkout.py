"""The one-page checkout: price the cart for the current choices, place the order once.

Thin: read the request, call one service, turn a domain error into a message, redirect.
"""

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from shop.exceptions import ShopError
from shop.ratelimit import Limit, attempt_count, attempts_exhausted

from .. import selectors, services
from ..cart_session import (
    CART_SESSION_KEY,
    current_cart,
    forget_cart,
    guest_orders,
    remember_guest_order,
    remember_just_placed,
    signed_in_user,
)
from ..exceptions import CartNotFound, PricesChanged
from .checkout_page import CheckoutPage
from .limits import visitor_limits


def _resubmitted_order(request: HttpRequest):
    """The order a resubmitted checkout form already made, if this visitor made it.

    A double tap can arrive before the first request has saved the session, so a guest's
    resubmit is recognised by the cart id still in the session as well as by the order list.
    """
    token = request.POST.get("token", "")
    try:
        cart_id, _version = services.checkout.parse_token(token)
    except ShopError:
        return None
    order = selectors.order_by_token(token=token)
    if order is None:
        return None
    user = signed_in_user(request)
    if user is not None:
        return order if order.user_id == user.pk else None
    owned = order.number in guest_orders(request) or cart_id == request.session.get(
        CART_SESSION_KEY
    )
    return order if order.user_id is None and owned else None


def _placed(request: HttpRequest, order, *, pay_in_browser: bool | None = None) -> HttpResponse:
    """On to the order's payment page or its confirmation; `pay_in_browser` as the payment's
    start found it, else (a resubmit) asked of the order."""
    forget_cart(request)
    remember_just_placed(request, order.number)
    if order.user_id is None:
        remember_guest_order(request, order.number)
    if pay_in_browser is None:
        pay_in_browser = services.order_pays_in_browser(order=order)
    if pay_in_browser:
        return redirect("orders:pay", number=order.number)
    return redirect("orders:confirmation", number=order.number)


def checkout(request: HttpRequest) -> HttpResponse:
    resubmit = request.method == "POST" and "token" in request.POST
    # A resubmit after the cart was closed still finds the order it made.
    order = _resubmitted_order(request) if resubmit else None
    if order is not None:
        return _placed(request, order)
    cart = current_cart(request)
    page = CheckoutPage(request, cart) if cart is not None else None
    if page is None or not page.lines:
        # A double tap: the first submit committed its order (closing the cart) between the
        # check above and this one; the second lands on the order too.
        order = _resubmitted_order(request) if resubmit else None
        if order is not None:
            return _placed(request, order)
        messages.info(request, _("Your cart is empty."))
        return redirect("orders:cart")
    placing = request.method == "POST" and request.POST.get("action") == "place"
    limits = visitor_limits(request, "checkout-failures", settings.CHECKOUT_FAILURES_PER_HOUR)
    error = ""
    if placing:
        placed, error, page = _place(request, cart, page, limits)
        if placed is not None:
            return placed
    return _checkout_page(request, page, error=error, placing=placing)


def _place(
    request: HttpRequest, cart, page: CheckoutPage, limits: list[Limit]
) -> tuple[HttpResponse | None, str, CheckoutPage]:
    """Place the order the page describes and start paying it: (the redirect, "", page), or
    (None, why not, the page to show again)."""
    if attempts_exhausted(limits):
        error = _("Too many attempts to place this order. Please wait an hour and try again.")
        return None, error, page
    if not page.is_valid():
        return None, _("Please correct the highlighted fields."), page
    checkout_request = page.checkout_request()  # the payment method is resolved here, once
    try:
        order, created = services.order_place(request=checkout_request)
    except PricesChanged as problem:
        attempt_count(limits, window_seconds=3600)
        return None, str(problem), CheckoutPage(request, cart)  # re-priced: the new total
    except CartNotFound as problem:
        attempt_count(limits, window_seconds=3600)
        return None, str(problem), page
    except ShopError as problem:
        return None, str(problem), page
    if not created:
        return _placed(request, order), "", page
    # On failure the order waits for payment; the confirmation page says so.
    start = services.checkout_payment_start(order=order, payment=checkout_request.payment)
    return _placed(request, order, pay_in_browser=start.pays_in_browser), "", page


def _checkout_page(
    request: HttpRequest, page: CheckoutPage, *, error: str, placing: bool
) -> HttpResponse:
    user = signed_in_user(request)
    verified = user is None or services.checkout.user_has_verified_email(user)
    template = "orders/_checkout_live.html" if request.htmx else "orders/checkout.html"
    return render(
        request,
        template,
        {
            "page": page,
            "form": page.form,
            "quote": page.quote,
            "priced": page.priced,
            "documents": page.documents(),
            "error": error,
            "email_verified": verified,
            "show_errors": placing,
        },
        status=400 if error else 200,
    )
