"""The prediction selectors (crm/analytics/predict_selectors.py) over small data written straight
into the rollups: the category forecast reads closed days only and nothing after the back-test's
cut-off moves its back-test; churn figures equal a brute force over the same customers; days of
cover and the reorder list by hand."""

import math
import random
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from crm.analytics import forecast as core
from crm.analytics.predict_selectors import (
    LTV_EDGES,
    category_forecasts,
    churn_summary,
    ltv_distribution,
    overdue_customers,
    reorder_list,
    stock_cover,
    typical_gap_seconds,
)
from crm.models import CustomerStats
from crm.models.analytics import ProductSalesDaily
from tests.factories import (
    ProductFactory,
    StaffFactory,
    UserFactory,
    VariantFactory,
    make_category,
)

pytestmark = pytest.mark.django_db

D = Decimal
ZONE = timezone.get_default_timezone()
TODAY = date(2027, 6, 14)  # a Monday
LAST = TODAY - timedelta(days=1)
FIRST = LAST - timedelta(days=111)
NOW = datetime(2027, 6, 14, 10, 0, tzinfo=ZONE)
DAY = 86_400


def _sales(product, values: dict[date, tuple[str, int]]) -> None:
    ProductSalesDaily.objects.bulk_create(
        ProductSalesDaily(
            day=day,
            product=product,
            category_id=product.category_id,
            units=units,
            orders=units,
            revenue=D(revenue),
        )
        for day, (revenue, units) in values.items()
    )


# --- sales forecast -----------------------------------------------------------------------------


@pytest.fixture
def shelves() -> dict:
    """Two products in one category selling every day but Sundays, one in another category
    selling on some days only; rows on today (not closed) and before the history (not read)."""
    rng = random.Random(7)
    books = ProductFactory(category=make_category("Kitaplar"))
    more_books = ProductFactory(category=books.category)
    toys = ProductFactory()
    daily_books, daily_toys = {}, {}
    for n in range(112):
        day = FIRST + timedelta(days=n)
        if day.weekday() != 6:
            daily_books.setdefault(day, [D(0), 0])
            for product in (books, more_books):
                units = rng.randint(1, 9)
                revenue = D(units) * D("12.50")
                _sales(product, {day: (revenue, units)})
                daily_books[day][0] += revenue
                daily_books[day][1] += units
        if rng.random() < 0.3:
            units = rng.randint(1, 3)
            _sales(toys, {day: (D(units) * D("99.90"), units)})
            daily_toys[day] = [D(units) * D("99.90"), units]
    _sales(books, {TODAY: ("5000.00", 400), FIRST - timedelta(days=1): ("7000.00", 500)})
    return {
        "books": books,
        "toys": toys,
        "daily": {books.category_id: daily_books, toys.category_id: daily_toys},
    }


def _history(daily: dict, measure: int) -> list:
    return [daily.get(FIRST + timedelta(days=n), [D(0), 0])[measure] for n in range(112)]


def test_each_category_gets_the_core_forecast_of_its_closed_days_with_missing_days_as_zero(
    shelves, django_assert_num_queries
):
    with django_assert_num_queries(2):  # the daily sums, the category names
        found = {f.category_id: f for f in category_forecasts(TODAY)}
    assert set(found) == {shelves["books"].category_id, shelves["toys"].category_id}
    for category_id, daily in shelves["daily"].items():
        got = found[category_id]
        revenue, units = _history(daily, 0), _history(daily, 1)
        expected = core.forecast_weeks(revenue)
        assert got.revenue.weeks == [w.quantize(D("0.01")) for w in expected.weeks]
        assert got.units.weeks == [w.quantize(D("0.1")) for w in core.forecast_weeks(units).weeks]
        test = core.backtest(revenue)
        assert got.revenue.actual_weeks == [w.quantize(D("0.01")) for w in test.actual]
        assert got.revenue.backtest_weeks == [w.quantize(D("0.01")) for w in test.model.weeks]
        assert got.revenue.wape == test.model_accuracy.wape.quantize(D("0.001"))
        assert got.revenue.naive_wape == test.naive_accuracy.wape.quantize(D("0.001"))
    books = found[shelves["books"].category_id]
    assert books.name == "Kitaplar"
    assert books.first_day == TODAY and books.week_starts[1] == TODAY + timedelta(days=7)
    assert books.backtest_from == LAST - timedelta(days=55)
    # Sundays sold nothing in the last four weeks: the forecast's Sundays are zero.
    sundays = [
        day for n, day in enumerate(books.revenue.days) if (TODAY + timedelta(n)).weekday() == 6
    ]
    assert len(sundays) == 8 and set(sundays) == {0}
    assert sum(books.revenue.days[:7]) == pytest.approx(books.revenue.weeks[0], abs=D("0.05"))


def test_changing_the_weeks_after_the_cut_off_leaves_the_back_test_forecast_alone(shelves):
    before = {f.category_id: f for f in category_forecasts(TODAY)}
    cut_off = LAST - timedelta(days=56)
    changed = ProductSalesDaily.objects.filter(day__gt=cut_off, day__lte=LAST).update(
        units=77, revenue=D("4321.00")
    )
    assert changed > 100
    after = {f.category_id: f for f in category_forecasts(TODAY)}
    for category_id, old in before.items():
        new = after[category_id]
        assert new.revenue.backtest_weeks == old.revenue.backtest_weeks
        assert new.revenue.naive_weeks == old.revenue.naive_weeks
        assert new.units.backtest_weeks == old.units.backtest_weeks
        assert new.revenue.actual_weeks != old.revenue.actual_weeks  # what it is judged on moved
        assert new.revenue.wape != old.revenue.wape
        assert new.revenue.weeks != old.revenue.weeks  # the real forecast reads those weeks
    # And the other way round: the days before the cut-off are what the back-test is fitted on.
    ProductSalesDaily.objects.filter(day__lte=cut_off, day__gte=cut_off - timedelta(days=6)).update(
        units=1, revenue=D("1.00")
    )
    refitted = {f.category_id: f for f in category_forecasts(TODAY)}
    books = shelves["books"].category_id
    assert refitted[books].revenue.backtest_weeks != after[books].revenue.backtest_weeks


def test_no_sales_no_forecasts(django_assert_num_queries):
    with django_assert_num_queries(1):
        assert category_forecasts(TODAY) == []


# --- churn risk ---------------------------------------------------------------------------------


def _customer(orders: int, first: datetime | None, last: datetime | None, value: str, **user):
    person = UserFactory(**user)
    CustomerStats.objects.create(
        user=person,
        orders_count=orders,
        first_order_at=first,
        last_order_at=last,
        lifetime_value=D(value),
    )
    return person


def test_the_overdue_list_by_hand(settings, django_assert_num_queries):
    settings.ANALYTICS_OVERDUE_RISK = "1.5"
    days = lambda n: NOW - timedelta(days=n)  # noqa: E731
    # 3 orders over 60 days: a 30-day gap; 45 days since the last: risk exactly 1.5.
    regular = _customer(3, days(105), days(45), "900.00", first_name="Ayşe", last_name="Kaya")
    # 2 orders 10 days apart, 40 days ago: risk 4, worth less.
    lapsed = _customer(2, days(50), days(40), "120.00")
    # 2 orders 20 days apart, 29 days ago: risk 1.45, not yet.
    _customer(2, days(49), days(29), "5000.00")
    # Gaps of 30, 10 and 20 days: the typical gap is 20 days; one order 31 days ago: 1.55.
    single = _customer(1, days(31), days(31), "400.00")
    _customer(1, days(29), days(29), "400.00")  # 1.45
    _customer(0, None, None, "0.00")  # never ordered: no risk
    _customer(5, days(400), days(300), "9999.00", is_active=False)  # not a member
    StaffFactory()
    assert typical_gap_seconds() == 20 * DAY
    with django_assert_num_queries(2):
        found = overdue_customers(10, now=NOW)
    assert [c.user_id for c in found] == [regular.pk, single.pk, lapsed.pk]  # most valuable first
    first = found[0]
    assert first.name == "Ayşe Kaya" and first.orders == 3
    assert first.days_since == D("45.0") and first.usual_gap_days == D("30.0")
    assert first.risk == D("1.50")
    assert first.expected_value == D("3333.33")  # 900 + 300 × 365 ÷ 45
    assert found[1].usual_gap_days == D("20.0") and found[1].risk == D("1.55")
    assert found[1].expected_value == D("400.00") + (D(400) * 365 / 31).quantize(D("0.01"))
    assert found[2].risk == D("4.00") and found[2].expected_value == D("667.50")  # 120 + 60×365÷40
    assert [c.user_id for c in overdue_customers(1, now=NOW)] == [regular.pk]
    with django_assert_num_queries(1):  # a panel computes the typical gap once for all three
        assert overdue_customers(10, now=NOW, typical=20 * DAY) == found
    settings.ANALYTICS_OVERDUE_RISK = "1.56"
    assert [c.user_id for c in overdue_customers(10, now=NOW)] == [lapsed.pk]


def test_the_typical_gap_falls_back_when_nobody_ordered_twice(settings):
    settings.ANALYTICS_FALLBACK_GAP_DAYS = 200
    _customer(1, NOW - timedelta(days=300), NOW - timedelta(days=300), "50.00")
    assert typical_gap_seconds() == 200 * DAY
    assert [c.risk for c in overdue_customers(now=NOW)] == [D("1.50")]


def _epoch(moment: datetime) -> int:
    return math.floor(moment.timestamp())


@pytest.fixture
def crowd() -> list[CustomerStats]:
    rng = random.Random(32)
    for n in range(70):
        orders = rng.choice([0, 1, 1, 2, 3, 4, 8])
        last = NOW - timedelta(hours=rng.randint(0, 24 * 500), seconds=rng.randint(0, 3599))
        first = last - timedelta(hours=rng.randint(0, 24 * 600)) if orders > 1 else last
        _customer(
            orders,
            first if orders and n % 13 else None,
            last if orders else None,
            rng.choice(["-30.00", "0.00", "99.90", "249.99", "250.00", "740.10", "2600", "12000"]),
            is_active=n % 19 != 3,
        )
    return list(CustomerStats.objects.filter(user__is_active=True, user__is_staff=False))


def _brute(stats: list[CustomerStats]) -> list[dict]:
    gaps = [
        core.gap_seconds(
            orders=s.orders_count,
            span_seconds=_epoch(s.last_order_at) - _epoch(s.first_order_at),
            typical_gap_seconds=0,
        )
        for s in stats
        if s.orders_count >= 2 and s.first_order_at and s.last_order_at
    ]
    typical = core.whole_seconds(core.median(gaps))
    rows = []
    for s in stats:
        if not s.orders_count or s.last_order_at is None:
            continue
        shape = {
            "orders": s.orders_count,
            "elapsed_seconds": _epoch(NOW) - _epoch(s.last_order_at),
            "span_seconds": _epoch(s.last_order_at) - _epoch(s.first_order_at)
            if s.first_order_at
            else None,
            "typical_gap_seconds": typical,
        }
        rows.append(
            {
                "risk": core.churn_risk(**shape),
                "value": s.lifetime_value,
                "expected": core.expected_value(lifetime_value=s.lifetime_value, **shape),
            }
        )
    return rows


def test_the_churn_summary_equals_a_brute_force_over_the_customers(
    crowd, settings, django_assert_num_queries
):
    settings.ANALYTICS_OVERDUE_RISK = "1.5"
    rows = _brute(crowd)
    with django_assert_num_queries(2):
        summary = churn_summary(now=NOW)
    assert summary.customers == len(rows) >= 40
    assert summary.overdue == sum(r["risk"] >= D("1.5") for r in rows)
    bands = {band.key: band for band in summary.bands}
    limits = {
        "active": (None, 1),
        "due": (1, D("1.5")),
        "overdue": (D("1.5"), 3),
        "lapsed": (3, None),
    }
    for key, (low, high) in limits.items():
        inside = [
            r
            for r in rows
            if (low is None or r["risk"] >= low) and (high is None or r["risk"] < high)
        ]
        assert bands[key].customers == len(inside), key
        assert abs(bands[key].expected_value - sum(r["expected"] for r in inside)) <= D("0.01")
    assert sum(band.customers for band in summary.bands) == len(rows)
    assert min(band.customers for band in summary.bands) > 0
    assert summary.lifetime_value == sum(r["value"] for r in rows)
    assert abs(summary.expected_value - sum(r["expected"] for r in rows)) <= D("0.01")
    assert summary.expected_next_12_months == summary.expected_value - summary.lifetime_value
    assert summary.overdue == len(overdue_customers(1000, now=NOW))
    typical = typical_gap_seconds()
    with django_assert_num_queries(1):
        assert churn_summary(now=NOW, typical=typical) == summary


def test_the_lifetime_value_buckets_equal_a_brute_force(crowd, django_assert_num_queries):
    rows = _brute(crowd)
    with django_assert_num_queries(2):
        buckets = ltv_distribution(now=NOW)
    assert [b.low for b in buckets] == [None, *LTV_EDGES]
    assert sum(b.customers for b in buckets) == sum(b.expected for b in buckets) == len(rows)
    for bucket in buckets:
        for name, key in (("customers", "value"), ("expected", "expected")):
            inside = [
                r
                for r in rows
                if (bucket.low is None or r[key] >= bucket.low)
                and (bucket.high is None or r[key] < bucket.high)
            ]
            assert getattr(bucket, name) == len(inside), (bucket, name)
    assert buckets[0].customers > 0  # refunds beyond purchases: below zero
    assert sum(b.expected for b in buckets[4:]) > sum(b.customers for b in buckets[4:])


# --- days of cover ------------------------------------------------------------------------------


def _stocked(units: list[tuple[int, int]], *, lead: int | None = None, **product):
    item = ProductFactory(lead_time_days=lead, **product)
    for on_hand, allocated in units:
        VariantFactory(product=item, on_hand=on_hand, allocated=allocated)
    return item


def test_days_of_cover_and_the_reorder_list_by_hand(settings, django_assert_num_queries):
    settings.ANALYTICS_DEFAULT_LEAD_TIME_DAYS = 14
    # 10 available (12 − 2), 12 sold in the last 28 days: 23.3 days; lead 24: reorder.
    kettle = _stocked([(8, 2), (4, 0)], lead=24)
    _sales(kettle, {LAST: ("100", 5), LAST - timedelta(days=27): ("100", 7)})
    _sales(kettle, {LAST - timedelta(days=28): ("900", 90), TODAY: ("900", 90)})  # not read
    # Same stock and sales, lead 21: 23.3 days is enough.
    teapot = _stocked([(10, 0)], lead=21)
    _sales(teapot, {LAST - timedelta(days=3): ("100", 12)})
    # No lead time of its own: the default 14; 14 × 28 ÷ 28 = 14.0 days: exactly, so reorder.
    cups = _stocked([(14, 0)])
    _sales(cups, {LAST - timedelta(days=n): ("10", 1) for n in range(28)})
    # Sold out: 0 days.
    empty = _stocked([(3, 3)])
    _sales(empty, {LAST: ("10", 1)})
    _stocked([(0, 0)])  # nothing sold: cover without end, not listed
    digital = _stocked([(0, 0)], kind="digital")
    _sales(digital, {LAST: ("10", 5)})
    archived = _stocked([(0, 0)], status="archived")
    _sales(archived, {LAST: ("10", 5)})
    with django_assert_num_queries(1):
        found = reorder_list(TODAY)
    assert [(c.product_id, c.cover_days) for c in found] == [
        (empty.pk, D("0.0")),
        (cups.pk, D("14.0")),
        (kettle.pk, D("23.3")),
    ]
    kettle_row = found[2]
    assert (kettle_row.on_hand, kettle_row.units_sold, kettle_row.lead_time_days) == (10, 12, 24)
    assert kettle_row.daily_units == D("0.43")
    assert kettle_row.runs_out_on == TODAY + timedelta(days=23)
    assert found[1].lead_time_days == 14
    every = stock_cover(TODAY, reorder_only=False)
    assert [c.product_id for c in every] == [empty.pk, cups.pk, kettle.pk, teapot.pk]
    assert every[3].cover_days == D("23.3")
    settings.ANALYTICS_DEFAULT_LEAD_TIME_DAYS = 13
    assert [c.product_id for c in reorder_list(TODAY)] == [empty.pk, kettle.pk]
