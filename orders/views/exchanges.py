"""Exchanges from the order's page: another size or colour instead, within the period."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from shop.exceptions import ShopError
from shop.money import format_money

from .. import selectors, services
from ..cart_session import remember_guest_order, signed_in_user
from ..forms import ExchangeForm
from ..states import OrderStatus
from .access import viewable_order
from .order_page import OrderPage


def order_exchange(request: HttpRequest, number: str) -> HttpResponse:
    """Pick, per item, the variant wanted instead; the return code and the replacement order
    come at once. Another customer's order is a 404 (viewable_order)."""
    order = viewable_order(request, number, full=True)
    page = OrderPage(order)
    offers = selectors.exchange_offers(returnable=page.returnable) if page.withdrawal_open else []
    if not offers:
        messages.error(
            request,
            _(
                "Nothing in this order can be exchanged now: the withdrawal period is over, or it "
                "comes in no other size or colour."
            ),
        )
        return redirect("orders:confirmation", number=number)
    form = ExchangeForm(request.POST if request.method == "POST" else None, offers=offers)
    if request.method == "POST" and form.is_valid():
        try:
            order_return = services.exchange_request(
                order=order,
                items=form.items(),
                reason_code=form.cleaned_data["reason_code"],
                key=form.cleaned_data["key"],
                by=signed_in_user(request),
            )
        except ShopError as error:
            form.add_error(None, str(error))
        else:
            replacement = order_return.replacement
            if signed_in_user(request) is None:
                remember_guest_order(request, replacement.number)  # a guest may open it too
            messages.success(
                request,
                _(
                    "Your return code is %(code)s: write it on the parcel. Your new items are "
                    "order %(number)s."
                )
                % {"code": order_return.number, "number": replacement.number},
            )
            if replacement.status == OrderStatus.PENDING_PAYMENT:
                messages.info(
                    request,
                    _(
                        "Pay the difference of %(amount)s to have them sent: we have sent you the "
                        "link too."
                    )
                    % {"amount": format_money(replacement.total, replacement.currency)},
                )
            return redirect("orders:confirmation", number=replacement.number)
    return render(
        request,
        "orders/exchange_form.html",
        {"order": order, "page": page, "form": form},
        status=400 if form.errors else 200,
    )
