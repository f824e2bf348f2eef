"""The complaint report at /admin/complaints/ticketreport/ (the proxy's changelist), for staff
with `complaints.view_ticketreport`: the figures of complaints/reports.py for a date range,
with bars (<meter>, no script) and each table as CSV (?csv=<table>)."""

import csv
from collections.abc import Callable, Iterable
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

from ..models import TicketReport
from ..reports import ComplaintReport, CsatRow, complaint_report

REPORT = "complaints.view_ticketreport"
DEFAULT_WEEKS = 12


def _count_rows(rows: Iterable) -> list[list]:
    return [[gettext("Name"), gettext("Complaints"), "%"]] + [
        [row.label, row.count, row.share] for row in rows
    ]


def _csat_rows(rows: Iterable[CsatRow]) -> list[list]:
    return [[gettext("Name"), gettext("Answers"), gettext("Average"), gettext("Satisfied %")]] + [
        [row.label, row.answers, row.average, row.satisfied] for row in rows
    ]


def _agent_rows(report: ComplaintReport) -> list[list]:
    head = [
        gettext("Agent"),
        gettext("Resolved"),
        gettext("First-contact resolution"),
        gettext("First-contact resolution %"),
        gettext("Satisfaction answers"),
        gettext("Average satisfaction"),
    ]
    return [head] + [
        [
            row.label,
            row.resolved,
            row.first_contact,
            row.first_contact_rate,
            row.csat.answers,
            row.csat.average,
        ]
        for row in report.agents
    ]


TABLES: dict[str, Callable[[ComplaintReport], list[list]]] = {
    "channel": lambda report: _count_rows(report.by_channel),
    "category": lambda report: _count_rows(report.by_category),
    "product": lambda report: _count_rows(report.by_product),
    "csat-agent": lambda report: _csat_rows(report.csat_by_agent),
    "csat-category": lambda report: _csat_rows(report.csat_by_category),
    "csat-product": lambda report: _csat_rows(report.csat_by_product),
    "agents": _agent_rows,
}


@admin.register(TicketReport)
class TicketReportAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    def has_view_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return request.user.has_perm(REPORT)

    def get_urls(self) -> list:
        return [
            path(
                "",
                self.admin_site.admin_view(self.changelist_view),
                name="complaints_ticketreport_changelist",
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
        report = complaint_report(start=chosen["start"], end=chosen["end"])
        table = request.GET.get("csv", "")
        if table in TABLES:
            return _csv(table, report)
        query = request.GET.copy()
        query.pop("csv", None)
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Complaint report"),
            "opts": self.model._meta,
            "form": form,
            "report": report,
            "query": query.urlencode(),
        }
        return TemplateResponse(request, "admin/complaints/report.html", context)


def _cell(value: object) -> object:
    """A blank for None; a text a spreadsheet would run as a formula is quoted."""
    if value is None:
        return ""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


def _csv(table: str, report: ComplaintReport) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    name = f"complaints-{table}-{report.start:%Y%m%d}-{report.end:%Y%m%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response.write("\ufeff")  # Excel reads UTF-8 (Turkish letters) with the byte-order mark
    writer = csv.writer(response)
    for row in TABLES[table](report):
        writer.writerow([_cell(value) for value in row])
    return response
