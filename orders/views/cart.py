"""The cart: show it, add, change or remove a line, apply or remove a coupon.

Cart changes answer htmx requests with the refreshed cart fragment and everyone else with a
redirect, so every cart action works without JavaScript.
"""

from functools import cache, partial

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from catalog.recommendations import bought_together
from shop.exceptions import ShopError
from shop.ratelimit import attempt_count, attempts_exhausted

from .. import selectors, services
from ..cart_session import (
    current_cart,
    current_cart_with_lines,
    current_or_new_cart,
    remember_cart,
    signed_in_user,
)
from ..forms import CartAddForm, CouponForm, PointsForm, QuantityForm
from ..promise import Promise
from ..selectors.promises import default_promise
from .limits import visitor_limits
from .shipping import cart_shipping_box


def _cart_page(request: HttpRequest, *, status: int = 200) -> HttpResponse:
    cart, lines = current_cart_with_lines(request)
    user = signed_in_user(request)
    quote = (
        selectors.cart_quote(cart=cart, lines=lines, user=user, with_payment=False)
        if cart
        else None
    )
    shipping = cart_shipping_box(request, priced=quote.priced, user=user) if quote else None
    template = "orders/_cart.html" if request.htmx else "orders/cart.html"
    response = render(
        request,
        template,
        {
            "cart": cart,
            "quote": quote,
            "coupon_form": CouponForm(),
            "promise": _promise(quote),
            "shipping": shipping,
            # Read only by the full page's block (one query), never by the htmx cart fragment.
            "bought_together": cache(
                partial(bought_together, product_ids=[line.variant.product_id for line in lines])
            ),
        },
        status=status,
    )
    if cart is not None and quote is not None and any(s.price_changed for s in quote.priced.lines):
        services.cart_note_prices_seen(cart=cart)  # shown once; the next view is calm again
    return response


def _promise(quote: selectors.CheckoutQuote | None) -> Promise | None:
    """When the cart would arrive: with the method quoted, else the one checkout offers first;
    none while an item is not available or nothing ships."""
    if quote is None or not quote.priced.needs_shipping or quote.priced.has_problems:
        return None
    return quote.promise or default_promise()


def _after_change(request: HttpRequest, *, error: str = "", success: str = "") -> HttpResponse:
    remember_cart(request, current_cart(request))
    if error:
        messages.error(request, error)
    elif success:
        messages.success(request, success)
    if request.htmx:
        return _cart_page(request, status=200)
    return redirect("orders:cart")


def cart_detail(request: HttpRequest) -> HttpResponse:
    return _cart_page(request)


@require_POST
def cart_add(request: HttpRequest) -> HttpResponse:
    form = CartAddForm(request.POST)
    if not form.is_valid():
        messages.error(
            request,
            _("Choose a quantity between 1 and %(max)s.") % {"max": settings.CART_MAX_QUANTITY},
        )
        return redirect(request.headers.get("referer") or reverse("orders:cart"))
    cart = current_or_new_cart(request)
    try:
        line = services.cart_add(
            cart=cart,
            variant_id=form.cleaned_data["variant"],
            quantity=form.cleaned_data["quantity"],
        )
    except ShopError as error:
        messages.error(request, str(error))
        if request.htmx:
            return render(request, "orders/_added.html", {"ok": False})
        return redirect(request.headers.get("referer") or reverse("orders:cart"))
    remember_cart(request, cart)
    if request.htmx:
        return render(request, "orders/_added.html", {"ok": True, "line": line})
    messages.success(request, _("Added to your cart."))
    return redirect("orders:cart")


@require_POST
def cart_line_update(request: HttpRequest, line_id: int) -> HttpResponse:
    cart = current_cart(request)
    form = QuantityForm(request.POST)
    if cart is None or not form.is_valid():
        return _after_change(
            request,
            error=_("Enter a quantity between 0 and %(max)s.")
            % {"max": settings.CART_MAX_QUANTITY},
        )
    try:
        services.cart_set_quantity(
            cart=cart, line_id=line_id, quantity=form.cleaned_data["quantity"]
        )
    except ShopError as error:
        return _after_change(request, error=str(error))
    return _after_change(request, success=_("Your cart has been updated."))


@require_POST
def cart_line_remove(request: HttpRequest, line_id: int) -> HttpResponse:
    cart = current_cart(request)
    if cart is not None:
        try:
            services.cart_remove(cart=cart, line_id=line_id)
        except ShopError as error:
            return _after_change(request, error=str(error))
    return _after_change(request, success=_("The item has been removed."))


def _coupon_attempt_allowed(request: HttpRequest) -> bool:
    """At most COUPON_ATTEMPTS_PER_HOUR tries per visitor (session, and IP as a backstop)."""
    limits = visitor_limits(request, "coupon-tries", settings.COUPON_ATTEMPTS_PER_HOUR)
    if attempts_exhausted(limits):
        return False
    attempt_count(limits, window_seconds=3600)
    return True


@require_POST
def cart_coupon(request: HttpRequest) -> HttpResponse:
    cart = current_cart(request)
    form = CouponForm(request.POST)
    if cart is None or not form.is_valid():
        return _after_change(request, error=_("Enter a coupon code."))
    if not _coupon_attempt_allowed(request):
        return _after_change(
            request, error=_("Too many codes tried. Please wait an hour and try again.")
        )
    user = signed_in_user(request)
    try:
        services.cart_apply_coupon(
            cart=cart, code=form.cleaned_data["code"], user=user, email=user.email if user else ""
        )
    except ShopError as error:
        return _after_change(request, error=str(error))
    return _after_change(request, success=_("The code has been applied."))


@require_POST
def cart_coupon_remove(request: HttpRequest) -> HttpResponse:
    cart = current_cart(request)
    if cart is not None:
        try:
            services.cart_remove_coupon(cart=cart)
        except ShopError as error:
            return _after_change(request, error=str(error))
    return _after_change(request, success=_("The code has been removed."))


@require_POST
def cart_points(request: HttpRequest) -> HttpResponse:
    """Use so many loyalty points on the cart (0 or "remove" stops using them)."""
    cart = current_cart(request)
    if cart is None:
        return _after_change(request, error=_("Your cart is empty."))
    form = PointsForm(request.POST)
    removing = "remove" in request.POST
    if not removing and not form.is_valid():
        errors = form.errors.get("points") or [_("Enter a whole number of points.")]
        return _after_change(request, error=str(errors[0]))
    points = 0 if removing else form.cleaned_data["points"]
    try:
        services.cart_use_points(cart=cart, points=points, user=signed_in_user(request))
    except ShopError as error:
        return _after_change(request, error=str(error))
    if not points:
        return _after_change(request, success=_("Your points are no longer used on this cart."))
    return _after_change(request, success=_("Your points have been applied."))
