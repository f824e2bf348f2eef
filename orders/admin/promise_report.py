"""The delivery promise report at /admin/orders/promisereport/ (the proxy's changelist), for
staff with `orders.view_promisereport`: of the parcels delivered in a date range, how many
arrived by the day promised, in all, by carrier and by shipping method."""

from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext

from shop.admin_safety import ProxyReportAdmin
from shop.forms import report_range

from ..models import PromiseReport
from ..selectors.promises import on_time_report

DEFAULT_WEEKS = 4


@admin.register(PromiseReport)
class PromiseReportAdmin(ProxyReportAdmin):
    permission = "orders.view_promisereport"

    def report_view(self, request: HttpRequest) -> HttpResponse:
        form, start, end = report_range(request, weeks=DEFAULT_WEEKS)
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Delivery promise report"),
            "opts": self.model._meta,
            "form": form,
            "report": on_time_report(start=start, end=end),
        }
        return TemplateResponse(request, "admin/orders/promise_report.html", context)
