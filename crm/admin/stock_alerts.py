"""Back in stock's staff screen: the requests per variant, oldest first, filtered by state;
read-only; an action cancels requests through the service."""

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from crm.journeys.back_in_stock.services import stock_alerts_cancel_by_staff
from crm.models import StockAlert
from crm.models.stock_alerts import OPEN, WAITING


class StateFilter(admin.SimpleListFilter):
    title = gettext_lazy("state")
    parameter_name = "state"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list:
        return [
            ("waiting", gettext_lazy("Waiting for stock")),
            ("unconfirmed", gettext_lazy("Not confirmed yet")),
            ("notified", gettext_lazy("Told")),
            ("cancelled", gettext_lazy("Cancelled")),
        ]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        match self.value():
            case "waiting":
                return queryset.filter(WAITING)
            case "unconfirmed":
                return queryset.filter(OPEN, confirmed_at__isnull=True)
            case "notified":
                return queryset.filter(notified_at__isnull=False)
            case "cancelled":
                return queryset.filter(cancelled_at__isnull=False)
        return queryset


@admin.register(StockAlert)
class StockAlertAdmin(admin.ModelAdmin):
    list_display = ["variant", "email", "user", "state_shown", "created_at", "notified_at"]
    list_filter = [StateFilter]
    list_select_related = ["variant", "user"]
    search_fields = ["email", "variant__sku"]
    ordering = ["variant", "created_at", "pk"]  # each variant's queue, oldest first
    date_hierarchy = "created_at"
    actions = ["cancel_selected"]
    fields = [
        "variant", "user", "email", "language", "created_at", "confirmed_at", "notified_at",
        "cancelled_at",
    ]  # fmt: skip

    @admin.display(description=gettext_lazy("state"))
    def state_shown(self, alert: StockAlert) -> str:
        return {
            "waiting": _("Waiting for stock"),
            "unconfirmed": _("Not confirmed yet"),
            "notified": _("Told"),
            "cancelled": _("Cancelled"),
        }[alert.state]

    @admin.action(description=gettext_lazy("Cancel the selected requests"), permissions=["cancel"])
    def cancel_selected(self, request: HttpRequest, queryset: QuerySet) -> None:
        count = stock_alerts_cancel_by_staff(
            alert_ids=list(queryset.values_list("pk", flat=True)), staff=request.user
        )
        messages.success(request, _("%(count)s requests cancelled.") % {"count": count})

    def has_cancel_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("crm.delete_stockalert")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False  # a request is cancelled (kept, audited), never deleted by hand

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
