"""The customers section: new vs returning, repeat rate, cohort retention and RFM groups, each
one query (two with a comparison) over the rollups. Definitions: docs/analytics.md."""

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.db import connection
from django.db.models import Count, Q, Sum
from django.utils import formats
from django.utils.translation import gettext as _

from ..models import CustomerMonth, CustomerStats, RfmGroup
from .panels import Chart, Column, Figure, PanelData, Period, Table
from .sales import LIVE_NOTE, days_of, sales_by_day_and_method, total_of

COHORTS = 12  # the cohorts shown: the months up to the period's last
OFFSETS = 11  # months after the first one (+1..+11)


def month_of(day: date) -> date:
    return day.replace(day=1)


def add_months(month: date, count: int) -> date:
    index = month.year * 12 + month.month - 1 + count
    return date(index // 12, index % 12 + 1, 1)


def months_between(first: date, later: date) -> int:
    return (later.year - first.year) * 12 + later.month - first.month


def percent(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) * 100 / whole).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def new_vs_returning(period: Period) -> PanelData:
    """Orders and booked revenue of first orders and of returning customers' orders, per day
    (SalesDaily.new_orders / new_booked; today live)."""
    compared = (period.compare_start, period.compare_end) if period.compared else None
    rows = sales_by_day_and_method(period.start, period.end, period.today, also=compared)
    days = days_of(rows, period.start, period.end)
    now = total_of(days)
    before = total_of(days_of(rows, period.compare_start, period.compare_end)) if compared else None

    def figure(label: str, unit: str, value, compare) -> Figure:
        return Figure(label, value, unit, compare if before is not None else None)

    figures = [
        figure(_("First orders"), "count", now.new_orders, before and before.new_orders),
        figure(
            _("Returning customers' orders"),
            "count",
            now.accepted - now.new_orders,
            before and before.accepted - before.new_orders,
        ),
        figure(_("Booked by first orders"), "money", now.new_booked, before and before.new_booked),
        figure(
            _("Booked by returning customers"),
            "money",
            now.booked - now.new_booked,
            before and before.booked - before.new_booked,
        ),
    ]
    table = Table(
        name="days",
        caption=_("New and returning customers by day"),
        columns=[
            Column("day", _("Day"), "date"),
            Column("new_orders", _("First orders"), "count"),
            Column("returning_orders", _("Returning customers' orders"), "count"),
            Column("new_booked", _("Booked by first orders"), "money"),
            Column("returning_booked", _("Booked by returning customers"), "money"),
        ],
        rows=[
            {
                "day": day.day,
                "new_orders": day.new_orders,
                "returning_orders": day.accepted - day.new_orders,
                "new_booked": day.new_booked,
                "returning_booked": day.booked - day.new_booked,
            }
            for day in days
        ],
    )
    return PanelData(
        figures=figures,
        tables=[table],
        charts=[
            Chart(
                table="days",
                x="day",
                series=["new_orders", "returning_orders"],
                kind="bar",
                stacked=True,
            )
        ],
        note=" ".join(
            [
                _(
                    "An accepted order is a first order when its customer (the account, or a "
                    "guest's email in any letter case) had no accepted order before it."
                ),
                LIVE_NOTE(),
            ]
        ),
    )


def repeat_counts(*ranges: tuple[date, date]) -> list[tuple[int, int]]:
    """For each (first, last): (customers, repeat customers) among those with an accepted order
    in the months first..last touches: repeat = two or more accepted orders up to the end of
    last's month. One query over CustomerMonth for all the ranges: each customer's months up to
    the latest last, grouped once by customer."""
    months = [(month_of(first), month_of(last)) for first, last in ranges]
    per_customer = {}
    for index, (start, end) in enumerate(months):
        per_customer[f"ordered_{index}"] = Count("pk", filter=Q(month__gte=start, month__lte=end))
        per_customer[f"orders_{index}"] = Sum("orders", filter=Q(month__lte=end))
    counted = {}
    for index in range(len(months)):
        ordered = Q(**{f"ordered_{index}__gt": 0})
        counted[f"customers_{index}"] = Count("customer_key", filter=ordered)
        counted[f"repeat_{index}"] = Count(
            "customer_key", filter=ordered & Q(**{f"orders_{index}__gte": 2})
        )
    found = (
        CustomerMonth.objects.filter(month__lte=max(end for _start, end in months))
        .values("customer_key")
        .annotate(**per_customer)
        .order_by()
        .aggregate(**counted)
    )
    return [
        (found[f"customers_{index}"] or 0, found[f"repeat_{index}"] or 0)
        for index in range(len(months))
    ]


def repeat_rate(period: Period) -> PanelData:
    ranges = [(period.start, period.end)]
    if period.compared:
        ranges.append((period.compare_start, period.compare_end))
    counts = repeat_counts(*ranges)
    customers, repeat = counts[0]
    before = counts[1] if period.compared else None
    rate = percent(repeat, customers)
    before_rate = percent(before[1], before[0]) if before else None
    figures = [
        Figure(_("Repeat rate"), rate, "percent", before_rate),
        Figure(_("Customers who ordered"), customers, "count", before and before[0]),
        Figure(_("Of them with two or more orders"), repeat, "count", before and before[1]),
    ]
    months = (
        formats.date_format(month_of(period.start), "F Y"),
        formats.date_format(month_of(period.end), "F Y"),
    )
    return PanelData(
        figures=figures,
        note=_(
            "Customers with an accepted order in %(first)s to %(last)s (whole months) who have "
            "two or more accepted orders up to the end of %(last)s, of all customers with an "
            "accepted order in those months."
        )
        % {"first": months[0], "last": months[1]},
    )


# Each customer's months up to `last` with the first of them beside each (a window, one pass in
# customer order over crm_customer_month_once), counted by that cohort and month from `first`.
COHORT_SQL = """
SELECT cohort, month, COUNT(*)
FROM (
    SELECT month, MIN(month) OVER (PARTITION BY customer_key) AS cohort
    FROM {table}
    WHERE month <= %s
) AS months
WHERE month >= %s AND cohort >= %s
GROUP BY cohort, month
"""


def _as_date(value: date | str) -> date:
    return date.fromisoformat(value) if isinstance(value, str) else value  # SQLite: text


def cohort_counts(first: date, last: date) -> list[tuple[date, date, int]]:
    """(cohort, month, customers) for the months first..last: the customers whose first
    CustomerMonth is `cohort` (from `first` on) with a row in `month`. One query."""
    sql = COHORT_SQL.format(table=connection.ops.quote_name(CustomerMonth._meta.db_table))
    adapt = connection.ops.adapt_datefield_value
    with connection.cursor() as cursor:
        cursor.execute(sql, [adapt(last), adapt(first), adapt(first)])
        return [
            (_as_date(cohort), _as_date(month), customers)
            for cohort, month, customers in cursor.fetchall()
        ]


def cohort_retention(period: Period) -> PanelData:
    """The last COHORTS cohorts by first-order month up to the period's last month: cohort size,
    then the share of it with an accepted order in each later month (one query)."""
    last = month_of(period.end)
    first = add_months(last, -(COHORTS - 1))
    active: dict[tuple[date, int], int] = {}
    for cohort, month, customers in cohort_counts(first, last):
        active[(cohort, months_between(cohort, month))] = customers
    columns = [
        Column("cohort", _("First order in")),
        Column("size", _("Customers"), "count"),
        *(
            Column(f"m{offset}", _("Month +%(months)s") % {"months": offset}, "percent")
            for offset in range(1, OFFSETS + 1)
        ),
    ]
    rows = []
    for index in range(COHORTS):
        cohort = add_months(first, index)
        size = active.get((cohort, 0), 0)
        row: dict = {"cohort": formats.date_format(cohort, "F Y"), "size": size}
        for offset in range(1, OFFSETS + 1):
            shown = add_months(cohort, offset) <= last
            row[f"m{offset}"] = percent(active.get((cohort, offset), 0), size) if shown else None
        rows.append(row)
    return PanelData(
        tables=[
            Table(
                name="cohorts",
                caption=_("Retention by first-order month"),
                columns=columns,
                rows=rows,
            )
        ],
        note=_(
            "Each row: the customers whose first accepted order was in that month, then the "
            "share of them with an accepted order in each later month (up to %(last)s)."
        )
        % {"last": formats.date_format(last, "F Y")},
    )


def rfm_groups(period: Period) -> PanelData:
    """How many customers each RFM group holds now (CustomerStats.rfm_group; one query)."""
    counts = dict(
        CustomerStats.objects.exclude(rfm_group="")
        .values("rfm_group")
        .annotate(customers=Count("pk"))
        .order_by()
        .values_list("rfm_group", "customers")
    )
    total = sum(counts.values())
    rows = [
        {
            "group": str(label),
            "customers": counts.get(value, 0),
            "share": percent(counts.get(value, 0), total),
        }
        for value, label in RfmGroup.choices
    ]
    return PanelData(
        figures=[Figure(_("Customers with a group"), total, "count")],
        tables=[
            Table(
                name="groups",
                caption=_("Customers by RFM group"),
                columns=[
                    Column("group", _("RFM group")),
                    Column("customers", _("Customers"), "count"),
                    Column("share", _("Share"), "percent"),
                ],
                rows=rows,
            )
        ],
        charts=[Chart(table="groups", x="group", series=["customers"], kind="bar")],
        note=_(
            "As of the last RFM refresh, whatever the dates chosen (docs/rfm.md): recency, "
            "frequency and value of every customer with an order."
        ),
    )
