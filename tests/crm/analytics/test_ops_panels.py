"""The fulfilment, returns and cancellations, NPS and campaign panels: every number equals a
brute-force computation over orders, parcels, returns and surveys made through the services;
each panel's query count is pinned and does not grow with the data."""

from collections import defaultdict
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from crm.analytics.panels import Period, panel_named
from crm.analytics.rollups import analytics_refresh
from crm.journeys.feedback.services import feedback_answer, feedback_sweep
from crm.models import Campaign, FeedbackSurvey
from crm.notifications.models import Message, Status
from orders import services
from orders.carriers.base import TrackingUpdate
from orders.models import Order, OrderEvent, ReturnLine, Shipment, ShipmentEvent
from shop.stats import percentile_cont
from tests.crm.campaigns.helpers import consenting_customers, draft_campaign, send_now
from tests.crm.journeys.feedback_helpers import delivered_order as surveyed_order
from tests.orders.fulfilment_helpers import packed_order, simulated_carrier
from tests.orders.helpers import cart_with, place, shipping_setup, stocked_variant

pytestmark = pytest.mark.django_db

ZONE = ZoneInfo("Europe/Istanbul")
TODAY = date(2026, 6, 20)
NOW = datetime(2026, 6, 20, 12, 0, tzinfo=ZONE)
PERIOD = Period(
    start=date(2026, 6, 1),
    end=TODAY,
    today=TODAY,
    compare_start=date(2026, 5, 12),
    compare_end=date(2026, 5, 31),
)
NOT_SHIPPED = ("confirmed", "preparing", "packed")


def at(day: int, hour: int = 10, month: int = 6) -> datetime:
    return datetime(2026, month, day, hour, 0, tzinfo=ZONE)


def _in(moment: datetime | None, first: date, last: date) -> bool:
    return moment is not None and first <= moment.astimezone(ZONE).date() <= last


def _now(moment: datetime | None) -> bool:
    return _in(moment, PERIOD.start, PERIOD.end)


def _before(moment: datetime | None) -> bool:
    return _in(moment, PERIOD.compare_start, PERIOD.compare_end)


def _report(shipment: Shipment, status: str, when: datetime) -> None:
    """A carrier's report about the parcel, applied at that time."""
    with time_machine.travel(when, tick=False):
        services.shipment_track(
            shipment=shipment,
            update=TrackingUpdate(
                tracking_number=shipment.tracking_number,
                event_id=f"{status}-{when.isoformat()}",
                status=status,
                happened_at=when,
                description="Adreste kimse yok" if status == "exception" else "",
            ),
        )


def _journey(
    carrier: object, placed: datetime, shipped: datetime | None, *reports: tuple[str, datetime]
) -> Order:
    """An order placed, packed, shipped with the carrier and reported on, each at its time."""
    with time_machine.travel(placed, tick=False):
        order = packed_order((stocked_variant(), 2))
    if shipped is not None:
        with time_machine.travel(shipped, tick=False):
            parcel = services.order_ship(
                order=order, carrier=carrier, tracking_number=f"T{order.pk}-{shipped:%d%H}"
            )
        for status, when in reports:
            _report(parcel, status, when)
    return Order.objects.get(pk=order.pk)


def _fulfilment_data(carriers: list, rounds: int = 1) -> None:
    aras, yurtici = carriers
    for n in range(rounds):
        _journey(aras, at(2 + n, 9), at(3 + n, 15), ("delivered", at(5 + n, 11)))
        _journey(aras, at(4, 20), at(5, 10), ("exception", at(6, 12)), ("delivered", at(8, 16)))
        _journey(yurtici, at(9, 8), at(9, 17), ("in_transit", at(10, 9)), ("delivered", at(18)))
        _journey(yurtici, at(28, 14, 5), at(29, 11, 5), ("delivered", at(1, 10)))
        _journey(aras, at(20, 10, 5), at(22, 10, 5), ("exception", at(25, 10, 5)))
        _journey(yurtici, at(1, 9, 6), None)  # never shipped: late once its ship day passed
        _journey(aras, at(19, 8), at(19, 11))  # on the road


@pytest.fixture
def carriers() -> list:
    shipping_setup()
    return [simulated_carrier(name="Aras Kargo"), simulated_carrier(name="Yurtiçi Kargo")]


def _load(name: str):
    with time_machine.travel(NOW, tick=False):
        return panel_named(name).load(PERIOD)


def _figures(data) -> dict:
    return {figure.label: (figure.value, figure.compare) for figure in data.figures}


def _tenth(seconds: float | None, unit: int) -> Decimal | None:
    if seconds is None:
        return None
    return (Decimal(str(seconds)) / unit).quantize(Decimal("0.1"))


def _spread(spans: list[float], unit: int) -> tuple:
    return (
        _tenth(percentile_cont(spans, 0.5), unit),
        _tenth(percentile_cont(spans, 0.9), unit),
        len(spans),
    )


def _first_parcels() -> list[Shipment]:
    first: dict[int, Shipment] = {}
    for parcel in Shipment.objects.select_related("order", "carrier").order_by("shipped_at", "pk"):
        first.setdefault(parcel.order_id, parcel)
    return list(first.values())


def _by_carrier(parcels: list[Shipment], span, unit: int) -> list[tuple]:
    grouped = defaultdict(list)
    for parcel in parcels:
        grouped[parcel.carrier.name].append(span(parcel))
    return [(name, *_spread(spans, unit)) for name, spans in sorted(grouped.items())]


def _carrier_rows(data) -> list[tuple]:
    return [
        (row["carrier"], row["median"], row["p90"], row["count"])
        for row in data.table("carriers").rows
    ]


def test_time_to_ship_and_to_deliver_match_every_parcel(carriers):
    _fulfilment_data(carriers)

    def ship_span(parcel: Shipment) -> float:
        return (parcel.shipped_at - parcel.order.placed_at).total_seconds()

    def deliver_span(parcel: Shipment) -> float:
        return (parcel.delivered_at - parcel.order.placed_at).total_seconds()

    first = _first_parcels()
    shipped_now = [p for p in first if _now(p.shipped_at)]
    shipped_before = [p for p in first if _before(p.shipped_at)]
    ship = _figures(_load("fulfilment.ship"))
    values = list(ship.values())
    median, p90, count = _spread([ship_span(p) for p in shipped_now], 3600)
    before = _spread([ship_span(p) for p in shipped_before], 3600)
    assert values == [(median, before[0]), (p90, before[1]), (count, before[2])]
    assert count == 4 and before[2] == 2
    assert _carrier_rows(_load("fulfilment.ship")) == _by_carrier(shipped_now, ship_span, 3600)

    parcels = list(Shipment.objects.select_related("order", "carrier"))
    delivered_now = [p for p in parcels if _now(p.delivered_at)]
    delivered_before = [p for p in parcels if _before(p.delivered_at)]
    deliver = _load("fulfilment.deliver")
    median, p90, count = _spread([deliver_span(p) for p in delivered_now], 86400)
    before = _spread([deliver_span(p) for p in delivered_before], 86400)
    assert list(_figures(deliver).values()) == [
        (median, before[0]),
        (p90, before[1]),
        (count, before[2]),
    ]
    assert count == 4 and before[2] == 0 and median is not None
    assert _carrier_rows(deliver) == _by_carrier(delivered_now, deliver_span, 86400)


def test_on_time_failed_attempts_and_late_shipments_match_the_parcels(carriers):
    _fulfilment_data(carriers)
    parcels = list(Shipment.objects.select_related("order", "carrier"))

    def delivered_day(parcel: Shipment) -> date:
        return parcel.delivered_at.astimezone(ZONE).date()

    promised = [p for p in parcels if _now(p.delivered_at) and p.order.promised_to]
    on_time = [p for p in promised if delivered_day(p) <= p.order.promised_to]
    data = _load("fulfilment.on_time")
    rate = (Decimal(100) * len(on_time) / len(promised)).quantize(Decimal("0.1"))
    assert [f.value for f in data.figures] == [rate, len(promised)]
    carriers_seen = sorted({p.carrier.name for p in promised})
    assert [
        (row["label"], row["delivered"], row["on_time"]) for row in data.table("carriers").rows
    ] == [
        (
            name,
            sum(p.carrier.name == name for p in promised),
            sum(p.carrier.name == name for p in on_time),
        )
        for name in carriers_seen
    ]

    problems = list(ShipmentEvent.objects.filter(status="exception").select_related("shipment"))
    failed = _load("fulfilment.failed")
    now = [e for e in problems if _now(e.happened_at)]
    before = [e for e in problems if _before(e.happened_at)]
    assert list(_figures(failed).values()) == [
        (len(now), len(before)),
        (len({e.shipment_id for e in now}), len({e.shipment_id for e in before})),
    ]
    assert (len(now), len(before)) == (1, 1)
    assert [(r["carrier"], r["attempts"]) for r in failed.table("carriers").rows] == [
        ("Aras Kargo", 1)
    ]

    late = _load("fulfilment.late")
    unshipped = sorted(
        (o.promised_ship_by, o.pk, o.number)
        for o in Order.objects.all()
        if o.status in NOT_SHIPPED and o.promised_ship_by and o.promised_ship_by < TODAY
    )
    late_parcels = sorted(
        (p.order.promised_to, p.pk, p.order.number)
        for p in promised
        if delivered_day(p) > p.order.promised_to
    )
    assert [f.value for f in late.figures] == [len(unshipped), len(late_parcels)]
    assert len(unshipped) == 1
    assert [row["order"] for row in late.table("unshipped").rows] == [n for *_, n in unshipped]
    assert [row["order"] for row in late.table("delivered").rows] == [n for *_, n in late_parcels]


def _returns_data(carriers: list, rounds: int = 1) -> None:
    aras = carriers[0]
    for n in range(rounds):
        kept = _journey(aras, at(2, 9), at(2, 15), ("delivered", at(4 + n, 11)))
        damaged = _journey(aras, at(3, 9), at(3, 15), ("delivered", at(5, 11)))
        small = _journey(aras, at(3, 9), at(3, 16), ("delivered", at(6, 11)))
        called_off = _journey(aras, at(3, 9), at(3, 17), ("delivered", at(6, 12)))
        last_month = _journey(aras, at(20, 9, 5), at(21, 9, 5), ("delivered", at(25, 11, 5)))
        with time_machine.travel(at(8), tick=False):
            services.return_request(
                order=damaged, quantities={damaged.lines.get().pk: 1}, reason_code="damaged"
            )
            services.return_request(
                order=small, quantities={small.lines.get().pk: 2}, reason_code="wrong_size"
            )
            services.return_request(
                order=last_month, quantities={last_month.lines.get().pk: 1}, reason_code=""
            )
            gone = services.return_request(
                order=called_off, quantities={called_off.lines.get().pk: 1}, reason_code="late"
            )
            services.return_cancel(order_return=gone, note="Kargo gelmedi")
        assert kept.status == "delivered"


def test_the_return_rate_matches_the_delivered_orders_and_their_returns(carriers):
    _returns_data(carriers)
    first_delivery: dict[int, datetime] = {}
    for event in OrderEvent.objects.filter(to_status="delivered").order_by("created_at", "pk"):
        first_delivery.setdefault(event.order_id, event.created_at)
    counted = [
        line
        for line in ReturnLine.objects.select_related("order_return")
        if line.order_return.status not in ("rejected", "cancelled")
    ]

    def figures(when) -> tuple:
        orders = [pk for pk, moment in first_delivery.items() if when(moment)]
        units = sum(
            line.quantity for o in Order.objects.filter(pk__in=orders) for line in o.lines.all()
        )
        lines = [line for line in counted if line.order_return.order_id in orders]
        returned = len({line.order_return.order_id for line in lines})
        units_back = sum(line.quantity for line in lines)
        return orders, units, lines, returned, units_back

    orders, units, lines, returned, units_back = figures(_now)
    b_orders, b_units, _b_lines, b_returned, b_units_back = figures(_before)
    data = _load("returns.returns")

    def pct(part: int, whole: int) -> Decimal:
        return (Decimal(100) * part / whole).quantize(Decimal("0.1"))

    assert list(_figures(data).values()) == [
        (pct(returned, len(orders)), pct(b_returned, len(b_orders))),
        (pct(units_back, units), pct(b_units_back, b_units)),
        (len(orders), len(b_orders)),
        (units_back, b_units_back),
    ]
    assert (len(orders), returned, units_back) == (4, 2, 3)
    by_reason = defaultdict(lambda: [set(), 0])
    for line in lines:
        by_reason[line.order_return.reason_code][0].add(line.order_return.order_id)
        by_reason[line.order_return.reason_code][1] += line.quantity
    assert sorted(
        (row["orders"], row["units"], row["order_rate"], row["unit_rate"])
        for row in data.table("reasons").rows
    ) == sorted(
        (len(ids), quantity, pct(len(ids), len(orders)), pct(quantity, units))
        for ids, quantity in by_reason.values()
    )


def _cancellations_data() -> None:
    shipping_setup()
    for moment, how in (
        (at(2), "customer"),
        (at(3), "staff"),
        (at(4), "expired"),
        (at(5), None),
        (at(20, 9), "customer"),  # today, read live
        (at(20, 10), None),
        (at(25, 10, 5), "customer"),  # the comparison period
        (at(26, 10, 5), None),
    ):
        with time_machine.travel(moment, tick=False):
            method = "card" if how == "expired" else "cod"
            order = place(cart_with((stocked_variant(), 1)), payment_method=method)
            if how != "expired":
                services.checkout_payment_start(order=order)
            if how == "customer":
                services.order_cancel_by_customer(order=Order.objects.get(pk=order.pk))
            elif how == "staff":
                services.order_cancel_by_staff(order=Order.objects.get(pk=order.pk))
        if how == "expired":
            order.refresh_from_db()
            assert services.order_expire(order_id=order.pk, now=order.expires_at + timedelta(1))


def test_the_cancellation_rate_reads_closed_days_and_today_alike():
    _cancellations_data()
    with time_machine.travel(NOW, tick=False):
        analytics_refresh(first=date(2026, 5, 1), last=TODAY - timedelta(days=1))
    orders = list(Order.objects.all())

    def share(when, reasons=None) -> Decimal:
        placed = [o for o in orders if when(o.placed_at)]
        gone = [
            o
            for o in placed
            if o.status == "cancelled" and (reasons is None or o.cancel_reason in reasons)
        ]
        return (Decimal(100) * len(gone) / len(placed)).quantize(Decimal("0.1"))

    data = _load("returns.cancellations")
    checkout = ("expired", "payment_failed")
    others = ("customer", "staff", "complaint", "refused")
    assert list(_figures(data).values()) == [
        (share(_now), share(_before)),
        (share(_now, checkout), share(_before, checkout)),
        (share(_now, others), share(_before, others)),
        (6, 2),
    ]
    assert share(_now) == Decimal("66.7")
    rows = {row["reason"]: row["orders"] for row in data.table("reasons").rows}
    assert sorted(rows.values()) == [1, 1, 2]


def test_nps_by_week_counts_the_surveys_sent(settings):
    settings.JOURNEY_FEEDBACK_AFTER_DAYS = 3
    plan = [(at(1, 9), 10), (at(2, 9), 3), (at(9, 9), 9), (at(10, 9), None), (at(18, 9, 5), 0)]
    for delivered, score in plan:
        order = surveyed_order(at=delivered, products=[stocked_variant().product])
        with time_machine.travel(delivered + timedelta(days=3, hours=1), tick=False):
            feedback_sweep()
        if score is not None:
            feedback_answer(survey=FeedbackSurvey.objects.get(order=order), score=score)
    surveys = [s for s in FeedbackSurvey.objects.all() if s.sent_at is not None]

    def nps(chosen: list) -> int | None:
        answers = [s.score for s in chosen if s.answered_at]
        if not answers:
            return None
        good, bad = sum(a >= 9 for a in answers), sum(a <= 6 for a in answers)
        return round(100 * (good - bad) / len(answers))

    data = _load("returns.nps")
    now = [s for s in surveys if _now(s.sent_at)]
    before = [s for s in surveys if _before(s.sent_at)]
    assert _figures(data)["NPS"] == (nps(now), nps(before)) == (33, -100)  # 10, 3, 9 | 0
    weeks = defaultdict(list)
    for survey in now:
        day = survey.sent_at.astimezone(ZONE).date()
        weeks[day - timedelta(days=day.weekday())].append(survey)
    assert [(row["week"], row["sent"], row["nps"]) for row in data.table("weeks").rows] == [
        (week, len(chosen), nps(chosen)) for week, chosen in sorted(weeks.items())
    ]


def _campaigns(count: int, first_day: int = 2) -> None:
    consenting_customers(3)
    for n in range(count):
        with time_machine.travel(at(first_day + n), tick=False):
            send_now(draft_campaign(name=f"Kampanya {first_day + n}"))


def test_the_campaign_panel_lists_the_latest_campaigns_with_their_reach():
    _campaigns(7)
    with time_machine.travel(at(25, 10, 5), tick=False):
        send_now(draft_campaign(name="Geçen ay"))  # before the dates
    data = _load("complaints.campaigns")
    sent = [c for c in Campaign.objects.all() if _now(c.started_at)]
    assert [f.value for f in data.figures] == [7, sum(c.sent_count for c in sent)]
    rows = data.table("campaigns").rows
    assert [row["campaign"] for row in rows] == [f"Kampanya {n}" for n in (8, 7, 6, 5, 4)]
    for row in rows:
        campaign = Campaign.objects.get(name=row["campaign"])
        delivered = Message.objects.filter(
            subject_type="campaign",
            subject_id=str(campaign.pk),
            status__in=[Status.SENT, Status.DELIVERED],
        )
        assert (row["reach"], row["delivered"]) == (campaign.sent_count, delivered.count())
        assert row["conversions"] == 0  # nobody ordered


def test_the_campaign_panel_reads_in_a_bounded_number_of_queries(carriers):
    _campaigns(5)
    with CaptureQueriesContext(connection) as few:
        _load("complaints.campaigns")
    _campaigns(3, first_day=10)
    _fulfilment_data(carriers)
    with CaptureQueriesContext(connection) as more:
        _load("complaints.campaigns")
    assert len(few) == len(more) <= 1 + 5 * 7


PANELS = {
    "fulfilment.ship": 1,
    "fulfilment.deliver": 1,
    "fulfilment.on_time": 1,
    "fulfilment.failed": 1,
    "fulfilment.late": 2,
    "returns.returns": 2,
    "returns.cancellations": 3,
    "returns.nps": 2,
}


def _queries() -> dict[str, int]:
    counted = {}
    for name in PANELS:
        with CaptureQueriesContext(connection) as queries:
            _load(name)
        counted[name] = len(queries)
    return counted


def test_each_panel_reads_in_a_pinned_number_of_queries_whatever_the_data(carriers):
    _fulfilment_data(carriers)
    _returns_data(carriers)
    with time_machine.travel(NOW, tick=False):
        analytics_refresh(first=date(2026, 5, 1), last=TODAY - timedelta(days=1))
    assert _queries() == PANELS
    _fulfilment_data(carriers, rounds=2)
    _returns_data(carriers, rounds=2)
    with time_machine.travel(NOW, tick=False):
        analytics_refresh(first=date(2026, 5, 1), last=TODAY - timedelta(days=1))
    assert _queries() == PANELS
