"""The dashboard's rollups (crm/models/analytics.py), recomputed from orders and the ledger.

`analytics_refresh(first=, last=)` recomputes the shop days `first`..`last` (and the calendar
months they touch, for the monthly and customer tables) in one transaction: the database groups
and sums, Python only moves the grouped rows (days × methods, days × products) into the tables,
replacing the old rows of those days. Running it twice writes the same rows. Refreshes take the
rollups' state row lock first, so two never interleave. Every refresh bumps the rollups' version,
which the dashboard's panel cache keys carry. Definitions: docs/analytics.md.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from functools import reduce
from operator import or_
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Count,
    DateField,
    DecimalField,
    Exists,
    ExpressionWrapper,
    F,
    Min,
    OuterRef,
    Q,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Cast, Concat, Lower, Round, TruncDate, TruncMonth, Upper
from django.utils import timezone

from orders.models import Order, OrderLine
from orders.states import OrderStatus
from payments.models import PaymentEvent, PaymentPurpose
from shop.dates import days_between
from shop.money import ZERO, to_money

from ..models import (
    AnalyticsState,
    CancellationDaily,
    CustomerMonth,
    ProductSalesDaily,
    ProductSalesMonthly,
    SalesDaily,
)

STATE = "rollups"
# Orders that do not count: not accepted by their payment method yet, or cancelled.
NOT_ACCEPTED = (OrderStatus.PENDING_PAYMENT, OrderStatus.CANCELLED)
CAPTURE = PaymentEvent.Kind.CAPTURE
# What counts against a capture in net revenue: refunds (paid out or taken off the open tab),
# money the bank took back (a returned e-check) and corrections of a capture.
TAKEN_BACK = (
    PaymentEvent.Kind.REFUND,
    PaymentEvent.Kind.REFUND_OFF_TAB,
    PaymentEvent.Kind.RETURN,
    PaymentEvent.Kind.CORRECTION,
)
MONEY = DecimalField(max_digits=14, decimal_places=2)
BATCH = 2000


def zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def accepted() -> Q:
    """An order that counts (docs/analytics.md): neither awaiting payment nor cancelled."""
    return ~Q(status__in=NOT_ACCEPTED)


def customer_key() -> Case:
    """ "u:<account id>", or "e:<lower-case email>" for a guest: who an order's customer is."""
    return Case(
        When(user__isnull=False, then=Concat(Value("u:"), Cast("user_id", CharField()))),
        default=Concat(Value("e:"), Lower("email")),
        output_field=CharField(),
    )


def earlier_accepted_order() -> tuple[Exists, Exists]:
    """For an order (OuterRef, annotated with `email_upper`): an accepted order of the same
    account, and of the same guest email (any case), placed before it (by time, then by id).
    Where there is none, the order is its customer's first (docs/analytics.md)."""
    earlier = Q(placed_at__lt=OuterRef("placed_at")) | Q(
        placed_at=OuterRef("placed_at"), pk__lt=OuterRef("pk")
    )
    account = Order.objects.filter(accepted(), earlier, user_id=OuterRef("user_id"))
    guest = (
        Order.objects.filter(user__isnull=True)
        .annotate(email_upper=Upper("email"))
        .filter(accepted(), earlier, email_upper=OuterRef("email_upper"))
    )
    return Exists(account), Exists(guest)


@dataclass(frozen=True)
class Refreshed:
    first: date
    last: date
    sales_rows: int
    product_rows: int
    customer_rows: int
    version: int


def _day(field: str) -> TruncDate:
    return TruncDate(field, tzinfo=zone())


def _money(value: object) -> Decimal:
    return to_money(value or ZERO)  # SQLite sums decimals as floats


def _months(first: date, last: date) -> tuple[date, date]:
    """The first day of `first`'s month and the last day of `last`'s month."""
    start = first.replace(day=1)
    following = (last.replace(day=1) + timedelta(days=32)).replace(day=1)
    return start, following - timedelta(days=1)


def sales_rows(
    first: date,
    last: date,
    now: datetime | None = None,
    *,
    windows: Sequence[tuple[datetime, datetime]] = (),
) -> list[SalesDaily]:
    """SalesDaily rows (unsaved) of the shop days `first`..`last`, computed from the orders and
    the ledger in two grouped queries: the refresh saves them, the dashboard reads today's.
    `windows` (start, end) instead of the days: only what happened in them (today so far and
    the same weekday a week before up to the same hour), each window within one shop day."""
    now = now or timezone.now()
    windows = windows or [days_between(first, last)]
    placed = reduce(or_, (Q(placed_at__gte=since, placed_at__lt=until) for since, until in windows))
    moved = reduce(
        or_, (Q(created_at__gte=since, created_at__lt=until) for since, until in windows)
    )
    account_earlier, guest_earlier = earlier_accepted_order()
    orders = (
        Order.objects.filter(placed)
        .annotate(email_upper=Upper("email"))
        .annotate(
            day=_day("placed_at"),
            is_new=Case(
                When(user__isnull=False, then=~account_earlier),
                default=~guest_earlier,
                output_field=BooleanField(),
            ),
        )
        .values("day", "payment_method")
        .annotate(
            placed=Count("pk"),
            accepted=Count("pk", filter=accepted()),
            booked=Sum("total", filter=accepted()),
            booked_vat=Sum("vat", filter=accepted()),
            new_orders=Count("pk", filter=accepted() & Q(is_new=True)),
            new_booked=Sum("total", filter=accepted() & Q(is_new=True)),
        )
        .order_by()
    )
    rows: dict[tuple[date, str], SalesDaily] = {}

    def row(day: date, method: str) -> SalesDaily:
        key = (day, method)
        if key not in rows:
            rows[key] = SalesDaily(
                day=day, method=method, currency=settings.SHOP_CURRENCY, computed_at=now
            )
        return rows[key]

    for found in orders:
        sales = row(found["day"], found["payment_method"])
        sales.placed = found["placed"]
        sales.accepted = found["accepted"]
        sales.booked = _money(found["booked"])
        sales.booked_vat = _money(found["booked_vat"])
        sales.new_orders = found["new_orders"]
        sales.new_booked = _money(found["new_booked"])
    # The VAT in each money movement is the order's own share: amount × vat ÷ total. SQLite
    # keeps whole amounts (120.00) as integers and divides integers as integers (50 × 20 ÷ 120
    # would give 8, not 8.33): the × 1.00 makes the division a decimal one on both databases.
    vat_share = Case(
        When(
            payment__order__total__gt=0,
            then=Round(
                ExpressionWrapper(
                    F("amount")
                    * F("payment__order__vat")
                    * Value(Decimal("1.00"), output_field=MONEY)
                    / F("payment__order__total"),
                    output_field=MONEY,
                ),
                2,
            ),
        ),
        default=Value(ZERO),
        output_field=MONEY,
    )
    money = (
        PaymentEvent.objects.filter(
            moved,
            payment__purpose=PaymentPurpose.ORDER,
            kind__in=(CAPTURE, *TAKEN_BACK),
        )
        .annotate(day=_day("created_at"), vat_share=vat_share)
        .values("day", "payment__method")
        .annotate(
            captured=Sum("amount", filter=Q(kind=CAPTURE)),
            taken_back=Sum("amount", filter=Q(kind__in=TAKEN_BACK)),
            vat_in=Sum("vat_share", filter=Q(kind=CAPTURE)),
            vat_out=Sum("vat_share", filter=Q(kind__in=TAKEN_BACK)),
        )
        .order_by()
    )
    for found in money:
        sales = row(found["day"], found["payment__method"])
        sales.captured = _money(found["captured"])
        sales.taken_back = _money(found["taken_back"])
        sales.net_vat = _money(found["vat_in"]) - _money(found["vat_out"])
    return list(rows.values())


def _cancellation_rows(first: date, last: date, now) -> list[CancellationDaily]:
    since, until = days_between(first, last)
    grouped = (
        Order.objects.filter(
            placed_at__gte=since, placed_at__lt=until, status=OrderStatus.CANCELLED
        )
        .annotate(day=_day("placed_at"))
        .values("day", "cancel_reason", "payment_method")
        .annotate(orders=Count("pk"), total=Sum("total"))
        .order_by()
    )
    return [
        CancellationDaily(
            day=found["day"],
            reason=found["cancel_reason"] or "",
            method=found["payment_method"],
            orders=found["orders"],
            total=_money(found["total"]),
            computed_at=now,
        )
        for found in grouped
    ]


def _product_rows(first: date, last: date, now) -> list[ProductSalesDaily]:
    since, until = days_between(first, last)
    grouped = (
        OrderLine.objects.filter(order__placed_at__gte=since, order__placed_at__lt=until)
        .exclude(order__status__in=NOT_ACCEPTED)
        .annotate(day=_day("order__placed_at"))
        .values("day", "product_id", "product__category_id")
        .annotate(
            units=Sum("quantity"),
            orders=Count("order_id", distinct=True),
            revenue=Sum("total"),
            revenue_vat=Sum("vat"),
        )
        .order_by()
    )
    return [
        ProductSalesDaily(
            day=found["day"],
            product_id=found["product_id"],
            category_id=found["product__category_id"],
            units=found["units"] or 0,
            orders=found["orders"],
            revenue=_money(found["revenue"]),
            revenue_vat=_money(found["revenue_vat"]),
            computed_at=now,
        )
        for found in grouped
    ]


def product_rows(first: date, last: date, now: datetime | None = None) -> list[ProductSalesDaily]:
    """ProductSalesDaily rows (unsaved) of the shop days `first`..`last`, grouped in one query
    exactly as the refresh groups them: the dashboard reads today's from here."""
    return _product_rows(first, last, now or timezone.now())


def _monthly_rows(start: date, end: date, now) -> list[ProductSalesMonthly]:
    grouped = (
        ProductSalesDaily.objects.filter(day__gte=start, day__lte=end)
        .annotate(month=TruncMonth("day"))
        .values("month", "product_id")
        .annotate(
            category_id=Min("category_id"),
            units=Sum("units"),
            orders=Sum("orders"),
            revenue=Sum("revenue"),
            revenue_vat=Sum("revenue_vat"),
        )
        .order_by()
    )
    return [
        ProductSalesMonthly(
            month=found["month"],
            product_id=found["product_id"],
            category_id=found["category_id"],
            units=found["units"] or 0,
            orders=found["orders"] or 0,
            revenue=_money(found["revenue"]),
            revenue_vat=_money(found["revenue_vat"]),
            computed_at=now,
        )
        for found in grouped
    ]


def _customer_rows(start: date, end: date, now) -> list[CustomerMonth]:
    since, until = days_between(start, end)
    grouped = (
        Order.objects.filter(placed_at__gte=since, placed_at__lt=until)
        .filter(accepted())
        .annotate(
            customer_key=customer_key(),
            month=TruncMonth("placed_at", tzinfo=zone(), output_field=DateField()),
        )
        .values("customer_key", "month")
        .annotate(user_id=Min("user_id"), orders=Count("pk"), booked=Sum("total"))
        .order_by()
    )
    return [
        CustomerMonth(
            customer_key=found["customer_key"],
            user_id=found["user_id"],
            month=found["month"],
            orders=found["orders"],
            booked=_money(found["booked"]),
            computed_at=now,
        )
        for found in grouped
    ]


def analytics_refresh(*, first: date, last: date) -> Refreshed:
    """Recompute the rollups of the shop days `first`..`last` (both included) and of the
    months they touch; bump the version. Safe to run twice and alongside another refresh."""
    if last < first:
        raise ValueError("The last day comes before the first.")
    now = timezone.now()
    month_start, month_end = _months(first, last)
    with transaction.atomic():
        state, _created = AnalyticsState.objects.get_or_create(name=STATE)
        state = AnalyticsState.objects.select_for_update().get(pk=state.pk)
        sales = sales_rows(first, last, now)
        SalesDaily.objects.filter(day__gte=first, day__lte=last).delete()
        SalesDaily.objects.bulk_create(sales, batch_size=BATCH)
        CancellationDaily.objects.filter(day__gte=first, day__lte=last).delete()
        CancellationDaily.objects.bulk_create(
            _cancellation_rows(first, last, now), batch_size=BATCH
        )
        products = _product_rows(first, last, now)
        ProductSalesDaily.objects.filter(day__gte=first, day__lte=last).delete()
        ProductSalesDaily.objects.bulk_create(products, batch_size=BATCH)
        ProductSalesMonthly.objects.filter(month__gte=month_start, month__lte=month_end).delete()
        ProductSalesMonthly.objects.bulk_create(
            _monthly_rows(month_start, month_end, now), batch_size=BATCH
        )
        customers = _customer_rows(month_start, month_end, now)
        CustomerMonth.objects.filter(month__gte=month_start, month__lte=month_end).delete()
        CustomerMonth.objects.bulk_create(customers, batch_size=BATCH)
        state.version += 1
        state.refreshed_at = now
        if state.first_day is None or first < state.first_day:
            state.first_day = first
        state.save(update_fields=["version", "refreshed_at", "first_day"])
    return Refreshed(first, last, len(sales), len(products), len(customers), state.version)


def first_order_day() -> date | None:
    """The shop day of the oldest order, or None without orders."""
    oldest = Order.objects.order_by("placed_at").values_list("placed_at", flat=True).first()
    return timezone.localtime(oldest, zone()).date() if oldest else None


def analytics_rebuild(*, chunk_days: int = 92) -> list[Refreshed]:
    """Every day from the oldest order to today, a quarter at a time (`rebuild_analytics`);
    rows of days before the oldest order are dropped."""
    today = timezone.localdate(timezone=zone())
    first = first_order_day() or today
    with transaction.atomic():
        for model, field in (
            (SalesDaily, "day"),
            (CancellationDaily, "day"),
            (ProductSalesDaily, "day"),
        ):
            model.objects.filter(**{f"{field}__lt": first}).delete()
        for model in (ProductSalesMonthly, CustomerMonth):
            model.objects.filter(month__lt=first.replace(day=1)).delete()
        AnalyticsState.objects.filter(name=STATE).update(first_day=first)
    done = []
    start = first
    while start <= today:
        end = min(start + timedelta(days=chunk_days - 1), today)
        done.append(analytics_refresh(first=start, last=end))
        start = end + timedelta(days=1)
    return done


def analytics_refresh_recent() -> Refreshed:
    """Today and yesterday (the job every few minutes)."""
    today = timezone.localdate(timezone=zone())
    return analytics_refresh(first=today - timedelta(days=1), last=today)


def analytics_refresh_nightly() -> Refreshed:
    """The last ANALYTICS_NIGHTLY_DAYS days: late refunds and cancellations change past days."""
    today = timezone.localdate(timezone=zone())
    days = max(settings.ANALYTICS_NIGHTLY_DAYS, 1)
    return analytics_refresh(first=today - timedelta(days=days - 1), last=today)


def rollup_version() -> int:
    """The rollups' version (0 before the first refresh): part of every panel's cache key."""
    found = AnalyticsState.objects.filter(name=STATE).values_list("version", flat=True).first()
    return found or 0
