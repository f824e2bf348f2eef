"""The product panels against brute force: every figure equals a loop in Python over the orders
placed through the services (a cancelled and a pending order never count), closed days from the
rollups refreshed by analytics_refresh, today read live; the query count of each panel is pinned
and stays the same with more data."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone, translation

from catalog.models import Category, Product, Variant
from catalog.services import variant_set_price
from crm.analytics.panels import Period, panel_named
from crm.analytics.rollups import analytics_refresh
from crm.models import EventKind, TrackingEvent
from crm.tracking.services import tracking_rollup
from orders import services
from orders.models import Order
from orders.services import order_cancel_by_staff
from tests.factories import ProductFactory, make_category
from tests.orders.helpers import cart_with, place, shipping_setup, stocked_variant

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("Europe/Istanbul")
TODAY = date(2026, 6, 20)
NOW = datetime(2026, 6, 20, 12, 0, tzinfo=TZ)
PERIOD = Period(start=date(2026, 6, 1), end=TODAY, today=TODAY)
COMPARED = Period(
    start=date(2026, 6, 1),
    end=TODAY,
    today=TODAY,
    compare_start=date(2026, 5, 12),
    compare_end=date(2026, 5, 31),
)
NOT_COUNTED = ("pending_payment", "cancelled")


def _at(month: int, day: int, hour: int = 12) -> datetime:
    return datetime(2026, month, day, hour, tzinfo=TZ)


def _order(*items: tuple[Variant, int], at: datetime, accept: bool = True) -> Order:
    """An order placed at `at` through the services; accepted (cash on delivery) unless told."""
    with time_machine.travel(at, tick=False):
        order = place(cart_with(*items))
        if accept:
            services.checkout_payment_start(order=order)
    order.refresh_from_db()
    assert order.status == ("confirmed" if accept else "pending_payment")
    return order


def _category(name_tr: str, name_en: str, parent: Category | None = None) -> Category:
    made = make_category(name_tr, Category.objects.get(pk=parent.pk) if parent else None)
    Category.objects.filter(pk=made.pk).update(name_en=name_en)
    return Category.objects.get(pk=made.pk)


def _product(category: Category, name: str, *, on_hand: int = 50, **fields: object) -> Variant:
    product = ProductFactory(category=category, name_tr=f"{name} TR", name_en=name, **fields)
    return stocked_variant(product=product, on_hand=on_hand, price="100.00")


@dataclass
class Shop:
    shirt: Variant  # in Clothing › T-shirts
    scarf: Variant  # in Clothing itself
    novel: Variant  # in Books
    atlas: Variant  # in Books, never sold: a bottom seller with zero units
    draft: Variant  # a draft product: neither a bottom seller nor in sell-through


def _shop() -> Shop:
    shipping_setup()
    with time_machine.travel(_at(5, 1), tick=False):
        clothing = _category("Giyim", "Clothing")
        shirts = _category("Tişört", "T-shirts", clothing)
        books = _category("Kitap", "Books")
        shop = Shop(
            shirt=_product(shirts, "Shirt"),
            scarf=_product(clothing, "Scarf"),
            novel=_product(books, "Novel"),
            atlas=_product(books, "Atlas", on_hand=7),
            draft=_product(books, "Draft", status="draft"),
        )
    _order((shop.novel, 2), at=_at(5, 20))  # the comparison period
    _order((shop.shirt, 2), (shop.scarf, 1), at=_at(6, 5))
    _order((shop.shirt, 1), (shop.novel, 3), at=_at(6, 10))
    _order((shop.shirt, 1), (shop.scarf, 1), at=_at(6, 10, 18))
    cancelled = _order((shop.novel, 5), at=_at(6, 11))
    with time_machine.travel(_at(6, 11, 13), tick=False):
        order_cancel_by_staff(order=cancelled)
    _order((shop.novel, 4), at=_at(6, 12), accept=False)  # still awaiting payment
    _order((shop.scarf, 3), (shop.novel, 1), at=_at(6, 20, 9))  # today: read live
    with time_machine.travel(NOW, tick=False):
        analytics_refresh(first=date(2026, 5, 1), last=TODAY - timedelta(days=1))
    return shop


def _counted_lines(first: date, last: date) -> list:
    """(order, line) of every accepted order placed on the shop days first..last, by looping."""
    found = []
    for order in Order.objects.prefetch_related("lines").order_by("pk"):
        day = timezone.localtime(order.placed_at, TZ).date()
        if first <= day <= last and order.status not in NOT_COUNTED:
            found.extend((order, line) for line in order.lines.all())
    return found


def _per_product(first: date, last: date) -> dict[int, dict]:
    products: dict[int, dict] = defaultdict(
        lambda: {"units": 0, "revenue": Decimal("0.00"), "vat": Decimal("0.00"), "orders": set()}
    )
    for order, line in _counted_lines(first, last):
        found = products[line.product_id]
        found["units"] += line.quantity
        found["revenue"] += line.total
        found["vat"] += line.vat
        found["orders"].add(order.pk)
    return products


def _load(name: str, period: Period = PERIOD):
    with time_machine.travel(NOW, tick=False):
        return panel_named(name).load(period)


def _rows(data, table: str, key: str) -> dict[str, dict]:
    return {row[key]: row for row in data.table(table).rows}


# --- sales by category -----------------------------------------------------------------------


def _expected_categories(first: date, last: date) -> tuple[dict, dict]:
    """Per category on its own, and per top category (its subtree), by looping."""
    own: dict[int, dict] = defaultdict(
        lambda: {"units": 0, "revenue": Decimal("0.00"), "vat": Decimal("0.00"), "orders": 0}
    )
    for product_id, sold in _per_product(first, last).items():
        category_id = Product.objects.get(pk=product_id).category_id
        own[category_id]["units"] += sold["units"]
        own[category_id]["revenue"] += sold["revenue"]
        own[category_id]["vat"] += sold["vat"]
        own[category_id]["orders"] += len(sold["orders"])
    tops: dict[int, dict] = defaultdict(
        lambda: {"units": 0, "revenue": Decimal("0.00"), "vat": Decimal("0.00"), "orders": 0}
    )
    for category_id, sold in own.items():
        root = Category.objects.get_root(Category.objects.get(pk=category_id))
        for field in sold:
            tops[root.pk][field] += sold[field]
    return own, tops


def _category_row(sold: dict, total: Decimal) -> dict:
    return {
        "revenue": sold["revenue"],
        "revenue_ex_vat": sold["revenue"] - sold["vat"],
        "units": sold["units"],
        "orders": sold["orders"],
        "share": (sold["revenue"] * 100 / total).quantize(Decimal("0.1")),
    }


def test_sales_by_category_roll_subcategories_up_and_name_them_in_the_viewers_language():
    shop = _shop()
    with translation.override("en"):
        data = _load("sales.categories", COMPARED)
    own, tops = _expected_categories(PERIOD.start, PERIOD.end)
    total = sum(top["revenue"] for top in tops.values())
    clothing = shop.scarf.product.category
    books = shop.novel.product.category
    shirts = shop.shirt.product.category
    expected_tops = {
        "Clothing": _category_row(tops[clothing.pk], total),
        "Books": _category_row(tops[books.pk], total),
    }
    found = _rows(data, "categories", "category")
    assert {name: {k: row[k] for k in expected_tops[name]} for name, row in found.items()} == (
        expected_tops
    )
    # Clothing: 4 shirts and 2 scarves closed, 3 scarves today; never the cancelled or pending.
    assert found["Clothing"]["units"] == 9 and found["Books"]["units"] == 4
    assert [row["category"] for row in data.table("categories").rows] == ["Clothing", "Books"]
    compare_own, _compare_tops = _expected_categories(date(2026, 5, 12), date(2026, 5, 31))
    assert found["Books"]["compare"] == compare_own[books.pk]["revenue"] == Decimal("200.00")
    assert found["Clothing"]["compare"] == 0
    each = _rows(data, "subcategories", "category")
    assert set(each) == {"Books", "Clothing", "Clothing › T-shirts"}
    assert each["Clothing › T-shirts"]["units"] == own[shirts.pk]["units"] == 4
    assert each["Clothing"]["units"] == own[clothing.pk]["units"] == 5
    assert each["Clothing"]["orders"] == own[clothing.pk]["orders"] == 3
    assert data.charts[0].table == "categories"
    with translation.override("tr"):
        turkish = _load("sales.categories", PERIOD)
    assert {row["category"] for row in turkish.table("subcategories").rows} == {
        "Kitap",
        "Giyim",
        "Giyim › Tişört",
    }


def test_today_is_read_live_and_never_twice_when_the_rollup_already_holds_it():
    _shop()
    before = _load("sales.categories")
    with time_machine.travel(NOW, tick=False):
        analytics_refresh(first=TODAY, last=TODAY)
    assert _load("sales.categories").table("categories").rows == before.table("categories").rows
    yesterday = Period(start=PERIOD.start, end=TODAY - timedelta(days=1), today=TODAY)
    closed = _rows(_load("sales.categories", yesterday), "categories", "category")
    live = _rows(before, "categories", "category")
    assert live["Giyim"]["units"] - closed["Giyim"]["units"] == 3  # today's three scarves
    assert live["Kitap"]["revenue"] - closed["Kitap"]["revenue"] == Decimal("100.00")


# --- top and bottom sellers, sell-through -------------------------------------------------------


def test_top_and_bottom_sellers_equal_brute_force_with_unsold_products_at_the_bottom():
    shop = _shop()
    data = _load("products.sellers")
    sold = _per_product(PERIOD.start, PERIOD.end)
    names = {pk: Product.objects.get(pk=pk).name_tr for pk in sold}
    expected = [
        {
            "product": names[pk],
            "units": found["units"],
            "revenue": found["revenue"],
            "orders": len(found["orders"]),
        }
        for pk, found in sold.items()
    ]
    by_units = sorted(expected, key=lambda row: (-row["units"], -row["revenue"], row["product"]))
    by_revenue = sorted(expected, key=lambda row: (-row["revenue"], -row["units"], row["product"]))
    assert list(data.table("top_units").rows) == by_units
    assert list(data.table("top_revenue").rows) == by_revenue
    assert by_units[0] == {
        "product": "Scarf TR",
        "units": 5,
        "revenue": Decimal("500.00"),
        "orders": 3,
    }
    active = Product.objects.filter(status="active", kind="physical")
    bottom = sorted(
        (
            {
                "product": product.name_tr,
                "units": sold[product.pk]["units"] if product.pk in sold else 0,
            }
            for product in active
        ),
        key=lambda row: (row["units"], row["product"]),
    )
    found = [{k: row[k] for k in ("product", "units")} for row in data.table("bottom").rows]
    assert found == bottom
    assert found[0] == {"product": "Atlas TR", "units": 0}
    assert shop.draft.product.name_tr not in {row["product"] for row in found}
    assert [figure.value for figure in data.figures] == [
        sum(row["units"] for row in expected),
        len(expected),
        1,
    ]


def test_sell_through_is_units_sold_over_sold_plus_unallocated_stock():
    shop = _shop()
    data = _load("products.sell_through")
    sold = _per_product(PERIOD.start, PERIOD.end)
    expected = {}
    for product in Product.objects.filter(kind="physical"):
        units = sold[product.pk]["units"] if product.pk in sold else 0
        if product.status != "active" and not units:
            continue
        stock = sum(v.on_hand - v.allocated for v in Variant.objects.filter(product=product))
        if units + stock:
            expected[product.name_tr] = (
                units,
                stock,
                (Decimal(units) * 100 / (units + stock)).quantize(Decimal("0.1")),
            )
    slowest = _rows(data, "slowest", "product")
    assert {name: (r["units"], r["stock"], r["sell_through"]) for name, r in slowest.items()} == (
        expected
    )
    # 4 shirts sold, 50 on hand of which 4 allocated to the orders not shipped yet.
    assert expected["Shirt TR"] == (4, 46, Decimal("8.0"))
    assert shop.draft.product.name_tr not in slowest
    values = [row["sell_through"] for row in data.table("slowest").rows]
    assert values == sorted(values)
    assert [row["sell_through"] for row in data.table("fastest").rows] == sorted(
        values, reverse=True
    )
    units = sum(found[0] for found in expected.values())
    stock = sum(found[1] for found in expected.values())
    assert data.figures[0].value == (Decimal(units) * 100 / (units + stock)).quantize(
        Decimal("0.1")
    )
    assert data.figures[1].value == stock


# --- the funnel --------------------------------------------------------------------------------


def _track(kind: str, variant: Variant, at: datetime, visitor: str = "a" * 32) -> None:
    TrackingEvent.objects.create(
        visitor_id=visitor, kind=kind, product=variant.product, created_at=at
    )


def test_the_funnel_counts_views_adds_and_orders_per_product_by_name():
    shop = _shop()
    for day in (2, 5, 9):
        _track(EventKind.PRODUCT_VIEW, shop.scarf, _at(6, day))
    _track(EventKind.ADD_TO_CART, shop.scarf, _at(6, 9))
    _track(EventKind.PRODUCT_VIEW, shop.atlas, _at(6, 3))
    _track(EventKind.PRODUCT_VIEW, shop.atlas, _at(6, 20, 10))  # today, counted by the job
    _track(EventKind.PRODUCT_VIEW, shop.novel, _at(5, 25))  # before the period
    with time_machine.travel(NOW, tick=False):
        tracking_rollup()
    data = _load("products.funnel")
    events = defaultdict(lambda: {"views": 0, "carts": 0})
    for event in TrackingEvent.objects.all():
        if PERIOD.start <= timezone.localtime(event.created_at, TZ).date() <= PERIOD.end:
            kind = "views" if event.kind == EventKind.PRODUCT_VIEW else "carts"
            events[event.product_id][kind] += 1
    sold = _per_product(PERIOD.start, PERIOD.end)
    expected = {}
    for pk in events:  # viewed or added to a cart: products nobody looked at are no funnel
        name = Product.objects.get(pk=pk).name_tr
        orders = len(sold[pk]["orders"]) if pk in sold else 0
        expected[name] = (events[pk]["views"], events[pk]["carts"], orders)
    found = _rows(data, "products", "product")
    assert {name: (r["views"], r["carts"], r["orders"]) for name, r in found.items()} == expected
    assert found["Scarf TR"] == {
        "product": "Scarf TR",
        "views": 3,
        "carts": 1,
        "orders": 3,  # two closed days and today's order
        "cart_rate": Decimal("33.3"),
        "order_rate": Decimal("100.0"),
    }
    assert "Novel TR" not in found  # bought, but never viewed by a consenting visitor
    assert found["Atlas TR"]["orders"] == 0 and found["Atlas TR"]["order_rate"] == 0
    assert [row["product"] for row in data.table("products").rows][:2] == ["Scarf TR", "Atlas TR"]
    totals = [sum(found[k] for found in expected.values()) for k in range(3)]
    assert [figure.value for figure in data.figures] == totals


# --- price changes -------------------------------------------------------------------------------


def test_a_price_change_shows_the_units_a_day_before_and_after_it():
    shipping_setup()
    with time_machine.travel(_at(4, 1), tick=False):
        kettle = _product(make_category("Mutfak"), "Kettle", on_hand=100)
    _order((kettle, 2), at=_at(5, 20))
    _order((kettle, 1), at=_at(6, 8))
    with time_machine.travel(_at(6, 10, 15), tick=False):
        variant_set_price(variant=kettle, price=Decimal("80.00"))
    _order((kettle, 1), at=_at(6, 10, 16))  # the day of the change: on neither side
    _order((kettle, 4), at=_at(6, 11))
    _order((kettle, 2), at=_at(6, 15))
    _order((kettle, 9), at=_at(6, 16), accept=False)  # awaiting payment: never counted
    _order((kettle, 5), at=_at(6, 20, 9))  # today: not a whole day, left out
    with time_machine.travel(_at(6, 18, 9), tick=False):
        variant_set_price(variant=kettle, price=Decimal("90.00"))
    with time_machine.travel(NOW, tick=False):
        analytics_refresh(first=date(2026, 4, 1), last=TODAY)
    data = _load("products.price_changes")
    rows = list(data.table("changes").rows)
    assert [row["day"] for row in rows] == [date(2026, 6, 18), date(2026, 6, 10)]
    latest, first = rows
    # 28 days before the 10th (13 May – 9 June): 2 + 1 units; after (11–19 June, 9 days): 4 + 2.
    assert first["old_price"] is None and first["new_price"] == Decimal("80.00")
    assert first["before"] == (Decimal(3) / 28).quantize(Decimal("0.01")) == Decimal("0.11")
    assert first["after"] == (Decimal(6) / 9).quantize(Decimal("0.01"))
    assert first["after_days"] == 9
    assert first["units_change"] == (
        (first["after"] - first["before"]) * 100 / first["before"]
    ).quantize(Decimal("0.1"))
    # The 18th: before 21 May – 17 June holds 1 + 1 + 4 + 2; after is the 19th alone (none).
    assert latest["old_price"] == Decimal("80.00") and latest["price_change"] == Decimal("12.5")
    assert latest["before"] == (Decimal(8) / 28).quantize(Decimal("0.01"))
    assert latest["after"] == Decimal("0.00") and latest["after_days"] == 1
    assert latest["product"] == "Kettle TR" and latest["sku"] == kettle.sku
    june = Period(start=date(2026, 6, 11), end=TODAY, today=TODAY)
    assert [row["day"] for row in _load("products.price_changes", june).table("changes").rows] == [
        date(2026, 6, 18)
    ]


# --- query counts --------------------------------------------------------------------------------

QUERIES = {
    "sales.categories": 3,
    "products.sellers": 3,
    "products.sell_through": 3,
    "products.funnel": 3,
    "products.price_changes": 2,
}


def _pinned(assert_num_queries, closed: Period) -> None:
    """Each panel's query count: as pinned with today in the period, one fewer without it (the
    price changes read no live rows)."""
    for name, queries in QUERIES.items():
        with assert_num_queries(queries):
            _load(name, PERIOD)
        with assert_num_queries(queries - (name != "products.price_changes")):
            _load(name, closed)


def test_each_panel_runs_a_fixed_number_of_queries_whatever_the_data(django_assert_num_queries):
    shop = _shop()
    with time_machine.travel(_at(6, 3), tick=False):
        variant_set_price(variant=shop.shirt, price=Decimal("120.00"))
    closed = Period(start=PERIOD.start, end=TODAY - timedelta(days=1), today=TODAY)
    _pinned(django_assert_num_queries, closed)
    with time_machine.travel(_at(5, 2), tick=False):
        more = [_product(make_category(f"Ek {n}"), f"More {n}") for n in range(4)]
    for n, variant in enumerate(more):
        _order((variant, 1), (shop.novel, 1), at=_at(6, 2 + n))
        _order((variant, 2), at=_at(6, 20, 8))
        _track(EventKind.PRODUCT_VIEW, variant, _at(6, 4))
        with time_machine.travel(_at(6, 6 + n), tick=False):
            variant_set_price(variant=variant, price=Decimal("95.00"))
    with time_machine.travel(NOW, tick=False):
        tracking_rollup()
        analytics_refresh(first=PERIOD.start, last=TODAY - timedelta(days=1))
    assert len(_load("products.price_changes").table("changes").rows) == 5
    assert len(_load("products.sellers").table("top_units").rows) == 7
    _pinned(django_assert_num_queries, closed)
