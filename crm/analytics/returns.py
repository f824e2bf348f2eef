"""The returns and cancellations section: the return rate by reason, the cancellation rate by
reason (checkout failures apart), and the NPS trend by week from the feedback survey.
Definitions: docs/analytics.md ("Returns and cancellations panels")."""

from collections import defaultdict
from decimal import Decimal

from django.db.models import (
    Count,
    Exists,
    Func,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
)
from django.utils.translation import gettext as _

from orders.models import Order, OrderEvent, OrderLine, ReturnLine
from orders.states import CancelReason, OrderStatus, ReturnReason, ReturnStatus
from shop.dates import days_between

from ..journeys.feedback.report import NpsRow, nps_by_week
from ..models import CancellationDaily, SalesDaily
from .fulfilment import BEFORE, NOW, in_period
from .panels import Chart, Column, Figure, PanelData, Period, Table

# A return that counts: anything but one the shop rejected or that was called off (the parcel
# never came back, or the customer changed their mind).
NOT_RETURNED = (ReturnStatus.REJECTED, ReturnStatus.CANCELLED)
# Checkout failures: the order was never accepted. Apart from cancellations of accepted orders.
CHECKOUT_FAILURES = (CancelReason.EXPIRED, CancelReason.PAYMENT_FAILED)


def rate(part: int | None, whole: int | None) -> Decimal | None:
    """`part` ÷ `whole` in per cent, one decimal; None without a whole."""
    if part is None or not whole:
        return None
    return (Decimal(100) * part / whole).quantize(Decimal("0.1"))


# The statuses an order comes to "delivered" from again: after a turned-down return request, or
# a step recorded on a delivered order that changes no status (orders.states: once delivered,
# an order only goes on to a return request, and from there to returned or delivered again).
DELIVERED_AGAIN = (OrderStatus.DELIVERED, OrderStatus.RETURN_REQUESTED)


def first_delivered() -> QuerySet[OrderEvent]:
    """The event of each order's first delivery (an order is delivered again when a return
    request is turned down: that does not count twice). Only an event that comes from a status
    in DELIVERED_AGAIN can have an earlier delivery; those few are looked up by their order."""
    earlier = OrderEvent.objects.filter(
        order=OuterRef("order"), to_status=OrderStatus.DELIVERED
    ).filter(
        Q(created_at__lt=OuterRef("created_at"))
        | Q(created_at=OuterRef("created_at"), pk__lt=OuterRef("pk"))
    )
    return OrderEvent.objects.filter(to_status=OrderStatus.DELIVERED).filter(
        ~Q(from_status__in=DELIVERED_AGAIN) | ~Exists(earlier)
    )


def return_rate(period: Period) -> PanelData:
    """Orders delivered in the dates with a return that counts ÷ those orders, and their units
    returned ÷ units delivered, by reason code: two queries, each driven from the delivery
    events in the dates (orders_event_status_at_idx)."""
    wanted, which = in_period("created_at", period)
    counted = ReturnLine.objects.filter(order_return__order=OuterRef("order")).exclude(
        order_return__status__in=NOT_RETURNED
    )
    # The order's units: a plain SUM (a Func, so no GROUP BY in the subquery for each order).
    units = (
        OrderLine.objects.filter(order=OuterRef("order"))
        .order_by()
        .values(units=Func("quantity", function="SUM", output_field=IntegerField()))
    )
    delivered = {
        found["which"]: found
        for found in first_delivered()
        .filter(wanted)
        .annotate(which=which, returned=Exists(counted), order_units=Subquery(units))
        .values("which")
        .annotate(
            orders=Count("order_id", distinct=True),
            units=Sum("order_units"),
            returned_orders=Count("order_id", distinct=True, filter=Q(returned=True)),
        )
        .order_by()
    }
    counts = ~Q(order__returns__status__in=NOT_RETURNED)
    # The same delivery events, on to their orders' returns that count (an order with returns
    # of two reasons counts under each).
    by_reason = (
        first_delivered()
        .filter(wanted)
        .filter(order__returns__lines__isnull=False)
        .annotate(which=which)
        .values("which", "order__returns__reason_code")
        .annotate(
            orders=Count("order_id", distinct=True, filter=counts),
            units=Sum("order__returns__lines__quantity", filter=counts),
        )
        .order_by()
    )
    reasons: dict[str, dict] = {}
    units_back = {NOW: 0, BEFORE: 0}
    for found in by_reason:
        if not found["orders"]:
            continue  # a reason with only returns that do not count
        units_back[found["which"]] += found["units"] or 0
        if found["which"] == NOW:
            reasons[found["order__returns__reason_code"] or ""] = found
    now = delivered.get(NOW, {})
    before = delivered.get(BEFORE, {})
    compared = period.compared

    def figure(label: str, value: Decimal | int | None, unit: str, compare: object) -> Figure:
        return Figure(label, value, unit, compare if compared else None)

    now_orders, now_units = now.get("orders", 0), now.get("units") or 0
    labels = dict(ReturnReason.choices)
    rows = [
        {
            "reason": str(labels.get(code, _("Not given"))),
            "orders": found["orders"],
            "order_rate": rate(found["orders"], now_orders),
            "units": found["units"] or 0,
            "unit_rate": rate(found["units"] or 0, now_units),
        }
        for code, found in sorted(reasons.items(), key=lambda item: (-item[1]["orders"], item[0]))
    ]
    return PanelData(
        figures=[
            figure(
                _("Return rate (orders)"),
                rate(now.get("returned_orders", 0), now_orders),
                "percent",
                rate(before.get("returned_orders", 0), before.get("orders", 0)),
            ),
            figure(
                _("Return rate (units)"),
                rate(units_back[NOW], now_units),
                "percent",
                rate(units_back[BEFORE], before.get("units") or 0),
            ),
            figure(_("Orders delivered"), now_orders, "count", before.get("orders", 0)),
            figure(_("Units returned"), units_back[NOW], "count", units_back[BEFORE]),
        ],
        tables=[
            Table(
                "reasons",
                _("By reason"),
                [
                    Column("reason", _("Reason")),
                    Column("orders", _("Orders returned"), "count"),
                    Column("order_rate", _("Share of delivered orders"), "percent"),
                    Column("units", _("Units returned"), "count"),
                    Column("unit_rate", _("Share of delivered units"), "percent"),
                ],
                rows,
                empty=_("No returns of orders delivered in these dates."),
            )
        ],
        charts=[Chart(table="reasons", x="reason", series=["order_rate", "unit_rate"], kind="bar")],
        note=_(
            "Of the orders first delivered in these dates: those with a return not rejected or "
            "called off (whenever it was asked for), and their units returned against the "
            "units delivered."
        ),
    )


def _reason_group(reason: str) -> str:
    return "checkout" if reason in CHECKOUT_FAILURES else "cancelled"


def cancellation_rate(period: Period) -> PanelData:
    """Orders placed in the dates that ended cancelled ÷ orders placed, by reason: closed days
    from the rollups (two queries), today live (one more when the dates hold today)."""
    first = period.compare_start if period.compared else period.start
    closed_end = period.closed_end

    def which_day(day: object) -> str | None:
        if period.start <= day <= period.end:
            return NOW
        if period.compared and period.compare_start <= day <= period.compare_end:
            return BEFORE
        return None

    placed = {NOW: 0, BEFORE: 0}
    cancelled: dict[str, dict[str, int]] = {NOW: defaultdict(int), BEFORE: defaultdict(int)}
    days = Q(day__gte=first, day__lte=closed_end)
    if first <= closed_end:
        for day, orders in (
            SalesDaily.objects.filter(days)
            .values("day")
            .annotate(n=Sum("placed"))
            .order_by()
            .values_list("day", "n")
        ):
            if (key := which_day(day)) is not None:
                placed[key] += orders or 0
        for day, reason, orders in (
            CancellationDaily.objects.filter(days)
            .values("day", "reason")
            .annotate(n=Sum("orders"))
            .order_by()
            .values_list("day", "reason", "n")
        ):
            if (key := which_day(day)) is not None:
                cancelled[key][reason] += orders or 0
    if period.includes_today:
        since, until = days_between(period.today, period.today)
        for status, reason, orders in (
            Order.objects.filter(placed_at__gte=since, placed_at__lt=until)
            .values("status", "cancel_reason")
            .annotate(n=Count("pk"))
            .order_by()
            .values_list("status", "cancel_reason", "n")
        ):
            placed[NOW] += orders
            if status == OrderStatus.CANCELLED:
                cancelled[NOW][reason or ""] += orders

    def share(key: str, group: str | None) -> Decimal | None:
        count = sum(
            n for reason, n in cancelled[key].items() if group in (None, _reason_group(reason))
        )
        return rate(count, placed[key])

    compared = period.compared

    def figure(label: str, group: str | None) -> Figure:
        return Figure(
            label, share(NOW, group), "percent", share(BEFORE, group) if compared else None
        )

    labels = dict(CancelReason.choices)
    group_labels = {"checkout": _("Checkout failure"), "cancelled": _("Cancelled")}
    ordered = [*CHECKOUT_FAILURES, *(r for r in CancelReason.values if r not in CHECKOUT_FAILURES)]
    extra = sorted(set(cancelled[NOW]) - set(ordered))
    rows = [
        {
            "reason": str(labels.get(reason, _("Not given"))),
            "group": str(group_labels[_reason_group(reason)]),
            "orders": cancelled[NOW].get(reason, 0),
            "rate": rate(cancelled[NOW].get(reason, 0), placed[NOW]),
        }
        for reason in [*ordered, *extra]
        if cancelled[NOW].get(reason)
    ]
    return PanelData(
        figures=[
            figure(_("Cancellation rate"), None),
            figure(_("Checkout failures"), "checkout"),
            figure(_("Cancelled after acceptance"), "cancelled"),
            Figure(_("Orders placed"), placed[NOW], "count", placed[BEFORE] if compared else None),
        ],
        tables=[
            Table(
                "reasons",
                _("By reason"),
                [
                    Column("reason", _("Reason")),
                    Column("group", _("Kind")),
                    Column("orders", _("Cancelled orders"), "count"),
                    Column("rate", _("Share of orders placed"), "percent"),
                ],
                rows,
                empty=_("No cancelled orders placed in these dates."),
            )
        ],
        charts=[Chart(table="reasons", x="reason", series=["rate"], kind="bar")],
        note=_(
            "Orders placed in these dates that ended cancelled, against every order placed. "
            "Checkout failures (payment not completed in time, payment failed) were never "
            "accepted; the others were cancelled by the customer, by the shop, to resolve a "
            "complaint, or refused at delivery."
        ),
    )


def _nps_total(weeks: list[NpsRow]) -> NpsRow:
    return NpsRow(
        label="",
        sent=sum(week.sent for week in weeks),
        answers=sum(week.answers for week in weeks),
        promoters=sum(week.promoters for week in weeks),
        detractors=sum(week.detractors for week in weeks),
    )


def nps_trend(period: Period) -> PanelData:
    """NPS of the feedback surveys sent in the dates, by the week sent (the feedback report's
    own query: one, two with a comparison)."""
    weeks = nps_by_week(period.start, period.end)
    total = _nps_total(weeks)
    before = (
        _nps_total(nps_by_week(period.compare_start, period.compare_end))
        if period.compared
        else None
    )
    return PanelData(
        figures=[
            Figure(_("NPS"), total.nps, "count", before and before.nps),
            Figure(_("Answers"), total.answers, "count", before and before.answers),
            Figure(
                _("Response rate"), total.response_rate, "percent", before and before.response_rate
            ),
        ],
        tables=[
            Table(
                "weeks",
                _("By week"),
                [
                    Column("week", _("Week of"), "date"),
                    Column("sent", _("Surveys sent"), "count"),
                    Column("answers", _("Answers"), "count"),
                    Column("nps", _("NPS"), "count"),
                ],
                [
                    {
                        "week": week.label,
                        "sent": week.sent,
                        "answers": week.answers,
                        "nps": week.nps,
                    }
                    for week in weeks
                ],
                empty=_("No surveys sent in these dates."),
            )
        ],
        charts=[Chart(table="weeks", x="week", series=["nps"])],
        note=_(
            "NPS = per cent of promoters (9–10) − per cent of detractors (0–6), of the answers "
            "to the surveys sent in these dates; weeks start on Monday."
        ),
    )
