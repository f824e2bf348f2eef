"""The customer 360: one staff page per customer, at /admin/crm/customer/<user_id>/360/.

Its own permission (`crm.view_customer360`, on the `Customer` proxy); every opening is audited
by the service. The panels come from `crm.registry` (crm's own and those other apps register).
"""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ..customer360 import selectors, services
from ..models import Customer

PERMISSION = "crm.view_customer360"


@admin.register(Customer)
class CustomerAdmin(admin.ModelAdmin):
    """Customers found by name, email or phone, each linking to its 360; read-only (customers
    are edited on the user screen). Needs the 360's permission, like the page itself."""

    list_display = ["email", "first_name", "last_name", "phone", "date_joined", "open_360"]
    search_fields = ["email", "first_name", "last_name", "phone"]
    list_filter = ["is_active"]
    ordering = ["-date_joined"]
    actions = None
    show_full_result_count = False

    def get_queryset(self, request: HttpRequest) -> QuerySet[Customer]:
        return super().get_queryset(request).filter(is_staff=False)

    @admin.display(description=_("Customer 360"))
    def open_360(self, customer: Customer) -> str:
        url = reverse("admin:crm_customer360", args=[customer.pk])
        return format_html('<a href="{}">{}</a>', url, gettext("Customer 360"))

    def has_view_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return request.user.has_perm(PERMISSION)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm(PERMISSION)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def get_urls(self) -> list:
        view = self.admin_site.admin_view(self.customer360_view)
        return [path("<int:user_id>/360/", view, name="crm_customer360"), *super().get_urls()]

    def customer360_view(self, request: HttpRequest, user_id: int) -> HttpResponse:
        if not request.user.has_perm(PERMISSION):
            raise PermissionDenied
        customer = selectors.customer_for_360(user_id=user_id)
        if customer is None:
            raise Http404
        services.customer360_record_view(customer=customer, by=request.user)
        page = selectors.customer360(customer=customer, viewer=request.user)
        name = customer.get_full_name() or customer.email
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Customer 360: %(name)s") % {"name": name},
            "subtitle": None,
            "opts": self.model._meta,
            "page": page,
            "customer": customer,
        }
        return TemplateResponse(request, "admin/crm/customer360.html", context)
