"""The delivery promise read from the warehouse's calendar (the shop's one business calendar on
the warehouse's weekdays, with its cut-off): for one method, for the methods on offer, and for
the product page. The arithmetic is `orders.promise` (pure)."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Count, Exists, F, Func, OuterRef, Q, QuerySet, Subquery, Window
from django.db.models.functions import Coalesce, DenseRank, TruncDate
from django.utils import timezone

from shop import pagecache
from shop.calendar import BusinessCalendar
from shop.dates import days_between
from shop.kept import Kept

from ..models import Order, Shipment, ShippingMethod
from ..promise import CutoffFunction, Promise, add_shipping_days, promise_at
from ..states import OrderStatus, ShipmentStatus


class _BeyondSpan(LookupError):
    pass


def _zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def warehouse_cutoff(hours: tuple[time, time] | None, day: date) -> time | None:
    """The cut-off on a day the calendar gives `hours` for: WAREHOUSE_CUTOFF, moved earlier on
    a half day by as much as the closing is; None when nothing ships (closed, or the moved
    cut-off is not after the opening)."""
    if hours is None:
        return None
    opens, closes = hours
    usual_closes = time.fromisoformat(settings.BUSINESS_HOURS[1])
    cutoff = datetime.combine(day, time.fromisoformat(settings.WAREHOUSE_CUTOFF))
    earlier = max(datetime.combine(day, usual_closes) - datetime.combine(day, closes), timedelta())
    moved = cutoff - earlier
    return moved.time() if moved.date() == day and moved.time() > opens else None


def _warehouse_days(first: date, last: date) -> CutoffFunction:
    calendar = BusinessCalendar(first, last, working_weekdays=settings.WAREHOUSE_WORKING_WEEKDAYS)

    def cutoff(day: date) -> time | None:
        if not first <= day <= last:
            raise _BeyondSpan
        return warehouse_cutoff(calendar.hours(day), day)

    return cutoff


def _with_calendar[T](first: date, days: int, compute: Callable[[CutoffFunction], T]) -> T:
    """`compute` with the warehouse's days from `first` on, read in one query over a span that
    is usually wide enough (doubled and read again when it is not)."""
    span = days * 3 + 21
    while True:
        try:
            return compute(_warehouse_days(first, first + timedelta(days=span)))
        except _BeyondSpan:
            span *= 2


def delivery_promises[T](
    methods: Iterable[tuple[T, int, int]], *, now: datetime | None = None
) -> dict[T, Promise]:
    """The promise for each `(key, days_min, days_max)`, reading the calendar once."""
    now = now or timezone.now()
    methods = list(methods)
    longest = max((max(low, high) for _key, low, high in methods), default=0)
    zone = _zone()

    def compute(cutoff: CutoffFunction) -> dict[T, Promise]:
        return {
            key: promise_at(now, days_min=low, days_max=high, cutoff=cutoff, zone=zone)
            for key, low, high in methods
        }

    return _with_calendar(now.astimezone(zone).date(), longest, compute)


def delivery_promise(*, days_min: int, days_max: int, now: datetime | None = None) -> Promise:
    return delivery_promises([(None, days_min, days_max)], now=now)[None]


def shipping_days_after(start: date, days: int) -> date:
    """The `days`-th day after `start` on which parcels move (ship and are delivered)."""
    return _with_calendar(start, days, lambda cutoff: add_shipping_days(start, days, cutoff=cutoff))


def default_method_days() -> tuple[int, int] | None:
    """The days of the method checkout offers first (the first active one), or None."""
    return (
        ShippingMethod.objects.filter(is_active=True, carrier__is_active=True)
        .order_by("position", "pk")
        .values_list("days_min", "days_max")
        .first()
    )


def _default_promise(now: datetime) -> Promise | None:
    days = default_method_days()
    if days is None:
        return None
    return delivery_promise(days_min=days[0], days_max=days[1], now=now)


# The default promise kept per worker under the DELIVERY page version (moved at each cut-off, at
# midnight and when a method's days or the calendar change): the product page and the cart ask
# no query for it.
KEPT_PROMISES = Kept(4)


def default_promise(*, now: datetime | None = None) -> Promise | None:
    """What the product page and the cart promise: the first method checkout offers, ordered
    now. Kept until its cut-off passes or the DELIVERY version moves; given `now`, worked out
    afresh."""
    if now is not None:
        return _default_promise(now)
    now = timezone.now()
    key = pagecache.versions([pagecache.DELIVERY])[pagecache.DELIVERY]
    kept = KEPT_PROMISES.get(key)
    if kept is not None and (kept[1] is None or kept[1].order_by > now):
        return kept[1]
    # Kept in a pair, so that "no method ships" (None) is kept too and told from "not kept".
    return KEPT_PROMISES.put(key, (key, _default_promise(now)))[1]


def promise_epoch(*, now: datetime | None = None) -> str:
    """What a page showing the default promise depends on: the day and the cut-off it counts
    down to. It changes at the cut-off and at midnight (`orders.refresh_promise_pages`)."""
    now = now or timezone.now()
    promise = _default_promise(now)
    today = now.astimezone(_zone()).date().isoformat()
    if promise is None:
        return f"{today}:none"
    return f"{today}:{promise.order_by.isoformat()}:{promise.earliest}:{promise.latest}"


# Where a late order stands: not yet shipped, or on the road.
NOT_SHIPPED = (OrderStatus.CONFIRMED, OrderStatus.PREPARING, OrderStatus.PACKED)
ON_THE_ROAD = (OrderStatus.SHIPPED, OrderStatus.IN_TRANSIT, OrderStatus.OUT_FOR_DELIVERY)


def orders_to_check_against_promise(*, now: datetime) -> QuerySet[Order]:
    """Open orders, not yet found late, that may miss their promise: not shipped by the ship
    day, on the road past the promised day, with a delivery problem, or with no carrier report
    for DELIVERY_STALL_HOURS. `order_estimate` then decides."""
    today = now.astimezone(_zone()).date()
    stalled_since = now - timedelta(hours=settings.DELIVERY_STALL_HOURS)
    # A parcel returned to sender is off the road too (docs/fulfilment.md).
    open_parcels = Shipment.objects.filter(order=OuterRef("pk")).exclude(
        status__in=(ShipmentStatus.DELIVERED, ShipmentStatus.RETURNED)
    )
    trouble = Exists(open_parcels.filter(status=ShipmentStatus.EXCEPTION))
    stalled = Exists(
        open_parcels.annotate(moved_at=Coalesce("last_event_at", "shipped_at")).filter(
            moved_at__lt=stalled_since
        )
    )
    return Order.objects.filter(
        Q(status__in=NOT_SHIPPED, promised_ship_by__lt=today)
        | Q(status__in=ON_THE_ROAD) & (Q(promised_to__lt=today) | trouble | stalled),
        late_noticed_at__isnull=True,
        promised_to__isnull=False,
    ).order_by("promised_to", "pk")


def order_estimate(*, order: Order, now: datetime | None = None) -> date | None:
    """The latest day the order can now be expected, when that is after its promise; else None
    (still on time, or nothing promised). Not shipped once its ship day is over: as if it were
    ordered now. On the road: a day after today for a stalled parcel, after the problem for one
    the carrier reported trouble with, and after today once the promised day has gone by."""
    now = now or timezone.now()
    if order.promised_to is None:
        return None
    today = now.astimezone(_zone()).date()
    if order.status in NOT_SHIPPED:
        if order.promised_ship_by is None or today <= order.promised_ship_by:
            return None  # its ship day is not over yet
        promise = delivery_promise(
            days_min=order.promised_days_min or 0,
            days_max=order.promised_days_max or 0,
            now=now,
        )
        return promise.latest if promise.latest > order.promised_to else None
    if order.status not in ON_THE_ROAD:
        return None
    expected = order.promised_to
    stalled_since = now - timedelta(hours=settings.DELIVERY_STALL_HOURS)
    parcels = order.shipments.exclude(
        status__in=(ShipmentStatus.DELIVERED, ShipmentStatus.RETURNED)
    ).only("status", "shipped_at", "last_event_at")
    # A problem reported (it happened by now) or a parcel gone quiet: a shipping day after today
    # at the earliest; so too once the promised day has gone by, unless it is out for delivery.
    held_up = any(
        parcel.status == ShipmentStatus.EXCEPTION
        or (parcel.last_event_at or parcel.shipped_at) < stalled_since
        for parcel in parcels
    )
    overdue = today > order.promised_to
    if overdue and order.status == OrderStatus.OUT_FOR_DELIVERY and not held_up:
        expected = max(expected, today)
    elif held_up or overdue:
        expected = max(expected, shipping_days_after(today, 1))  # one calendar read
    return expected if expected > order.promised_to else None


@dataclass(frozen=True)
class OnTimeRow:
    label: str
    delivered: int
    on_time: int

    @property
    def rate(self) -> Decimal | None:
        """The share delivered by the promised day, in per cent (one decimal), or None."""
        if not self.delivered:
            return None
        return (Decimal(100) * self.on_time / self.delivered).quantize(Decimal("0.1"))


@dataclass(frozen=True)
class OnTimeReport:
    total: OnTimeRow
    by_carrier: list[OnTimeRow]
    by_method: list[OnTimeRow]


def on_time_report(*, start: date, end: date) -> OnTimeReport:
    """Parcels delivered in the dates (both included, shop time) of orders with a promise: how
    many arrived by the promised day, in all, by carrier and by shipping method (as bought).
    One query grouped by carrier and method, summed here; the methods ranked by the database
    (its collation) and the carriers in its order. The analytics dashboard reads the same."""
    first, after = days_between(start, end)

    def of_order(field: str) -> Func:
        # Read through the order's primary key for each parcel in the dates: a probe each
        # rather than a pass over every order. Wrapped so that grouping by it groups by the
        # value, not by the order it is read from.
        found = Order.objects.filter(pk=OuterRef("order_id")).order_by().values(field)
        return Func(
            Subquery(found), template="%(expressions)s", output_field=found.query.output_field
        )

    grouped = (
        Shipment.objects.filter(delivered_at__gte=first, delivered_at__lt=after)
        .annotate(
            day=TruncDate("delivered_at", tzinfo=_zone()),
            promised=of_order("promised_to"),
            method=of_order("shipping_method"),
        )
        .filter(promised__isnull=False)
        .values("carrier__name", "method")
        .annotate(delivered=Count("pk"), on_time=Count("pk", filter=Q(day__lte=F("promised"))))
        .annotate(method_rank=Window(DenseRank(), order_by=F("method").asc()))
        .order_by("carrier__name", "method")
    )
    carriers: dict[str, list[int]] = {}
    methods: dict[str, list[int]] = {}
    total = [0, 0]
    for row in grouped:
        counts = (row["delivered"], row["on_time"])
        for sums in (
            total,
            carriers.setdefault(row["carrier__name"], [0, 0]),
            methods.setdefault(row["method"], [0, 0, row["method_rank"]]),
        ):
            sums[0] += counts[0]
            sums[1] += counts[1]
    return OnTimeReport(
        total=OnTimeRow("", total[0], total[1]),
        by_carrier=[OnTimeRow(name or "—", *sums) for name, sums in carriers.items()],
        by_method=[
            OnTimeRow(name or "—", sums[0], sums[1])
            for name, sums in sorted(methods.items(), key=lambda item: item[1][2])
        ],
    )
