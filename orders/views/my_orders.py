"""My orders: the signed-in customer's orders, newest first, a page at a time."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .. import selectors


@login_required
def order_list(request: HttpRequest) -> HttpResponse:
    page = request.GET.get("page")
    pages = selectors.OrderListPages(
        user=request.user, page=page, per_page=settings.ORDERS_PER_PAGE
    )
    orders = Paginator(pages, settings.ORDERS_PER_PAGE).get_page(page)
    return render(request, "orders/order_list.html", {"orders": orders})
