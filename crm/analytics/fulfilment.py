"""The fulfilment section: time to ship and to deliver (median and 90th percentile, in all and per
carrier), the on-time rate against the promise, failed delivery attempts and late shipments.
Definitions: docs/analytics.md ("Fulfilment panels"). Each panel reads in a fixed number of
queries, whatever the number of orders."""

from datetime import date
from decimal import Decimal

from django.db.models import (
    Case,
    CharField,
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
    Window,
)
from django.db.models.functions import TruncDate
from django.utils.translation import gettext as _

from orders.models import Order, Shipment, ShipmentEvent
from orders.selectors.promises import NOT_SHIPPED, on_time_report
from orders.states import ShipmentStatus
from shop.dates import days_between
from shop.stats import Spread, span_percentile_sets

from .panels import Chart, Column, Figure, PanelData, Period, Table
from .rollups import zone

NOW, BEFORE = "now", "before"
# How many late orders and parcels the panel lists (the oldest first); the count is of all.
LATE_LISTED = 10
HOUR = Decimal(3600)
DAY = Decimal(86400)


def in_period(field: str, period: Period) -> tuple[Q, Case]:
    """A filter for `field` (a time) in the period or its comparison, and which of the two."""
    since, until = days_between(period.start, period.end)
    now = Q(**{f"{field}__gte": since, f"{field}__lt": until})
    wanted = now
    if period.compared:
        before_since, before_until = days_between(period.compare_start, period.compare_end)
        wanted = now | Q(**{f"{field}__gte": before_since, f"{field}__lt": before_until})
    which = Case(When(now, then=Value(NOW)), default=Value(BEFORE), output_field=CharField())
    return wanted, which


def _in(seconds: float | None, unit: Decimal) -> Decimal | None:
    return None if seconds is None else (Decimal(str(seconds)) / unit).quantize(Decimal("0.1"))


def _of(spread: Spread | None, name: str) -> float | int | None:
    return None if spread is None else getattr(spread, name)


def of_order(field: str) -> Subquery:
    """The parcel's order's `field`, read through the order's primary key: a probe for each
    parcel in the dates rather than a pass over every order."""
    return Subquery(Order.objects.filter(pk=OuterRef("order_id")).order_by().values(field))


def first_parcels() -> QuerySet[Shipment]:
    """Each order's first parcel (by the time it shipped, then by id), looked up through the
    order's parcels for each parcel asked about."""
    first = (
        Shipment.objects.filter(order=OuterRef("order_id"))
        .order_by("shipped_at", "pk")
        .values("pk")[:1]
    )
    return Shipment.objects.filter(pk=Subquery(first))


def _span_panel(
    period: Period, parcels: QuerySet, field: str, span: object, unit: Decimal, labels: dict
) -> PanelData:
    """Median and p90 of `span` over `parcels` whose `field` falls in the period (and its
    comparison), in all and per carrier: one query (grouping sets)."""
    wanted, which = in_period(field, period)
    overall, by_carrier = span_percentile_sets(
        parcels.filter(wanted).annotate(which=which),
        span=span,
        sets=[("which",), ("which", "carrier_id", "carrier__name")],
    )
    carriers = {key[1:]: spread for key, spread in by_carrier.items() if key[0] == NOW}
    now = overall.get((NOW,), Spread(0, None, None))
    before = overall.get((BEFORE,), Spread(0, None, None)) if period.compared else None

    def compare(value: float | int | None) -> Decimal | int | None:
        if before is None:
            return None
        return value if isinstance(value, int) else _in(value, unit)

    figures = [
        Figure(
            labels["median"], _in(now.median, unit), "decimal", compare(before and before.median)
        ),
        Figure(labels["p90"], _in(now.p90, unit), "decimal", compare(before and before.p90)),
        Figure(labels["count"], now.count, "count", compare(before.count if before else None)),
    ]
    table = Table(
        name="carriers",
        caption=_("By carrier"),
        columns=[
            Column("carrier", _("Carrier")),
            Column("count", labels["count"], "count"),
            Column("median", labels["median"], "decimal"),
            Column("p90", labels["p90"], "decimal"),
        ],
        rows=[
            {
                "carrier": name,
                "count": spread.count,
                "median": _in(spread.median, unit),
                "p90": _in(spread.p90, unit),
            }
            for (_carrier, name), spread in sorted(
                carriers.items(), key=lambda item: (item[0][1], item[0][0])
            )
        ],
        empty=_("Nothing in these dates."),
    )
    return PanelData(
        figures=figures,
        tables=[table],
        charts=[Chart(table="carriers", x="carrier", series=["median", "p90"], kind="bar")],
        note=labels["note"],
    )


def time_to_ship(period: Period) -> PanelData:
    """Hours from placement to the order's first parcel leaving, for orders whose first parcel
    shipped in the dates; per carrier of that parcel."""
    span = ExpressionWrapper(F("shipped_at") - of_order("placed_at"), output_field=DurationField())
    return _span_panel(
        period,
        first_parcels(),
        "shipped_at",
        span,
        HOUR,
        {
            "median": _("Median hours to ship"),
            "p90": _("90th percentile, hours to ship"),
            "count": _("Orders shipped"),
            "note": _(
                "From the order's placement to its first parcel leaving, for orders whose "
                "first parcel shipped in these dates."
            ),
        },
    )


def time_to_deliver(period: Period) -> PanelData:
    """Days from placement to each parcel's delivery, for parcels delivered in the dates."""
    span = ExpressionWrapper(
        F("delivered_at") - of_order("placed_at"), output_field=DurationField()
    )
    return _span_panel(
        period,
        Shipment.objects.filter(delivered_at__isnull=False),
        "delivered_at",
        span,
        DAY,
        {
            "median": _("Median days to deliver"),
            "p90": _("90th percentile, days to deliver"),
            "count": _("Parcels delivered"),
            "note": _(
                "From the order's placement to the parcel's delivery, for parcels delivered in "
                "these dates."
            ),
        },
    )


def on_time(period: Period) -> PanelData:
    """Parcels delivered in the dates by the promised day, in all, per carrier and per shipping
    method (orders.selectors.promises.on_time_report: one query)."""
    report = on_time_report(start=period.start, end=period.end)
    columns = [
        Column("label", _("Carrier")),
        Column("delivered", _("Parcels delivered"), "count"),
        Column("on_time", _("On time"), "count"),
        Column("rate", _("On-time rate"), "percent"),
    ]

    def rows(found: list) -> list[dict]:
        return [
            {
                "label": row.label,
                "delivered": row.delivered,
                "on_time": row.on_time,
                "rate": row.rate,
            }
            for row in found
        ]

    return PanelData(
        figures=[
            Figure(_("On-time rate"), report.total.rate, "percent"),
            Figure(_("Parcels delivered"), report.total.delivered, "count"),
        ],
        tables=[
            Table("carriers", _("By carrier"), columns, rows(report.by_carrier)),
            Table(
                "methods",
                _("By shipping method"),
                [Column("label", _("Shipping method")), *columns[1:]],
                rows(report.by_method),
            ),
        ],
        charts=[Chart(table="carriers", x="label", series=["rate"], kind="bar")],
        note=_(
            "Parcels delivered in these dates, of orders with a promised delivery day: on time "
            "when delivered by that day (shop time)."
        ),
    )


def failed_attempts(period: Period) -> PanelData:
    """Carrier reports of a delivery problem (parcel events `exception`) made in the dates, and
    the parcels they were about, per carrier: one query."""
    wanted, which = in_period("happened_at", period)
    grouped = (
        ShipmentEvent.objects.filter(wanted, status=ShipmentStatus.EXCEPTION)
        .annotate(which=which)
        .values("which", "shipment__carrier_id", "shipment__carrier__name")
        .annotate(attempts=Count("pk"), parcels=Count("shipment_id", distinct=True))
        .order_by("shipment__carrier__name", "shipment__carrier_id")
    )
    totals = {NOW: [0, 0], BEFORE: [0, 0]}
    rows = []
    for found in grouped:
        totals[found["which"]][0] += found["attempts"]
        totals[found["which"]][1] += found["parcels"]
        if found["which"] == NOW:
            rows.append(
                {
                    "carrier": found["shipment__carrier__name"],
                    "attempts": found["attempts"],
                    "parcels": found["parcels"],
                }
            )
    before = totals[BEFORE] if period.compared else [None, None]
    return PanelData(
        figures=[
            Figure(_("Failed delivery attempts"), totals[NOW][0], "count", before[0]),
            Figure(_("Parcels with a failed attempt"), totals[NOW][1], "count", before[1]),
        ],
        tables=[
            Table(
                "carriers",
                _("By carrier"),
                [
                    Column("carrier", _("Carrier")),
                    Column("attempts", _("Failed delivery attempts"), "count"),
                    Column("parcels", _("Parcels with a failed attempt"), "count"),
                ],
                rows,
                empty=_("No failed delivery attempts in these dates."),
            )
        ],
        charts=[Chart(table="carriers", x="carrier", series=["attempts"], kind="bar")],
        note=_("A carrier's report of a delivery problem (a failed attempt) made in these dates."),
    )


def _days_late(later: date | None, promised: date | None) -> int | None:
    return (later - promised).days if later and promised else None


def late_shipments(period: Period) -> PanelData:
    """Orders not shipped by their promised ship day (as of today, whatever the dates), and
    parcels delivered in the dates after the promised day: each a count and the oldest
    LATE_LISTED (one query each, the count a window over the same rows)."""
    everything = Window(Count("pk"))
    unshipped = list(
        Order.objects.filter(status__in=NOT_SHIPPED, promised_ship_by__lt=period.today)
        .annotate(late_count=everything)
        .order_by("promised_ship_by", "pk")
        .values("late_count", "number", "status", "promised_ship_by", "placed_at")[:LATE_LISTED]
    )
    since, until = days_between(period.start, period.end)
    delivered = list(
        Shipment.objects.filter(delivered_at__gte=since, delivered_at__lt=until)
        .annotate(day=TruncDate("delivered_at", tzinfo=zone()), promised=of_order("promised_to"))
        .filter(promised__isnull=False, day__gt=F("promised"))
        .annotate(late_count=everything, number=of_order("number"))
        .order_by("promised", "pk")
        .values("late_count", "number", "carrier__name", "promised", "day")[:LATE_LISTED]
    )
    statuses = dict(Order._meta.get_field("status").choices)
    not_shipped = unshipped[0]["late_count"] if unshipped else 0
    delivered_late = delivered[0]["late_count"] if delivered else 0
    return PanelData(
        figures=[
            Figure(_("Not shipped by the promised day"), not_shipped, "count", note=_("now")),
            Figure(_("Parcels delivered late"), delivered_late, "count"),
        ],
        tables=[
            Table(
                "unshipped",
                _("Not shipped by the promised day (oldest first)"),
                [
                    Column("order", _("Order")),
                    Column("status", _("Status")),
                    Column("ship_by", _("Promised to ship by"), "date"),
                    Column("days_late", _("Days late"), "count"),
                ],
                [
                    {
                        "order": row["number"],
                        "status": str(statuses.get(row["status"], row["status"])),
                        "ship_by": row["promised_ship_by"],
                        "days_late": _days_late(period.today, row["promised_ship_by"]),
                    }
                    for row in unshipped
                ],
                empty=_("Every order shipped on time."),
            ),
            Table(
                "delivered",
                _("Delivered after the promised day (oldest promise first)"),
                [
                    Column("order", _("Order")),
                    Column("carrier", _("Carrier")),
                    Column("promised", _("Promised delivery by"), "date"),
                    Column("delivered", _("Delivered"), "date"),
                    Column("days_late", _("Days late"), "count"),
                ],
                [
                    {
                        "order": row["number"],
                        "carrier": row["carrier__name"],
                        "promised": row["promised"],
                        "delivered": row["day"],
                        "days_late": _days_late(row["day"], row["promised"]),
                    }
                    for row in delivered
                ],
                empty=_("No parcel delivered late in these dates."),
            ),
        ],
        note=_(
            "Orders still waiting to ship after their promised ship day, as of today; parcels "
            "delivered in these dates after the promised delivery day."
        ),
    )
