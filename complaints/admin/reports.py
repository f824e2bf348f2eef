"""The complaint report at /admin/complaints/ticketreport/ (the proxy's changelist), for staff
with `complaints.view_ticketreport`: the figures of complaints/reports.py for a date range,
with bars (<meter>, no script) and each table as CSV (?csv=<table>)."""

import csv
from collections.abc import Callable, Iterable

from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext

from shop.admin_safety import ProxyReportAdmin
from shop.forms import report_range

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
class TicketReportAdmin(ProxyReportAdmin):
    permission = REPORT

    def report_view(self, request: HttpRequest) -> HttpResponse:
        form, start, end = report_range(request, weeks=DEFAULT_WEEKS)
        report = complaint_report(start=start, end=end)
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
