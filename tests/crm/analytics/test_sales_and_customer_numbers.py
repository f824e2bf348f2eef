"""Every number of the sales and customers panels equals a brute-force computation over the
generated shop's orders and ledger rows, loaded plainly here and summed in Python following
docs/analytics.md literally (ex-VAT included). The shop: tests/crm/analytics/data.py."""

import csv
import io
from collections import Counter, defaultdict
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.utils import timezone, translation

from crm.analytics.customers import cohort_retention, new_vs_returning, repeat_rate, rfm_groups
from crm.analytics.panels import Period
from crm.analytics.sales import sales_by_method, sales_overview, sales_today
from crm.models import CustomerStats, RfmGroup, SalesDaily
from orders.models import Order
from payments.models import PaymentEvent
from payments.states import PaymentMethod
from tests.factories import StaffFactory

from .data import ISTANBUL, NOW

pytestmark = pytest.mark.django_db
TODAY = NOW.date()
CENT = Decimal("0.01")
CAPTURE = {"capture"}
TAKEN_BACK = {"refund", "refund_off_tab", "return", "correction"}
PERIODS = {
    "last 30 days against the 30 before": Period(
        date(2026, 4, 13), TODAY, TODAY, date(2026, 3, 14), date(2026, 4, 12)
    ),
    "March and April, closed days only": Period(
        date(2026, 3, 1), date(2026, 4, 30), TODAY, date(2025, 3, 1), date(2025, 4, 30)
    ),
    "one day across the UTC date line": Period(date(2026, 4, 1), date(2026, 4, 1), TODAY),
}


def cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def local(moment: datetime) -> datetime:
    return timezone.localtime(moment, ISTANBUL)


def load() -> tuple[list[dict], list[dict]]:
    orders = list(
        Order.objects.values(
            "pk", "placed_at", "status", "total", "vat", "user_id", "email", "payment_method"
        )
    )
    ledger = list(
        PaymentEvent.objects.values(
            "kind",
            "amount",
            "created_at",
            "payment__purpose",
            "payment__method",
            "payment__order__total",
            "payment__order__vat",
        )
    )
    return orders, ledger


def accepted(order: dict) -> bool:
    return order["status"] not in ("pending_payment", "cancelled")


def customer(order: dict) -> str:
    return f"u:{order['user_id']}" if order["user_id"] else f"e:{order['email'].lower()}"


def first_orders(orders: list[dict]) -> set[int]:
    """Each customer's first accepted order (by time placed, then id)."""
    first: dict[str, dict] = {}
    for order in sorted(orders, key=lambda o: (o["placed_at"], o["pk"])):
        if accepted(order):
            first.setdefault(customer(order), order)
    return {order["pk"] for order in first.values()}


def brute_sales(orders, ledger, days: set[date], *, method=None, until=None) -> dict:
    """Booked, net, orders, AOV and the rest over the shop days `days` (optionally one payment
    method, optionally only what happened before `until`)."""
    firsts = first_orders(orders)
    got = defaultdict(Decimal)
    for order in orders:
        if (
            accepted(order)
            and local(order["placed_at"]).date() in days
            and (method is None or order["payment_method"] == method)
            and (until is None or order["placed_at"] < until)
        ):
            got["booked"] += order["total"]
            got["booked_ex_vat"] += order["total"] - order["vat"]
            got["orders"] += 1
            if order["pk"] in firsts:
                got["new_orders"] += 1
                got["new_booked"] += order["total"]
    for row in ledger:
        if (
            row["payment__purpose"] == "order"
            and local(row["created_at"]).date() in days
            and (method is None or row["payment__method"] == method)
            and (until is None or row["created_at"] < until)
        ):
            total, vat = row["payment__order__total"], row["payment__order__vat"]
            share = cents(row["amount"] * vat / total) if total else Decimal(0)
            if row["kind"] in CAPTURE:
                got["net"] += row["amount"]
                got["net_ex_vat"] += row["amount"] - share
            elif row["kind"] in TAKEN_BACK:
                got["net"] -= row["amount"]
                got["net_ex_vat"] -= row["amount"] - share
    got["orders"] = int(got["orders"])
    got["new_orders"] = int(got["new_orders"])
    got["aov"] = cents(got["booked"] / got["orders"]) if got["orders"] else None
    return dict(got)


def days_of(start: date, end: date) -> list[date]:
    return [start + timedelta(days=n) for n in range((end - start).days + 1)]


def test_the_generated_shop_has_every_awkward_case(analytics_shop):
    orders, ledger = load()
    statuses = Counter(
        (o["payment_method"], o["status"], Order.objects.get(pk=o["pk"]).payment_status)
        for o in orders
    )
    assert statuses[("cod", "confirmed", "cod_due")] >= 2  # cash not collected yet
    assert statuses[("echeck", "confirmed", "bounced")] == 1
    assert statuses[("echeck", "confirmed", "paid")] == 1
    assert statuses[("card", "cancelled", "voided")] == 1  # expired
    assert statuses[("cod", "cancelled", "voided")] == 1  # cancelled by the customer
    purposes = Counter(row["payment__purpose"] for row in ledger if row["kind"] == "capture")
    assert purposes["top_up"] == 1 and purposes["tab_settlement"] == 1
    # The tab's orders count once, on the day the tab was settled: 39.98 + 19.99.
    settled = brute_sales(orders, ledger, {date(2026, 4, 15)}, method="micropayment")
    assert settled["net"] == Decimal("59.97")


def test_the_vat_in_a_refund_of_whole_numbers_is_not_cut_to_a_whole_number(analytics_shop):
    """120.00 captured and 50.00 refunded on an order with 20.00 VAT: the VAT in net revenue is
    20.00 − 50 × 20 ÷ 120 = 20.00 − 8.33 (SQLite once divided the whole numbers as integers)."""
    card = SalesDaily.objects.get(day=date(2026, 5, 5), method="card")
    assert (card.captured, card.taken_back, card.net_vat) == (
        Decimal("120.00"),
        Decimal("50.00"),
        Decimal("11.67"),
    )


@pytest.mark.parametrize("name", PERIODS)
def test_revenue_orders_and_aov_by_day_equal_the_brute_force(analytics_shop, at_now, name):
    period = PERIODS[name]
    orders, ledger = load()
    data = sales_overview(period)

    table = data.table("days")
    assert [row["day"] for row in table.rows] == days_of(period.start, period.end)
    for row in table.rows:
        expected = brute_sales(orders, ledger, {row["day"]})
        for key in ("booked", "booked_ex_vat", "net", "net_ex_vat", "orders", "aov"):
            assert row[key] == expected.get(key, 0 if key != "aov" else None), (row["day"], key)
    now = brute_sales(orders, ledger, set(days_of(period.start, period.end)))
    before = (
        brute_sales(orders, ledger, set(days_of(period.compare_start, period.compare_end)))
        if period.compared
        else None
    )
    booked, net, count, aov = data.figures
    assert (booked.value, net.value, count.value, aov.value) == (
        now.get("booked", 0),
        now.get("net", 0),
        now.get("orders", 0),
        now["aov"],
    )
    assert booked.note.endswith(_shown_money(now.get("booked_ex_vat", Decimal(0))))
    assert net.note.endswith(_shown_money(now.get("net_ex_vat", Decimal(0))))
    if before is None:
        assert booked.compare is None and count.compare is None
    else:
        assert (booked.compare, net.compare, count.compare, aov.compare) == (
            before.get("booked", 0),
            before.get("net", 0),
            before.get("orders", 0),
            before["aov"],
        )


def _shown_money(amount: Decimal) -> str:
    from shop.money import format_money

    return format_money(amount)


@pytest.mark.parametrize("name", PERIODS)
def test_each_payment_method_equals_the_brute_force(analytics_shop, at_now, name):
    period = PERIODS[name]
    orders, ledger = load()
    days = set(days_of(period.start, period.end))
    names = dict(PaymentMethod.choices)
    expected = {}
    for method in {o["payment_method"] for o in orders} | {r["payment__method"] for r in ledger}:
        found = brute_sales(orders, ledger, days, method=method)
        if any(found.get(key) for key in ("orders", "net", "booked")) or any(
            local(o["placed_at"]).date() in days and o["payment_method"] == method for o in orders
        ):
            expected[str(names.get(method, method))] = found
    rows = {row["method"]: row for row in sales_by_method(period).table("methods").rows}
    assert {m for m, e in expected.items() if e.get("orders") or e.get("net")} <= set(rows)
    for method, row in rows.items():
        found = expected[method]
        for key in ("orders", "booked", "booked_ex_vat", "net", "net_ex_vat"):
            assert row[key] == found.get(key, 0), (method, key)


def test_today_so_far_is_live_beside_the_same_weekday_a_week_before(analytics_shop, at_now):
    orders, ledger = load()
    week_ago = TODAY - timedelta(days=7)
    so_far = brute_sales(orders, ledger, {TODAY}, until=NOW)
    then = brute_sales(orders, ledger, {week_ago}, until=NOW - timedelta(days=7))
    whole = brute_sales(orders, ledger, {week_ago})
    data = sales_today(PERIODS["March and April, closed days only"], now=NOW)

    figures = {figure.label: figure for figure in data.figures}
    assert [(f.value, f.compare) for f in data.figures] == [
        (so_far["booked"], then["booked"]),
        (so_far["net"], then["net"]),
        (so_far["orders"], then["orders"]),
        (so_far["aov"], then["aov"]),
    ]
    assert len(figures) == 4
    rows = data.table("today").rows
    for row, expected in zip(rows, (so_far, then, whole), strict=True):
        for key in ("booked", "booked_ex_vat", "net", "net_ex_vat", "orders", "aov"):
            assert row[key] == expected[key], (row["when"], key)
    # The 17:30 order a week ago is in the whole day, not "until 15:00".
    assert (then["orders"], whole["orders"]) == (2, 3)
    assert "15:00" in rows[0]["when"] and "15:00" in rows[1]["when"]


@pytest.mark.parametrize("name", PERIODS)
def test_new_and_returning_customers_equal_the_brute_force(analytics_shop, at_now, name):
    period = PERIODS[name]
    orders, ledger = load()
    data = new_vs_returning(period)
    for row in data.table("days").rows:
        expected = brute_sales(orders, ledger, {row["day"]})
        assert row["new_orders"] == expected.get("new_orders", 0)
        assert row["returning_orders"] == expected.get("orders", 0) - expected.get("new_orders", 0)
        assert row["new_booked"] == expected.get("new_booked", 0)
        assert row["returning_booked"] == expected.get("booked", 0) - expected.get("new_booked", 0)
    now = brute_sales(orders, ledger, set(days_of(period.start, period.end)))
    assert [figure.value for figure in data.figures] == [
        now.get("new_orders", 0),
        now.get("orders", 0) - now.get("new_orders", 0),
        now.get("new_booked", 0),
        now.get("booked", 0) - now.get("new_booked", 0),
    ]


def test_the_guest_who_wrote_her_email_in_another_case_is_one_returning_customer(
    analytics_shop, at_now
):
    second = analytics_shop.order("guest_second")
    day = local(second.placed_at).date()
    row = new_vs_returning(Period(day, day, TODAY)).table("days").rows[0]
    assert (row["new_orders"], row["returning_orders"]) == (0, 1)


def month(moment: datetime) -> date:
    return local(moment).date().replace(day=1)


def brute_repeat(orders: list[dict], start: date, end: date) -> tuple[int, int]:
    first, last = start.replace(day=1), end.replace(day=1)
    counted: dict[str, int] = Counter()
    ordered_in_range: set[str] = set()
    for order in orders:
        if accepted(order) and month(order["placed_at"]) <= last:
            counted[customer(order)] += 1
            if month(order["placed_at"]) >= first:
                ordered_in_range.add(customer(order))
    return len(ordered_in_range), sum(1 for key in ordered_in_range if counted[key] >= 2)


def rate(part: int, whole: int) -> Decimal | None:
    return (Decimal(part * 100) / whole).quantize(Decimal("0.1"), ROUND_HALF_UP) if whole else None


@pytest.mark.parametrize("name", PERIODS)
def test_the_repeat_rate_equals_the_brute_force(analytics_shop, at_now, name):
    period = PERIODS[name]
    orders, _ledger = load()
    customers, repeat = brute_repeat(orders, period.start, period.end)
    figures = repeat_rate(period).figures
    assert [f.value for f in figures] == [rate(repeat, customers), customers, repeat]
    if period.compared:
        before = brute_repeat(orders, period.compare_start, period.compare_end)
        assert [f.compare for f in figures] == [rate(before[1], before[0]), *before]
    assert figures[1].value > 0 or name == "one day across the UTC date line"


def test_the_cohort_table_equals_the_brute_force(analytics_shop, at_now):
    orders, _ledger = load()
    active: dict[str, set[date]] = defaultdict(set)
    for order in orders:
        if accepted(order):
            active[customer(order)].add(month(order["placed_at"]))
    cohorts: dict[date, list[str]] = defaultdict(list)
    for key, months in active.items():
        cohorts[min(months)].append(key)
    rows = cohort_retention(PERIODS["last 30 days against the 30 before"]).table("cohorts").rows
    assert len(rows) == 12
    shown_months = [date(2025, 6, 1)]
    while len(shown_months) < 12:
        previous = shown_months[-1]
        shown_months.append((previous + timedelta(days=32)).replace(day=1))
    for row, cohort in zip(rows, shown_months, strict=True):
        members = cohorts.get(cohort, [])
        assert row["size"] == len(members), cohort
        for offset in range(1, 12):
            later = cohort
            for _step in range(offset):
                later = (later + timedelta(days=32)).replace(day=1)
            if later > date(2026, 5, 1):
                assert row[f"m{offset}"] is None
                continue
            kept = sum(1 for key in members if later in active[key])
            assert row[f"m{offset}"] == rate(kept, len(members)), (cohort, offset)
    # March: alice, bob and the guest; in April alice and the guest (the other letter case),
    # in May alice and bob.
    march = rows[9]
    assert (march["size"], march["m1"], march["m2"]) == (3, Decimal("66.7"), Decimal("66.7"))


def test_rfm_group_sizes_equal_the_customer_figures(analytics_shop, at_now):
    groups = Counter(
        group for group in CustomerStats.objects.values_list("rfm_group", flat=True) if group
    )
    rows = rfm_groups(PERIODS["last 30 days against the 30 before"]).table("groups").rows
    total = sum(groups.values())
    assert total >= 5
    assert [(row["customers"], row["share"]) for row in rows] == [
        (groups[value], rate(groups[value], total)) for value, _label in RfmGroup.choices
    ]


def test_the_page_shows_the_sales_and_customer_panels_and_says_today_is_live(
    analytics_shop, at_now, client
):
    client.force_login(StaffFactory())
    with translation.override("en"):
        page = client.get("/en/admin/crm/dashboard/", {"start": "2026-04-13", "end": "2026-05-12"})
    html = page.content.decode()
    assert page.status_code == 200
    for table in (
        "salesoverview-days",
        "salestoday-today",
        "salesmethods-methods",
        "customersnew-days",
        "customerscohorts-cohorts",
        "customersrfm-groups",
    ):
        assert f'id="table-{table}"' in html, table
    assert "Today is read live from the orders and the payments ledger" in html
    assert "Tuesday 5 May until 15:00" in html
    response = client.get(
        "/admin/crm/dashboard/",
        {"start": "2026-04-13", "end": "2026-05-12", "csv": "customers.cohorts:cohorts"},
    )
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len(rows) == 13 and rows[10][1] == "3"  # March 2026: alice, bob and the guest
