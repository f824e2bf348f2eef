"""Fulfilment from the orders list and screen: the ship step (a carrier and a tracking number
per order), bulk steps, pick lists and packing slips; and the late-to-ship filter.

OrderAdmin takes these in through OrderFulfilmentMixin; every step goes through order_step or
order_ship, never by writing a status.
"""

from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shop.exceptions import ShopError

from .. import selectors, services
from ..models import Carrier, Order
from ..states import OrderStatus


class LateToShipFilter(admin.SimpleListFilter):
    """Orders not shipped by the day they were promised to ship, and orders that will miss
    their delivery promise (the customer has been told), for staff to act on."""

    title = _("shipping")
    parameter_name = "late"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list:
        return [("yes", _("Late to ship")), ("promise", _("Will miss its delivery promise"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Order]) -> QuerySet[Order]:
        if self.value() == "promise":
            return queryset.filter(pk__in=selectors.orders_missing_promise().values("pk"))
        if self.value() != "yes":
            return queryset
        late = selectors.orders_late(now=timezone.now(), days=settings.ORDER_SHIP_WITHIN_DAYS)
        return queryset.filter(pk__in=late.values("pk"))


class OrderFulfilmentMixin:
    """The ship view and the bulk fulfilment actions of OrderAdmin."""

    def get_urls(self) -> list:
        view = self.admin_site.admin_view
        return [
            path("ship/", view(self.ship_view), name="orders_order_ship"),
            *super().get_urls(),
        ]

    def ship_view(self, request: HttpRequest) -> HttpResponse:
        """The ship step: a carrier and a tracking number per order, for one or many orders."""
        if not self.has_change_permission(request):
            raise PermissionDenied
        ids = [int(i) for i in request.GET.get("ids", "").split(",") if i.isdigit()]
        orders = list(Order.objects.filter(pk__in=ids).order_by("pk"))
        carriers = list(Carrier.objects.filter(is_active=True).order_by("name"))
        if request.method == "POST":
            shipped = 0
            for order in orders:
                carrier = next(
                    (c for c in carriers if str(c.pk) == request.POST.get(f"carrier-{order.pk}")),
                    None,
                )
                tracking = request.POST.get(f"tracking-{order.pk}", "")
                if carrier is None:
                    self.message_user(
                        request, f"{order.number}: {_('Choose a carrier.')}", messages.ERROR
                    )
                    continue
                try:
                    services.order_ship(
                        order=order, carrier=carrier, tracking_number=tracking, by=request.user
                    )
                    shipped += 1
                except ShopError as error:
                    self.message_user(request, f"{order.number}: {error}", messages.ERROR)
            if shipped:
                self.message_user(request, _("%(count)s orders shipped.") % {"count": shipped})
            if len(orders) == 1:
                return redirect("admin:orders_order_change", orders[0].pk)
            return redirect("admin:orders_order_changelist")
        context = {
            **self.admin_site.each_context(request),
            "title": _("Ship orders"),
            "orders": orders,
            "carriers": carriers,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/orders/order/ship.html", context)

    def _bulk_step(self, request: HttpRequest, queryset: QuerySet[Order], to: str) -> None:
        done = 0
        for order in queryset:
            try:
                services.order_step(order=order, to=to, by=request.user)
                done += 1
            except ShopError as error:
                self.message_user(request, f"{order.number}: {error}", messages.ERROR)
        if done:
            self.message_user(
                request,
                _("%(count)s orders are now “%(status)s”.")
                % {"count": done, "status": OrderStatus(to).label},
            )

    @admin.action(permissions=["change"], description=_("Start preparing the selected orders"))
    def start_preparing(self, request: HttpRequest, queryset: QuerySet[Order]) -> None:
        self._bulk_step(request, queryset, OrderStatus.PREPARING)

    @admin.action(permissions=["change"], description=_("Mark the selected orders packed"))
    def mark_packed(self, request: HttpRequest, queryset: QuerySet[Order]) -> None:
        self._bulk_step(request, queryset, OrderStatus.PACKED)

    @admin.action(permissions=["change"], description=_("Mark the selected orders delivered"))
    def mark_delivered(self, request: HttpRequest, queryset: QuerySet[Order]) -> None:
        self._bulk_step(request, queryset, OrderStatus.DELIVERED)

    @admin.action(
        permissions=["change"],
        description=_("Ship the selected orders (carrier and tracking number)"),
    )
    def ship_orders(self, request: HttpRequest, queryset: QuerySet[Order]) -> HttpResponse:
        ids = ",".join(str(pk) for pk in queryset.values_list("pk", flat=True))
        return redirect(reverse("admin:orders_order_ship") + f"?ids={ids}")

    @admin.action(permissions=["view"], description=_("Print a pick list for the selected orders"))
    def print_pick_list(self, request: HttpRequest, queryset: QuerySet[Order]) -> HttpResponse:
        order_ids = list(queryset.values_list("pk", flat=True))
        context = {
            **self.admin_site.each_context(request),
            "title": _("Pick list"),
            "rows": selectors.pick_list(order_ids=order_ids),
            "orders": list(queryset.order_by("pk").values_list("number", flat=True)),
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/orders/order/pick_list.html", context)

    @admin.action(
        permissions=["view"], description=_("Print packing slips for the selected orders")
    )
    def print_packing_slips(self, request: HttpRequest, queryset: QuerySet[Order]) -> HttpResponse:
        context = {
            **self.admin_site.each_context(request),
            "title": _("Packing slips"),
            "orders": queryset.order_by("pk").prefetch_related("lines"),
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/orders/order/packing_slips.html", context)
