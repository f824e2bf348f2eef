"""How the dashboard shows a value of each unit (crm.analytics.panels.Unit)."""

from datetime import date
from decimal import Decimal

from django import template
from django.utils.formats import date_format, number_format
from django.utils.html import format_html, json_script
from django.utils.safestring import SafeString
from django.utils.text import slugify

from shop.money import format_money

register = template.Library()


@register.filter
def shown(value: object, unit: str) -> str:
    """A value as staff read it: money in the shop's currency, counts with separators,
    percentages and days to one decimal; an em dash for no value."""
    if value is None or value == "":
        return "—"
    if unit == "money":
        return format_money(Decimal(value))
    if unit == "count":
        return number_format(value, decimal_pos=0, use_l10n=True, force_grouping=True)
    if unit == "percent":
        return f"{number_format(Decimal(value), decimal_pos=1, use_l10n=True)} %"
    if unit in ("days", "decimal"):
        return number_format(Decimal(value), decimal_pos=1, use_l10n=True, force_grouping=True)
    if unit == "date" and isinstance(value, date):
        return date_format(value, "SHORT_DATE_FORMAT")
    return str(value)


@register.filter
def cell(row: dict, key: str) -> object:
    return row.get(key)


@register.simple_tag
def chart(panel: object, data: object, chart: object) -> SafeString:
    """A chart's canvas and its data as JSON (`<script type="application/json">`, which the
    content security policy lets through: it is never run); static/js/analytics.js draws it.
    The table it is drawn from follows the chart, for screen readers."""
    table = data.table(chart.table)
    if table is None:
        return SafeString("")
    labels = {column.key: str(column.label) for column in table.columns}
    payload = {
        "kind": chart.kind,
        "stacked": chart.stacked,
        "labels": [shown(row.get(chart.x), _unit(table, chart.x)) for row in table.rows],
        "series": [
            {
                "label": labels.get(key, key),
                "values": [_number(row.get(key)) for row in table.rows],
            }
            for key in chart.series
        ],
    }
    element = slugify(f"{panel.name}-{chart.table}")
    return format_html(
        '<div class="analytics-chart"><canvas id="chart-{}" data-chart="chart-{}-data" '
        'role="img" aria-label="{}"></canvas></div>{}',
        element,
        element,
        table.caption,
        json_script(payload, f"chart-{element}-data"),
    )


def _unit(table: object, key: str) -> str:
    return next((column.unit for column in table.columns if column.key == key), "text")


def _number(value: object) -> str | None:
    """A value for drawing only (as text, so money stays exact until the browser reads it)."""
    return None if value is None else str(value)
