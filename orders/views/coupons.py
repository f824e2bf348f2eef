"""My coupons: the personal codes the shop gave the signed-in customer, ready to use."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .. import selectors


@login_required
def my_coupons(request: HttpRequest) -> HttpResponse:
    """The customer's coupons that work now and are unused, each with a "use it" button."""
    coupons = selectors.personal_coupons(user=request.user)
    return render(request, "orders/my_coupons.html", {"coupons": coupons})
