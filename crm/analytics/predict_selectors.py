"""The database reads behind the forecasts, churn risk and days of cover (docs/analytics.md).

Each figure is the arithmetic of `crm.analytics.forecast` done in SQL over the rollups
(ProductSalesDaily, CustomerStats, the variants' stock), one query per list, never a loop over
customers or orders in Python; only the rows returned (a page of a list) go through the pure
functions, so what the SQL selects and what the page shows are the same formula.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from itertools import pairwise

from django.conf import settings
from django.db.models import (
    Count,
    DecimalField,
    F,
    FloatField,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Cast, Coalesce
from django.db.models.lookups import GreaterThanOrEqual, LessThanOrEqual
from django.utils import timezone

from catalog.models import Category, Product, Variant
from catalog.models.products import ProductKind, ProductStatus
from shop.money import to_money

from ..models.analytics import ProductSalesDaily
from . import forecast as core
from .churn_sql import (
    DAY,
    HUNDREDTHS,
    Rhythm,
    future_value,
    hundredths,
    members,
    overdue_risk,
    rhythm,
    risk_at_least,
    risk_order,
    typical_gap_seconds,
)


@dataclass(frozen=True)
class OverdueCustomer:
    user_id: int
    email: str
    name: str
    orders: int
    last_order_at: datetime
    days_since: Decimal  # days since the last order, to 0.1
    usual_gap_days: Decimal  # to 0.1; the shop's typical gap for one-order customers
    risk: Decimal  # to 0.01
    lifetime_value: Decimal
    expected_value: Decimal  # lifetime value + the next 12 months' expectation


def _days(seconds: Decimal | int) -> Decimal:
    return (Decimal(seconds) / DAY).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def overdue_customers(
    limit: int = 50, *, now: datetime | None = None, typical: int | None = None
) -> list[OverdueCustomer]:
    """Members whose churn risk reached ANALYTICS_OVERDUE_RISK, the most valuable first (by
    lifetime value, then by risk): a win-back budget goes furthest on them. Two queries, one
    when the caller passes `typical` (typical_gap_seconds(), shared by a panel's selectors)."""
    now = now or timezone.now()
    typical = typical_gap_seconds() if typical is None else typical
    parts = rhythm(now=now, typical_gap_seconds=typical)
    rows = (
        members()
        .filter(risk_at_least(parts, overdue_risk()))
        .annotate(elapsed=parts.elapsed, span=parts.span, risk_order=risk_order(parts))
        .order_by("-lifetime_value", "-risk_order", "user_id")
        .values_list(
            "user_id",
            "user__email",
            "user__first_name",
            "user__last_name",
            "orders_count",
            "last_order_at",
            "elapsed",
            "span",
            "lifetime_value",
        )[:limit]
    )
    found = []
    for user_id, email, first, last, orders, last_at, elapsed, span, value in rows:
        shape = {"orders": orders, "span_seconds": span, "typical_gap_seconds": typical}
        found.append(
            OverdueCustomer(
                user_id=user_id,
                email=email,
                name=f"{first} {last}".strip(),
                orders=orders,
                last_order_at=last_at,
                days_since=_days(elapsed),
                usual_gap_days=_days(core.gap_seconds(**shape)),
                risk=core.churn_risk(elapsed_seconds=elapsed, **shape).quantize(HUNDREDTHS),
                lifetime_value=to_money(value),
                expected_value=to_money(
                    core.expected_value(lifetime_value=value, elapsed_seconds=elapsed, **shape)
                ),
            )
        )
    return found


@dataclass(frozen=True)
class RiskBand:
    key: str  # active, due, overdue, lapsed
    low: Decimal | None  # risk from (included)
    high: Decimal | None  # risk up to (excluded)
    customers: int
    expected_value: Decimal  # lifetime value + next 12 months, summed


@dataclass(frozen=True)
class ChurnSummary:
    customers: int  # members with at least one order
    typical_gap_days: Decimal
    overdue_risk: Decimal
    overdue: int
    bands: list[RiskBand]
    lifetime_value: Decimal
    expected_value: Decimal  # lifetime value + next 12 months, over everyone
    expected_next_12_months: Decimal


def _bands(threshold: Decimal) -> list[tuple[str, Decimal | None, Decimal | None]]:
    """Below 1: within their rhythm; 1 to the threshold: due; to twice it: overdue; beyond:
    lapsed."""
    one = Decimal(1)
    return [
        ("active", None, one),
        ("due", one, max(one, threshold)),
        ("overdue", max(one, threshold), 2 * threshold),
        ("lapsed", 2 * threshold, None),
    ]


def _per_customer(parts: Rhythm) -> QuerySet:
    """Members with a risk, each row's figures computed once: risk = r_num ÷ (100 × r_den), and
    the next 12 months' expected value. DISTINCT (harmless: one row per customer) makes Django
    aggregate over this as a subquery instead of repeating the expressions in every filter; only
    the columns the figures read are selected, so the DISTINCT sorts narrow rows."""
    return (
        members()
        .filter(parts.has_risk)
        .values("pk", "lifetime_value")
        .annotate(
            r_num=parts.elapsed * parts.per * 100,
            r_den=parts.gap,
            future=future_value(parts),
        )
        .order_by()
        .distinct()
    )


def _risk_from(threshold: Decimal) -> Q:
    """risk ≥ threshold over _per_customer's columns (exact, in hundredths)."""
    return Q(GreaterThanOrEqual(F("r_num"), F("r_den") * hundredths(threshold)))


def churn_summary(*, now: datetime | None = None, typical: int | None = None) -> ChurnSummary:
    """Members with an order counted by risk band, with their value: two queries (one with
    `typical` given)."""
    now = now or timezone.now()
    typical = typical_gap_seconds() if typical is None else typical
    threshold = overdue_risk()
    money = DecimalField(max_digits=20, decimal_places=2)
    figures: dict[str, object] = {
        "customers": Count("pk"),
        "lifetime": Sum("lifetime_value", output_field=money),
        "following": Sum("future", output_field=money),
        "overdue": Count("pk", filter=_risk_from(threshold)),
    }
    bands = _bands(threshold)
    for key, low, high in bands:
        inside = Q(pk__isnull=False)
        if low is not None:
            inside &= _risk_from(low)
        if high is not None:
            inside &= ~_risk_from(high)
        figures[f"{key}_n"] = Count("pk", filter=inside)
        figures[f"{key}_value"] = Sum(
            F("lifetime_value") + F("future"), filter=inside, output_field=money
        )
    parts = rhythm(now=now, typical_gap_seconds=typical)
    totals = _per_customer(parts).aggregate(**figures)
    lifetime, following = to_money(totals["lifetime"] or 0), to_money(totals["following"] or 0)
    return ChurnSummary(
        customers=totals["customers"],
        typical_gap_days=_days(typical),
        overdue_risk=threshold,
        overdue=totals["overdue"],
        bands=[
            RiskBand(
                key=key,
                low=low,
                high=high,
                customers=totals[f"{key}_n"],
                expected_value=to_money(totals[f"{key}_value"] or 0),
            )
            for key, low, high in bands
        ],
        lifetime_value=lifetime,
        expected_value=lifetime + following,
        expected_next_12_months=following,
    )


# Lifetime value buckets (TRY, lower bound included); the last one is open.
LTV_EDGES = tuple(Decimal(edge) for edge in ("0", "250", "500", "1000", "2500", "5000", "10000"))


@dataclass(frozen=True)
class ValueBucket:
    low: Decimal | None  # None: below zero (refunds beyond purchases)
    high: Decimal | None  # excluded; None: open
    customers: int  # by lifetime value so far
    expected: int  # by expected lifetime value (so far + next 12 months)


def ltv_distribution(
    *, now: datetime | None = None, typical: int | None = None
) -> list[ValueBucket]:
    """Members with an order by lifetime value and by expected lifetime value, in LTV_EDGES
    buckets: two queries (one with `typical` given)."""
    now = now or timezone.now()
    typical = typical_gap_seconds() if typical is None else typical
    parts = rhythm(now=now, typical_gap_seconds=typical)
    expected = F("lifetime_value") + F("future")
    edges: list[Decimal | None] = [None, *LTV_EDGES, None]
    figures: dict[str, object] = {}
    for n, (low, high) in enumerate(pairwise(edges)):
        for name, value in (("customers", F("lifetime_value")), ("expected", expected)):
            inside = Q(pk__isnull=False)
            if low is not None:
                inside &= Q(GreaterThanOrEqual(value, low))
            if high is not None:
                inside &= ~Q(GreaterThanOrEqual(value, high))
            figures[f"{name}_{n}"] = Count("pk", filter=inside)
    counts = _per_customer(parts).aggregate(**figures)
    return [
        ValueBucket(
            low=low, high=high, customers=counts[f"customers_{n}"], expected=counts[f"expected_{n}"]
        )
        for n, (low, high) in enumerate(pairwise(edges))
    ]


# --- Sales forecast per category ----------------------------------------------------------------


@dataclass(frozen=True)
class SeriesForecast:
    """One measure (revenue or units) of a category: the weeks ahead and how the same model did
    on the last closed weeks, beside the plain naive model (last week repeated)."""

    weeks: list[Decimal]  # the next HORIZON_WEEKS weekly totals
    days: list[Decimal]  # their days
    actual_weeks: list[Decimal]  # the last HORIZON_WEEKS closed weeks, as they happened
    backtest_weeks: list[Decimal]  # the model's forecast of them, fitted before they began
    naive_weeks: list[Decimal]  # last week before them, repeated
    wape: Decimal | None
    bias: Decimal | None
    naive_wape: Decimal | None
    naive_bias: Decimal | None


@dataclass(frozen=True)
class CategoryForecast:
    category_id: int
    name: str
    first_day: date  # the first forecast day (today)
    week_starts: list[date]
    backtest_from: date  # the first day after the back-test's cut-off
    revenue: SeriesForecast
    units: SeriesForecast


def _ratio(value: Decimal | None) -> Decimal | None:
    return None if value is None else value.quantize(Decimal("0.001"), rounding=ROUND_HALF_UP)


def _series(history: list[Decimal], rounding: object) -> SeriesForecast:
    ahead = core.forecast_weeks(history)
    test = core.backtest(history)
    return SeriesForecast(
        weeks=[rounding(v) for v in ahead.weeks],
        days=[rounding(v) for v in ahead.days],
        actual_weeks=[rounding(v) for v in test.actual],
        backtest_weeks=[rounding(v) for v in test.model.weeks],
        naive_weeks=[rounding(v) for v in test.naive.weeks],
        wape=_ratio(test.model_accuracy.wape),
        bias=_ratio(test.model_accuracy.bias),
        naive_wape=_ratio(test.naive_accuracy.wape),
        naive_bias=_ratio(test.naive_accuracy.bias),
    )


def _units(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def category_forecasts(today: date) -> list[CategoryForecast]:
    """Every category that sold in the last BACKTEST_DAYS closed days (today is not closed): its
    next 8 weeks from today, with the back-test. Two queries (daily sums, category names);
    missing days count as zero. Largest forecast revenue first."""
    last = today - timedelta(days=1)
    first = last - timedelta(days=core.BACKTEST_DAYS - 1)
    rows = (
        ProductSalesDaily.objects.filter(day__gte=first, day__lte=last)
        .values("category_id", "day")
        .annotate(revenue_sum=Sum("revenue"), units_sum=Sum("units"))
        .order_by()
        .values_list("category_id", "day", "revenue_sum", "units_sum")
    )
    revenue: dict[int, list[Decimal]] = {}
    units: dict[int, list[Decimal]] = {}
    for category_id, day, day_revenue, day_units in rows:
        if category_id not in revenue:
            revenue[category_id] = [core.ZERO] * core.BACKTEST_DAYS
            units[category_id] = [core.ZERO] * core.BACKTEST_DAYS
        index = (day - first).days
        revenue[category_id][index] = to_money(day_revenue or 0)
        units[category_id][index] = Decimal(day_units or 0)
    if not revenue:
        return []
    names = dict(Category.objects.filter(pk__in=revenue).values_list("pk", "name"))
    weeks = [today + timedelta(weeks=k) for k in range(core.HORIZON_WEEKS)]
    found = [
        CategoryForecast(
            category_id=category_id,
            name=names.get(category_id, f"#{category_id}"),
            first_day=today,
            week_starts=weeks,
            backtest_from=last - timedelta(weeks=core.HORIZON_WEEKS) + timedelta(days=1),
            revenue=_series(history, to_money),
            units=_series(units[category_id], _units),
        )
        for category_id, history in revenue.items()
    ]
    return sorted(found, key=lambda f: (-sum(f.revenue.weeks), f.name, f.category_id))


# --- Days of cover ------------------------------------------------------------------------------


@dataclass(frozen=True)
class StockCover:
    product_id: int
    name: str
    on_hand: int  # units on hand less allocated, over the product's variants
    units_sold: int  # over the last COVER_DAYS closed days
    daily_units: Decimal  # to 0.01
    cover_days: Decimal  # to 0.1
    lead_time_days: int
    runs_out_on: date  # today + whole days of cover


def stock_cover(today: date, *, reorder_only: bool = True, limit: int = 50) -> list[StockCover]:
    """Active physical products that sold in the last COVER_DAYS closed days, fewest days of cover
    first; with `reorder_only`, only those that run out within their restocking lead time (the
    reorder list). One query. Products that sold nothing (cover without end) are never listed."""
    last = today - timedelta(days=1)
    first = last - timedelta(days=core.COVER_DAYS - 1)
    stock = (
        Variant.objects.filter(product=OuterRef("pk"))
        .order_by()
        .values("product")
        .annotate(total=Sum(F("on_hand") - F("allocated")))
        .values("total")
    )
    sold = (
        ProductSalesDaily.objects.filter(product=OuterRef("pk"), day__gte=first, day__lte=last)
        .order_by()
        .values("product")
        .annotate(total=Sum("units"))
        .values("total")
    )
    products = (
        Product.objects.filter(status=ProductStatus.ACTIVE, kind=ProductKind.PHYSICAL)
        .annotate(
            stock=Coalesce(Subquery(stock, output_field=IntegerField()), 0),
            sold=Coalesce(Subquery(sold, output_field=IntegerField()), 0),
            lead=Coalesce(
                F("lead_time_days"),
                Value(settings.ANALYTICS_DEFAULT_LEAD_TIME_DAYS),
                output_field=IntegerField(),
            ),
        )
        .filter(sold__gt=0)
    )
    if reorder_only:
        products = products.filter(
            Q(LessThanOrEqual(F("stock") * core.COVER_DAYS, F("lead") * F("sold")))
        )
    rows = (
        products.annotate(cover_order=Cast(F("stock"), FloatField()) / F("sold"))
        .order_by("cover_order", "pk")
        .values_list("pk", "name", "stock", "sold", "lead")[:limit]
    )
    found = []
    for pk, name, on_hand, units_sold, lead in rows:
        cover = core.days_of_cover(on_hand=on_hand, units_sold=units_sold)
        found.append(
            StockCover(
                product_id=pk,
                name=name,
                on_hand=on_hand,
                units_sold=units_sold,
                daily_units=(Decimal(units_sold) / core.COVER_DAYS).quantize(HUNDREDTHS),
                cover_days=cover,
                lead_time_days=lead,
                runs_out_on=today + timedelta(days=int(cover)),
            )
        )
    return found


def reorder_list(today: date, *, limit: int = 50) -> list[StockCover]:
    """What runs out within its restocking lead time (settings.ANALYTICS_DEFAULT_LEAD_TIME_DAYS
    for a product without its own), soonest first."""
    return stock_cover(today, reorder_only=True, limit=limit)
