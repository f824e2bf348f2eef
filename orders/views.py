"""Orders pages: address book, cart, one-page checkout, confirmation and "My orders".

Thin: read the request, call one service, turn a domain error into a message, redirect.
Cart changes answer htmx requests with the refreshed cart fragment and everyone else with a
redirect, so every cart action works without JavaScript.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from payments import services as payment_services
from shop.exceptions import ShopError
from shop.net import client_ip
from shop.ratelimit import Limit, attempt_count, attempts_exhausted

from . import selectors, services
from .cart_session import (
    CART_SESSION_KEY,
    current_cart,
    current_cart_with_lines,
    current_or_new_cart,
    forget_cart,
    guest_orders,
    remember_cart,
    remember_guest_order,
    remember_just_placed,
    signed_in_user,
    take_just_placed,
)
from .checkout_page import CheckoutPage
from .exceptions import CartNotFound, PricesChanged
from .forms import (
    AddressForm,
    CartAddForm,
    CouponForm,
    QuantityForm,
    RefundAccountForm,
    ReturnForm,
    TrackForm,
)
from .invoice_pdf import credit_note_pdf, invoice_pdf
from .links import download_link_id, order_link_valid
from .models import Address
from .order_page import OrderPage


@login_required
def address_list(request: HttpRequest) -> HttpResponse:
    addresses = selectors.addresses_of(user=request.user)
    return render(request, "orders/address_list.html", {"addresses": addresses})


@login_required
def address_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    address = selectors.address_of(user=request.user, pk=pk) if pk else Address(user=request.user)
    form = AddressForm(request.POST or None, instance=address)
    if request.method == "POST" and form.is_valid():
        services.address_save(
            address=form.instance,
            default_shipping=form.cleaned_data["default_shipping"],
            default_billing=form.cleaned_data["default_billing"],
        )
        messages.success(request, _("The address has been saved."))
        return redirect("orders:address_list")
    return render(request, "orders/address_form.html", {"form": form, "address": address})


@login_required
@require_POST
def address_delete(request: HttpRequest, pk: int) -> HttpResponse:
    services.address_delete(address=selectors.address_of(user=request.user, pk=pk))
    messages.success(request, _("The address has been deleted."))
    return redirect("orders:address_list")


# --- Cart -------------------------------------------------------------------------------------


def _cart_page(request: HttpRequest, *, status: int = 200) -> HttpResponse:
    cart, lines = current_cart_with_lines(request)
    user = signed_in_user(request)
    quote = (
        selectors.cart_quote(cart=cart, lines=lines, user=user, with_payment=False)
        if cart
        else None
    )
    template = "orders/_cart.html" if request.htmx else "orders/cart.html"
    response = render(
        request,
        template,
        {"cart": cart, "quote": quote, "coupon_form": CouponForm()},
        status=status,
    )
    if cart is not None and quote is not None and any(s.price_changed for s in quote.priced.lines):
        services.cart_note_prices_seen(cart=cart)  # shown once; the next view is calm again
    return response


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


def _visitor_limits(request: HttpRequest, scope: str, per_session: int) -> list[Limit]:
    """Counters for one visitor: their session, and their address as a backstop (5×)."""
    if not request.session.session_key:
        request.session.save()
    return [
        (f"{scope}:s:{request.session.session_key}", per_session),
        (f"{scope}:ip:{client_ip(request)}", per_session * 5),
    ]


def _coupon_attempt_allowed(request: HttpRequest) -> bool:
    """At most COUPON_ATTEMPTS_PER_HOUR tries per visitor (session, and IP as a backstop)."""
    limits = _visitor_limits(request, "coupon-tries", settings.COUPON_ATTEMPTS_PER_HOUR)
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


# --- Checkout ---------------------------------------------------------------------------------


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


def _placed(request: HttpRequest, order, *, pay_in_browser: bool = False) -> HttpResponse:
    forget_cart(request)
    remember_just_placed(request, order.number)
    if order.user_id is None:
        remember_guest_order(request, order.number)
    if pay_in_browser or services.order_pays_in_browser(order=order):
        return redirect("orders:pay", number=order.number)
    return redirect("orders:confirmation", number=order.number)


def checkout(request: HttpRequest) -> HttpResponse:
    if request.method == "POST" and "token" in request.POST:
        # A resubmit after the cart was closed still finds the order it made.
        order = _resubmitted_order(request)
        if order is not None:
            return _placed(request, order)
    cart = current_cart(request)
    page = CheckoutPage(request, cart) if cart is not None else None
    if page is None or not page.lines:
        if request.method == "POST" and "token" in request.POST:
            # A double tap: the first submit committed its order (closing the cart) between
            # the check above and this one; the second lands on the order too.
            order = _resubmitted_order(request)
            if order is not None:
                return _placed(request, order)
        messages.info(request, _("Your cart is empty."))
        return redirect("orders:cart")
    error = ""
    placing = request.method == "POST" and request.POST.get("action") == "place"
    limits = _visitor_limits(request, "checkout-failures", settings.CHECKOUT_FAILURES_PER_HOUR)
    if placing and attempts_exhausted(limits):
        error = _("Too many attempts to place this order. Please wait an hour and try again.")
    elif placing and page.is_valid():
        try:
            order, created = services.order_place(request=page.checkout_request())
        except PricesChanged as problem:
            attempt_count(limits, window_seconds=3600)
            error = str(problem)
            page = CheckoutPage(request, cart)  # re-priced: show the new total
        except CartNotFound as problem:
            attempt_count(limits, window_seconds=3600)
            error = str(problem)
        except ShopError as problem:
            error = str(problem)
        else:
            if created:
                # On failure the order waits for payment; the confirmation page says so.
                start = services.checkout_payment_start(order=order)
                return _placed(request, order, pay_in_browser=start.needs_browser)
            return _placed(request, order)
    elif placing:
        error = _("Please correct the highlighted fields.")
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


def _viewable_order(request: HttpRequest, number: str, *, full: bool = False):
    """The order, if this visitor may see it (a signed link lets a guest in); else 404."""
    token = request.GET.get("t", "")
    if token and signed_in_user(request) is None and order_link_valid(token=token, number=number):
        remember_guest_order(request, number)
    return selectors.order_for_viewer(
        number=number, user=signed_in_user(request), guest_numbers=guest_orders(request), full=full
    )


def order_confirmation(request: HttpRequest, number: str) -> HttpResponse:
    """The order's page: thanks once after placing, then its live timeline, parcels and more."""
    order = _viewable_order(request, number, full=True)
    page = OrderPage(order)
    if request.htmx:
        return render(request, "orders/_order_live.html", {"order": order, "page": page})
    just_placed = take_just_placed(request, number)
    return render(
        request,
        "orders/confirmation.html",
        {"order": order, "page": page, "just_placed": just_placed},
    )


@require_POST
def order_cancel(request: HttpRequest, number: str) -> HttpResponse:
    order = _viewable_order(request, number)
    try:
        services.order_cancel_by_customer(order=order, by=signed_in_user(request))
    except ShopError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Your order has been cancelled."))
    return redirect("orders:confirmation", number=number)


def order_invoice(request: HttpRequest, number: str) -> HttpResponse:
    order = _viewable_order(request, number)
    invoice = selectors.invoice_of(order=order)
    response = HttpResponse(invoice_pdf(invoice=invoice), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{invoice.number}.pdf"'
    return response


def order_return(request: HttpRequest, number: str) -> HttpResponse:
    """Pick what comes back and how many: a withdrawal within the period, a claim after it."""
    order = _viewable_order(request, number, full=True)
    page = OrderPage(order)
    if not page.can_return:
        messages.error(request, _("Nothing in this order can be returned now."))
        return redirect("orders:confirmation", number=number)
    form = ReturnForm(
        request.POST if request.method == "POST" else None,
        returnable=page.returnable,
        needs_reason=not page.withdrawal_open,
        refund_choice=selectors.order_refund_by_transfer(order=order),
        store_credit=order.user_id is not None,
    )
    if request.method == "POST" and form.is_valid():
        try:
            order_return = services.return_request(
                order=order,
                quantities=form.quantities(),
                reason=form.cleaned_data.get("reason") or "",
                by=signed_in_user(request),
                **form.refund_destination(),
            )
        except ShopError as error:
            form.add_error(None, str(error))
        else:
            if order_return.code_issued:
                messages.success(
                    request,
                    _("Your return code is %(code)s. Write it on the parcel.")
                    % {"code": order_return.number},
                )
            else:
                messages.success(request, _("We have received your claim and will answer soon."))
            return redirect("orders:confirmation", number=number)
    return render(
        request,
        "orders/return_form.html",
        {"order": order, "page": page, "form": form},
        status=400 if form.errors else 200,
    )


@require_POST
def order_refund_account(request: HttpRequest, number: str, refund_id: int) -> HttpResponse:
    """The customer says where a cash refund waiting for an account goes: their bank account
    (staff then pay it out) or store credit (paid at once). Another order's refund is a 404."""
    order = _viewable_order(request, number, full=True)
    refund = selectors.order_refund_of(order=order, refund_id=refund_id)
    form = RefundAccountForm(
        request.POST, refund_id=refund.pk, store_credit=order.user_id is not None
    )
    if form.is_valid():
        try:
            refund = payment_services.refund_account_give(
                refund=refund, by=signed_in_user(request), **form.destination()
            )
        except ShopError as error:
            refund.refresh_from_db()
            if not payment_services.refund_account_needed(refund=refund):
                # Answered already (a second click), or paid meanwhile: nothing changed.
                messages.error(request, str(error))
                return redirect("orders:confirmation", number=number)
            form.add_error(None, str(error))
        else:
            if refund.status == refund.Status.SUCCEEDED:
                messages.success(request, _("Done: the refund is in your store credit."))
            else:
                messages.success(
                    request,
                    _("Thank you: we will send the refund to the account ending %(last4)s.")
                    % {"last4": refund.account.account_last4},
                )
            return redirect("orders:confirmation", number=number)
    return render(
        request,
        "orders/confirmation.html",
        {"order": order, "page": OrderPage(order, refund_form=form), "just_placed": False},
        status=400,
    )


def order_credit_note(request: HttpRequest, number: str, credit_number: str) -> HttpResponse:
    order = _viewable_order(request, number)
    note = selectors.credit_note_of(order=order, number=credit_number)
    response = HttpResponse(credit_note_pdf(note=note), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{note.number}.pdf"'
    return response


def order_download(request: HttpRequest, number: str, token: str) -> HttpResponse:
    """Stream a digital file: the storage path never reaches the browser."""
    order = _viewable_order(request, number)
    link_id = download_link_id(token)
    link = services.download_claim(link_id=link_id, order=order) if link_id else None
    if link is None:
        return render(request, "orders/download_gone.html", {"order": order}, status=410)
    handle = link.file.file.open("rb")
    filename = link.file.file.name.rsplit("/", 1)[-1]
    return FileResponse(handle, as_attachment=True, filename=filename)


def order_track(request: HttpRequest) -> HttpResponse:
    """Guest tracking by order number and email; a wrong pair answers like an unknown order."""
    form = TrackForm(request.POST or None)
    order, error, status = None, "", 200
    if request.method == "POST" and form.is_valid():
        limits = _visitor_limits(request, "track-tries", settings.ORDER_TRACK_ATTEMPTS_PER_HOUR)
        if attempts_exhausted(limits):
            error, status = _("Too many tries. Please wait an hour and try again."), 429
        else:
            attempt_count(limits, window_seconds=3600)
            order = selectors.order_tracked(
                number=form.cleaned_data["number"], email=form.cleaned_data["email"]
            )
            if order is None:
                error, status = (
                    _("We could not find an order with this number and email address."),
                    404,
                )
    return render(
        request,
        "orders/track.html",
        {"form": form, "order": order, "error": error, "page": order and OrderPage(order)},
        status=status,
    )


def order_pay(request: HttpRequest, number: str) -> HttpResponse:
    """Pay an order awaiting payment by card: enter a card, finish 3-D Secure, try another."""
    order = _viewable_order(request, number)
    if not services.order_pays_in_browser(order=order):
        return redirect("orders:confirmation", number=number)
    if request.method == "POST":
        try:
            if request.POST.get("action") == "check":
                step = services.order_card_check(order=order)
            else:
                step = services.order_card_pay(
                    order=order,
                    setup_intent_id=request.POST.get("setup_intent", ""),
                    user=signed_in_user(request),
                )
        except ShopError as error:
            messages.error(request, str(error))
            return redirect("orders:pay", number=number)
        if step.accepted:
            messages.success(request, _("Thank you: your payment has been received."))
            return redirect("orders:confirmation", number=number)
        if step.problem:
            messages.error(request, step.problem)
        return redirect("orders:pay", number=number)
    try:
        form, error = services.order_card_form(order=order, user=signed_in_user(request)), ""
    except ShopError as problem:
        form, error = None, str(problem)
    return render(
        request,
        "orders/pay.html",
        {"order": order, "form": form, "error": error},
        status=503 if error else 200,
    )


@login_required
def order_list(request: HttpRequest) -> HttpResponse:
    paginator = Paginator(selectors.orders_of(user=request.user), settings.ORDERS_PER_PAGE)
    orders = paginator.get_page(request.GET.get("page"))
    return render(request, "orders/order_list.html", {"orders": orders})
