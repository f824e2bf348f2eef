"""My orders: the signed-in customer's orders, newest first, a page at a time."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .. import selectors


@login_required
def order_list(request: HttpRequest) -> HttpResponse:
    paginator = Paginator(selectors.orders_of(user=request.user), settings.ORDERS_PER_PAGE)
    orders = paginator.get_page(request.GET.get("page"))
    return render(request, "orders/order_list.html", {"orders": orders})
