"""Returns from the order's page: ask for a return, and say where a cash refund goes."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from payments import services as payment_services
from shop.exceptions import ShopError

from .. import selectors, services
from ..cart_session import signed_in_user
from ..forms import RefundAccountForm, ReturnForm
from .access import viewable_order
from .order_page import OrderPage


def order_return(request: HttpRequest, number: str) -> HttpResponse:
    """Pick what comes back and how many: a withdrawal within the period, a claim after it."""
    order = viewable_order(request, number, full=True)
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
                reason_code=form.cleaned_data.get("reason_code") or "",
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
    order = viewable_order(request, number, full=True)
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
