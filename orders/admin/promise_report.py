"""The delivery promise report at /admin/orders/promisereport/ (the proxy's changelist), for
staff with `orders.view_promisereport`: of the parcels delivered in a date range, how many
arrived by the day promised, in all, by carrier and by shipping method."""

from datetime import timedelta

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext

from shop.admin_safety import ReadOnlyAdminMixin
from shop.forms import ReportRangeForm

from ..models import PromiseReport
from ..selectors.promises import on_time_report

REPORT = "orders.view_promisereport"
DEFAULT_WEEKS = 4


@admin.register(PromiseReport)
class PromiseReportAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    def has_view_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return request.user.has_perm(REPORT)

    def get_urls(self) -> list:
        return [
            path(
                "",
                self.admin_site.admin_view(self.changelist_view),
                name="orders_promisereport_changelist",
            )
        ]

    def changelist_view(
        self, request: HttpRequest, extra_context: dict | None = None
    ) -> HttpResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied
        today = timezone.localdate()
        default = {"start": today - timedelta(weeks=DEFAULT_WEEKS), "end": today}
        form = ReportRangeForm(request.GET if "start" in request.GET else None, initial=default)
        chosen = form.cleaned_data if form.is_bound and form.is_valid() else default
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Delivery promise report"),
            "opts": self.model._meta,
            "form": form,
            "report": on_time_report(start=chosen["start"], end=chosen["end"]),
        }
        return TemplateResponse(request, "admin/orders/promise_report.html", context)
