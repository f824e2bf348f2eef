"""My orders: the signed-in customer's orders, newest first, a page at a time."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from .. import selectors


@login_required
def order_list(request: HttpRequest) -> HttpResponse:
    page = request.GET.get("page")
    pages = selectors.OrderListPages(
        user=request.user, page=page, per_page=settings.ORDERS_PER_PAGE
    )
    orders = Paginator(pages, settings.ORDERS_PER_PAGE).get_page(page)
    # The list is kept rendered by the worker ({% chrome %}) under all it shows: the rows, the
    # page and the time zone the dates are written in (the language is in every chrome key).
    shown = (
        timezone.get_current_timezone_name(),
        orders.number,
        orders.paginator.num_pages,
        *(
            (
                o.number,
                o.placed_at,
                o.status,
                o.item_count,
                o.total,
                o.currency,
                o.promised_from,
                o.expected_by,
            )
            for o in orders
        ),
    )
    return render(request, "orders/order_list.html", {"orders": orders, "shown": shown})
