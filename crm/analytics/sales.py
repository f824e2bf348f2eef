"""The sales section: revenue, orders and AOV over time (closed days from the daily rollup,
today live from the orders and the ledger). Definitions: docs/analytics.md."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.utils.translation import gettext as _

from payments.states import PaymentMethod
from shop.money import ZERO, format_money, to_money

from ..models import SalesDaily
from .panels import Chart, Column, Figure, PanelData, Period, Table
from .rollups import sales_rows

COUNTS = ("placed", "accepted", "new_orders")
AMOUNTS = ("booked", "booked_vat", "new_booked", "captured", "taken_back", "net_vat")


@dataclass
class DaySales:
    """One day's sales over every payment method (or one method's)."""

    day: date
    placed: int = 0
    accepted: int = 0
    booked: Decimal = ZERO
    booked_vat: Decimal = ZERO
    new_orders: int = 0
    new_booked: Decimal = ZERO
    captured: Decimal = ZERO
    taken_back: Decimal = ZERO
    net_vat: Decimal = ZERO

    @property
    def net(self) -> Decimal:
        return self.captured - self.taken_back

    @property
    def aov(self) -> Decimal | None:
        return to_money(self.booked / self.accepted) if self.accepted else None

    def add(self, other: object) -> None:
        """Add another day's (or method's) figures to these."""
        for name in COUNTS:
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for name in AMOUNTS:
            setattr(self, name, getattr(self, name) + to_money(getattr(other, name)))


def sales_by_day_and_method(first: date, last: date, today: date) -> list[SalesDaily]:
    """SalesDaily rows of `first`..`last`: closed days from the rollup (one query), today's
    computed live (two queries) when the range holds it; rows of a day before today that the
    rollup does not have yet count as nothing."""
    closed_last = min(last, today - timedelta(days=1))
    rows: list[SalesDaily] = []
    if first <= closed_last:
        rows = list(SalesDaily.objects.filter(day__gte=first, day__lte=closed_last))
    if first <= today <= last:
        rows.extend(sales_rows(today, today))
    return rows


def days_of(rows: list[SalesDaily], first: date, last: date) -> list[DaySales]:
    """Every day of `first`..`last` in order, summed over the methods (days without sales too)."""
    by_day: dict[date, DaySales] = {}
    day = first
    while day <= last:
        by_day[day] = DaySales(day)
        day += timedelta(days=1)
    for row in rows:
        if row.day in by_day:
            by_day[row.day].add(row)
    return list(by_day.values())


def total_of(days: list[DaySales]) -> DaySales:
    total = DaySales(days[0].day if days else date.min)
    for day in days:
        total.add(day)
    return total


def sales_overview(period: Period) -> PanelData:
    """Booked and net revenue (with and without VAT), accepted orders and AOV, with the
    comparison period's; per day as a chart and its table."""
    first = min(period.start, period.compare_start or period.start)
    last = period.end
    rows = sales_by_day_and_method(first, last, period.today)
    days = days_of(rows, period.start, period.end)
    now = total_of(days)
    before = (
        total_of(days_of(rows, period.compare_start, period.compare_end))
        if period.compared
        else None
    )

    def figure(label: str, value: object, unit: str, compare: object, note: str = "") -> Figure:
        return Figure(label, value, unit, compare if before is not None else None, note)

    figures = [
        figure(
            _("Booked revenue"),
            now.booked,
            "money",
            before and before.booked,
            _("without VAT %(amount)s") % {"amount": format_money(now.booked - now.booked_vat)},
        ),
        figure(
            _("Net revenue"),
            now.net,
            "money",
            before and before.net,
            _("without VAT %(amount)s") % {"amount": format_money(now.net - now.net_vat)},
        ),
        figure(_("Orders"), now.accepted, "count", before and before.accepted),
        figure(_("Average order value"), now.aov, "money", before and before.aov),
    ]
    table = Table(
        name="days",
        caption=_("By day"),
        columns=[
            Column("day", _("Day"), "date"),
            Column("booked", _("Booked revenue"), "money"),
            Column("booked_ex_vat", _("Booked without VAT"), "money"),
            Column("net", _("Net revenue"), "money"),
            Column("net_ex_vat", _("Net without VAT"), "money"),
            Column("orders", _("Orders"), "count"),
            Column("aov", _("Average order value"), "money"),
        ],
        rows=[
            {
                "day": day.day,
                "booked": day.booked,
                "booked_ex_vat": day.booked - day.booked_vat,
                "net": day.net,
                "net_ex_vat": day.net - day.net_vat,
                "orders": day.accepted,
                "aov": day.aov,
            }
            for day in days
        ],
    )
    return PanelData(
        figures=figures,
        tables=[table],
        charts=[Chart(table="days", x="day", series=["booked", "net"])],
        note=_(
            "Booked: accepted orders by the day placed. Net: money captured less refunds, by the "
            "day it moved (order payments only; top-ups are not revenue)."
        ),
    )


def sales_by_method(period: Period) -> PanelData:
    """Booked and net revenue and orders per payment method over the period."""
    rows = sales_by_day_and_method(period.start, period.end, period.today)
    methods: dict[str, dict] = defaultdict(
        lambda: {"orders": 0, "booked": ZERO, "captured": ZERO, "taken_back": ZERO}
    )
    for row in rows:
        found = methods[row.method]
        found["orders"] += row.accepted
        found["booked"] += to_money(row.booked)
        found["captured"] += to_money(row.captured)
        found["taken_back"] += to_money(row.taken_back)
    names = dict(PaymentMethod.choices)
    table = Table(
        name="methods",
        caption=_("By payment method"),
        columns=[
            Column("method", _("Payment method")),
            Column("orders", _("Orders"), "count"),
            Column("booked", _("Booked revenue"), "money"),
            Column("net", _("Net revenue"), "money"),
        ],
        rows=[
            {
                "method": str(names.get(method, method)),
                "orders": found["orders"],
                "booked": found["booked"],
                "net": found["captured"] - found["taken_back"],
            }
            for method, found in sorted(methods.items(), key=lambda item: -item[1]["booked"])
        ],
    )
    return PanelData(
        tables=[table],
        charts=[Chart(table="methods", x="method", series=["booked", "net"], kind="bar")],
    )
