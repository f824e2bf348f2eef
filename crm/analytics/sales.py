"""The sales section: revenue, orders and AOV over time (closed days from the daily rollup,
today live from the orders and the ledger). Definitions: docs/analytics.md."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from functools import reduce
from operator import or_

from django.db.models import Q
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from payments.states import PaymentMethod
from shop.dates import days_between
from shop.money import ZERO, format_money, to_money

from ..models import SalesDaily
from ..templatetags.analytics_tags import shown
from .panels import Chart, Column, Figure, PanelData, Period, Table
from .rollups import sales_rows, zone

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


def sales_by_day_and_method(
    first: date, last: date, today: date, *, also: tuple[date, date] | None = None
) -> list[SalesDaily]:
    """SalesDaily rows of `first`..`last` (and of the range `also`, the comparison period):
    closed days from the rollup (one query), today's computed live (two queries) when the
    range holds it; rows of a day before today that the rollup does not have yet count as
    nothing."""
    ranges = [(first, min(last, today - timedelta(days=1)))]
    if also is not None:
        ranges.append((also[0], min(also[1], today - timedelta(days=1))))
    closed = [Q(day__gte=start, day__lte=end) for start, end in ranges if start <= end]
    rows: list[SalesDaily] = []
    if closed:
        rows = list(SalesDaily.objects.filter(reduce(or_, closed)))
    if any(start <= today <= end for start, end in ((first, last), also or (first, last))):
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
    compared = (period.compare_start, period.compare_end) if period.compared else None
    rows = sales_by_day_and_method(period.start, period.end, period.today, also=compared)
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
        note=" ".join(
            [
                _(
                    "Booked: accepted orders by the day placed. Net: money captured less "
                    "refunds, by the day it moved (order payments only; top-ups are not revenue)."
                ),
                LIVE_NOTE(),
            ]
        ),
    )


def LIVE_NOTE() -> str:
    return _(
        "Today is read live from the orders and the payments ledger; closed days come from "
        "the rollups, refreshed every few minutes (late refunds nightly)."
    )


def sales_by_method(period: Period) -> PanelData:
    """Booked and net revenue (each with and without VAT) and orders per payment method over
    the period."""
    rows = sales_by_day_and_method(period.start, period.end, period.today)
    methods: dict[str, DaySales] = defaultdict(lambda: DaySales(period.start))
    for row in rows:
        methods[row.method].add(row)
    names = dict(PaymentMethod.choices)
    table = Table(
        name="methods",
        caption=_("By payment method"),
        columns=[
            Column("method", _("Payment method")),
            Column("orders", _("Orders"), "count"),
            Column("booked", _("Booked revenue"), "money"),
            Column("booked_ex_vat", _("Booked without VAT"), "money"),
            Column("net", _("Net revenue"), "money"),
            Column("net_ex_vat", _("Net without VAT"), "money"),
        ],
        rows=[
            {
                "method": str(names.get(method, method)),
                "orders": found.accepted,
                "booked": found.booked,
                "booked_ex_vat": found.booked - found.booked_vat,
                "net": found.net,
                "net_ex_vat": found.net - found.net_vat,
            }
            for method, found in sorted(
                methods.items(), key=lambda item: (-item[1].booked, -item[1].net, item[0])
            )
        ],
    )
    return PanelData(
        tables=[table],
        charts=[Chart(table="methods", x="method", series=["booked", "net"], kind="bar")],
        note=_(
            "A method's net revenue is the money its order payments moved in these dates, "
            "whenever the orders were placed (a tab's orders when the tab was settled)."
        ),
    )


def sales_today(period: Period, *, now: datetime | None = None) -> PanelData:
    """Today so far, read live, beside the same weekday a week before up to the same time
    (live, in the same two queries) and that whole day (from the rollup, one query)."""
    now = timezone.localtime(now or timezone.now(), zone())
    today = now.date()
    week_ago = today - timedelta(days=7)
    today_start = days_between(today, today)[0]
    week_ago_start = days_between(week_ago, week_ago)[0]
    same_time = now - timedelta(days=7)
    live = sales_rows(today, today, windows=[(today_start, now), (week_ago_start, same_time)])
    so_far = total_of(days_of(live, today, today))
    then = total_of(days_of(live, week_ago, week_ago))
    whole = total_of(days_of(list(SalesDaily.objects.filter(day=week_ago)), week_ago, week_ago))
    time = formats.time_format(now, "H:i")
    weekday = formats.date_format(week_ago, "l j F")

    def figure(label: str, name: str, unit: str) -> Figure:
        whole_value = getattr(whole, name)
        note = _("whole day %(weekday)s: %(value)s") % {
            "weekday": weekday,
            "value": shown(whole_value, unit),
        }
        return Figure(label, getattr(so_far, name), unit, getattr(then, name), note)

    figures = [
        figure(_("Booked revenue today"), "booked", "money"),
        figure(_("Net revenue today"), "net", "money"),
        figure(_("Orders today"), "accepted", "count"),
        figure(_("Average order value today"), "aov", "money"),
    ]
    labels = [
        (_("Today until %(time)s (live)") % {"time": time}, so_far),
        (_("%(weekday)s until %(time)s") % {"weekday": weekday, "time": time}, then),
        (_("%(weekday)s, whole day") % {"weekday": weekday}, whole),
    ]
    table = Table(
        name="today",
        caption=_("Today and the same weekday a week before"),
        columns=[
            Column("when", _("When")),
            Column("booked", _("Booked revenue"), "money"),
            Column("booked_ex_vat", _("Booked without VAT"), "money"),
            Column("net", _("Net revenue"), "money"),
            Column("net_ex_vat", _("Net without VAT"), "money"),
            Column("orders", _("Orders"), "count"),
            Column("aov", _("Average order value"), "money"),
        ],
        rows=[
            {
                "when": str(label),
                "booked": found.booked,
                "booked_ex_vat": found.booked - found.booked_vat,
                "net": found.net,
                "net_ex_vat": found.net - found.net_vat,
                "orders": found.accepted,
                "aov": found.aov,
            }
            for label, found in labels
        ],
    )
    return PanelData(
        figures=figures,
        tables=[table],
        charts=[Chart(table="today", x="when", series=["booked", "net"], kind="bar")],
        note=_(
            "Read live at %(time)s, whatever the dates chosen: each figure is compared with "
            "%(weekday)s up to the same time; under it, that whole day from the rollups."
        )
        % {"time": time, "weekday": weekday},
    )
