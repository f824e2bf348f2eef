"""Paying an order that waits for payment by card: enter a card, finish 3-D Secure, retry."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from shop.exceptions import ShopError

from .. import services
from ..cart_session import signed_in_user
from .access import viewable_order


def order_pay(request: HttpRequest, number: str) -> HttpResponse:
    """Pay an order awaiting payment by card: enter a card, finish 3-D Secure, try another."""
    order = viewable_order(request, number)
    if not services.order_pays_in_browser(order=order):
        return redirect("orders:confirmation", number=number)
    if request.method == "POST":
        try:
            action = request.POST.get("action")
            if action == "check":
                step = services.order_card_check(order=order)
            elif action == "refused":
                # The bank refused the card in the browser: kept in the order's history.
                step = services.order_card_refused(
                    order=order,
                    setup_intent_id=request.POST.get("setup_intent", ""),
                    user=signed_in_user(request),
                )
                if step is None:
                    return redirect("orders:pay", number=number)
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
