"""The analytics dashboard at /admin/crm/dashboard/ (`crm.view_analytics`): every registered
panel for the chosen period, each panel's tables as CSV (`?csv=<panel>:<table>`)."""

import csv
from datetime import date
from decimal import Decimal

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext

from catalog.spreadsheets import cell_escape
from shop.admin_safety import ReadOnlyAdminMixin

from ..analytics.forms import dashboard_period
from ..analytics.panels import SECTIONS, Panel, Period, Table, panel_named, registered_panels
from ..analytics.rollups import rollup_version
from ..analytics.selectors import panel_data
from ..models import Dashboard

VIEW = "crm.view_analytics"


def _allowed(request: HttpRequest, panel: Panel) -> bool:
    return not panel.permission or request.user.has_perm(panel.permission)


def _csv_value(value: object) -> object:
    """A blank for None, dates in ISO form, amounts exact; a text a spreadsheet would run as a
    formula (a customer's email or name) gets the catalog export's quote before it."""
    if value is None:
        return ""
    if isinstance(value, str):
        return cell_escape(value)
    if isinstance(value, Decimal | date):
        return value.isoformat() if isinstance(value, date) else str(value)
    return value


def table_csv(table: Table, filename: str) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")  # so spreadsheet programs read the Turkish letters right
    writer = csv.writer(response)
    writer.writerow([str(column.label) for column in table.columns])
    for row in table.rows:
        writer.writerow([_csv_value(row.get(column.key)) for column in table.columns])
    return response


@admin.register(Dashboard)
class DashboardAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    def has_module_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm(VIEW)

    def has_view_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return request.user.has_perm(VIEW)

    def get_urls(self) -> list:
        wrap = self.admin_site.admin_view
        return [path("", wrap(self.dashboard_view), name="crm_dashboard_changelist")]

    def dashboard_view(self, request: HttpRequest) -> HttpResponse:
        if not request.user.has_perm(VIEW):
            raise PermissionDenied
        form, period = dashboard_period(request.GET, today=timezone.localdate())
        if "csv" in request.GET:
            return self._csv(request, period)
        version = rollup_version()
        panels: dict[str, list] = {name: [] for name, _title in SECTIONS}
        for panel in registered_panels():
            if _allowed(request, panel):
                panels[panel.section].append((panel, panel_data(panel, period, version=version)))
        query = request.GET.copy()
        query.pop("csv", None)
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Analytics dashboard"),
            "opts": self.model._meta,
            "form": form,
            "period": period,
            "sections": [(name, title, panels[name]) for name, title in SECTIONS if panels[name]],
            "query": query.urlencode(),
        }
        return TemplateResponse(request, "admin/crm/analytics/dashboard.html", context)

    def _csv(self, request: HttpRequest, period: Period) -> HttpResponse:
        panel_name, _sep, table_name = request.GET["csv"].partition(":")
        panel = panel_named(panel_name)
        if panel is None or not _allowed(request, panel):
            raise Http404
        table = panel_data(panel, period).table(table_name)
        if table is None:
            raise Http404
        filename = f"{panel.name}-{table.name}-{period.start}-{period.end}.csv"
        return table_csv(table, filename)
