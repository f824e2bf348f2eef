"""Sales by category (the sales section): line revenue, units and orders per top-level category
(subcategories rolled up) and per category on its own; closed days from the rollup, today live."""

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.db.models import Q, Sum
from django.utils.translation import gettext as _

from catalog.models import Category
from shop.money import ZERO, to_money

from ...models import ProductSalesDaily
from ..names import translated
from ..panels import Chart, Column, PanelData, Period, Table
from .common import percent, today_rows

TRAIL = " › "


@dataclass
class CategorySales:
    path: str
    name: str
    units: int = 0
    orders: int = 0
    revenue: Decimal = ZERO
    revenue_vat: Decimal = ZERO
    compare: Decimal = ZERO

    def add(self, other: "CategorySales") -> None:
        self.units += other.units
        self.orders += other.orders
        self.revenue += other.revenue
        self.revenue_vat += other.revenue_vat
        self.compare += other.compare

    @property
    def sold(self) -> bool:
        return bool(self.units or self.revenue or self.compare)


def sales_by_category(period: Period) -> PanelData:
    """Booked line revenue, units and orders per top-level category (its subcategories rolled
    up into it), and per category on its own: closed days from the rollup, today live."""
    now = Q(day__gte=period.start, day__lte=period.closed_end)
    sums_of: dict[str, Sum] = {
        "total_units": Sum("units", filter=now, default=0),
        "total_orders": Sum("orders", filter=now, default=0),
        "total_revenue": Sum("revenue", filter=now, default=ZERO),
        "total_revenue_vat": Sum("revenue_vat", filter=now, default=ZERO),
    }
    days = now
    if period.compared:
        compare_end = min(period.compare_end, period.today - timedelta(days=1))
        before = Q(day__gte=period.compare_start, day__lte=compare_end)
        sums_of["total_compare"] = Sum("revenue", filter=before, default=ZERO)
        days = now | before
    # One pass over the rollup's rows of both periods, grouped by category.
    sums = {
        found["category_id"]: found
        for found in ProductSalesDaily.objects.filter(days)
        .values("category_id")
        .annotate(**sums_of)
        .order_by()
    }
    live_rows = today_rows(period)
    own: dict[int, CategorySales] = {}
    for pk, path, label in Category.objects.annotate(label=translated("name")).values_list(
        "pk", "path", "label"
    ):
        found = sums.get(pk)
        own[pk] = CategorySales(path=path, name=label)
        if found:
            own[pk].units = found["total_units"]
            own[pk].orders = found["total_orders"]
            own[pk].revenue = to_money(found["total_revenue"])
            own[pk].revenue_vat = to_money(found["total_revenue_vat"])
            own[pk].compare = to_money(found.get("total_compare", ZERO))
    for live in live_rows:
        if live.category_id in own:
            own[live.category_id].add(
                CategorySales("", "", live.units, live.orders, live.revenue, live.revenue_vat)
            )
    names = {category.path: category.name for category in own.values()}
    step = Category.steplen
    tops: dict[str, CategorySales] = {}
    for category in own.values():
        root = category.path[:step]
        if root not in tops:
            tops[root] = CategorySales(root, names.get(root, ""))
        tops[root].add(category)
    total = sum((top.revenue for top in tops.values()), ZERO)

    def row(category: CategorySales, name: str) -> dict:
        return {
            "category": name,
            "revenue": category.revenue,
            "revenue_ex_vat": category.revenue - category.revenue_vat,
            "units": category.units,
            "orders": category.orders,
            "share": percent(category.revenue, total),
            "compare": category.compare if period.compared else None,
        }

    columns = [
        Column("category", _("Category")),
        Column("revenue", _("Revenue"), "money"),
        Column("revenue_ex_vat", _("Revenue without VAT"), "money"),
        Column("units", _("Units"), "count"),
        Column("orders", _("Orders"), "count"),
        Column("share", _("Share of revenue"), "percent"),
    ]
    if period.compared:
        columns.append(Column("compare", _("Revenue before"), "money"))
    ranked = sorted(
        (top for top in tops.values() if top.sold), key=lambda top: (-top.revenue, top.name)
    )

    def trail(path: str) -> str:
        return TRAIL.join(names.get(path[:cut], "?") for cut in range(step, len(path) + 1, step))

    each = sorted(
        ((trail(category.path), category) for category in own.values() if category.sold),
        key=lambda item: item[0],
    )
    return PanelData(
        tables=[
            Table(
                name="categories",
                caption=_("By category, subcategories included"),
                columns=columns,
                rows=[row(top, top.name) for top in ranked],
            ),
            Table(
                name="subcategories",
                caption=_("Each category on its own"),
                columns=columns,
                rows=[row(category, name) for name, category in each],
            ),
        ],
        charts=[Chart(table="categories", x="category", series=["revenue"], kind="bar")],
        note=_(
            "Line revenue of accepted orders, VAT included, by the day placed. A category counts "
            "its subcategories' products. Orders are counted per product: an order with two "
            "products of a category counts twice."
        ),
    )
