"""Top and bottom sellers, and sell-through: per product from the rollup's grouped sums, the
products (names, stock) and today's live rows."""

import heapq
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import F, Q, Sum
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from catalog.models import Product, ProductKind, ProductStatus
from shop.money import ZERO, to_money

from ...models import ProductSalesDaily
from ..names import translated
from ..panels import Chart, Column, Figure, PanelData, Period, Table
from .common import TOP, percent, today_rows


@dataclass
class ProductSales:
    pk: int
    name: str
    kind: str
    status: str
    units: int
    orders: int
    revenue: Decimal
    stock: int = 0
    # units ÷ (units + stock not allocated) in per cent, worked out once (sorting reads it often).
    sell_through: Decimal | None = field(init=False)

    def __post_init__(self) -> None:
        self.sell_through = percent(self.units, self.units + max(self.stock, 0))


def product_sales(period: Period, *, stock: bool = False) -> list[ProductSales]:
    """Units, orders and line revenue per product over the period, for every product that sold
    and every active physical product (zero sales included); with `stock`, the units not
    allocated to orders now. The closed days' sums in one grouped query over the rollup, the
    products (names, stock) in another, today live in a third: grouped queries, never one
    subquery per product (10,000 subplans cost more to plan and compile than to run)."""
    today = {row.product_id: row for row in today_rows(period)}
    closed_days = ProductSalesDaily.objects.filter(
        day__gte=period.start, day__lte=period.closed_end
    )
    sums = {
        product_id: (units, orders, to_money(revenue))
        for product_id, units, orders, revenue in closed_days.values("product_id")
        .annotate(units=Sum("units"), orders=Sum("orders"), revenue=Sum("revenue"))
        .values_list("product_id", "units", "orders", "revenue")
        .order_by()
    }
    products = Product.objects.filter(
        Q(status=ProductStatus.ACTIVE, kind=ProductKind.PHYSICAL)
        | Q(pk__in=closed_days.values("product_id"))
        | Q(pk__in=list(today))
    )
    fields = ["pk", "label", "kind", "status"]
    if stock:
        products = products.annotate(
            stock=Coalesce(Sum(F("variants__on_hand") - F("variants__allocated")), 0)
        )
        fields.append("stock")
    rows = []
    nothing = (0, 0, ZERO)
    for pk, label, kind, status, *in_stock in (
        products.annotate(label=translated("name")).values_list(*fields).order_by()
    ):
        units, orders, revenue = sums.get(pk, nothing)
        live = today.get(pk)
        if live is not None:
            units, orders, revenue = (
                units + live.units,
                orders + live.orders,
                revenue + live.revenue,
            )
        stocked = in_stock[0] if in_stock else 0
        rows.append(ProductSales(pk, label, kind, status, units, orders, revenue, stocked))
    return rows


def _seller_columns() -> list[Column]:
    return [
        Column("product", _("Product")),
        Column("units", _("Units"), "count"),
        Column("revenue", _("Revenue"), "money"),
        Column("orders", _("Orders"), "count"),
    ]


def _seller_row(product: ProductSales) -> dict:
    return {
        "product": product.name,
        "units": product.units,
        "revenue": product.revenue,
        "orders": product.orders,
    }


def top_and_bottom_sellers(period: Period) -> PanelData:
    """The best sellers by units and by revenue, and the active physical products that sold
    the fewest units (none included)."""
    products = product_sales(period)
    sold = [product for product in products if product.units > 0]
    by_units = sorted(sold, key=lambda p: (-p.units, -p.revenue, p.name, p.pk))[:TOP]
    by_revenue = sorted(sold, key=lambda p: (-p.revenue, -p.units, p.name, p.pk))[:TOP]
    # heapq.nsmallest(n, …) is sorted(…)[:n], without sorting every active product.
    bottom = heapq.nsmallest(
        TOP,
        (
            product
            for product in products
            if product.status == ProductStatus.ACTIVE and product.kind == ProductKind.PHYSICAL
        ),
        key=lambda p: (p.units, p.revenue, p.name, p.pk),
    )
    return PanelData(
        figures=[
            Figure(_("Units sold"), sum(product.units for product in sold)),
            Figure(_("Products sold"), len(sold)),
            Figure(
                _("Active products not sold"),
                sum(
                    1
                    for product in products
                    if product.units == 0
                    and product.status == ProductStatus.ACTIVE
                    and product.kind == ProductKind.PHYSICAL
                ),
            ),
        ],
        tables=[
            Table(
                "top_units",
                _("Top sellers by units"),
                _seller_columns(),
                [_seller_row(p) for p in by_units],
            ),
            Table(
                "top_revenue",
                _("Top sellers by revenue"),
                _seller_columns(),
                [_seller_row(p) for p in by_revenue],
            ),
            Table(
                "bottom",
                _("Bottom sellers (active, shipped products)"),
                _seller_columns(),
                [_seller_row(p) for p in bottom],
            ),
        ],
        charts=[Chart(table="top_units", x="product", series=["units"], kind="bar")],
        note=_("Accepted orders' lines by the day placed; revenue VAT included."),
    )


def sell_through(period: Period) -> PanelData:
    """Per physical product: units sold ÷ (units sold + units in stock now, not allocated to
    orders); the slowest and the fastest, and the figure over them all."""
    products = [
        product
        for product in product_sales(period, stock=True)
        if product.kind == ProductKind.PHYSICAL and product.sell_through is not None
    ]
    units = sum(product.units for product in products)
    stock = sum(max(product.stock, 0) for product in products)
    slowest = heapq.nsmallest(TOP, products, key=lambda p: (p.sell_through, -p.stock, p.name, p.pk))
    fastest = heapq.nsmallest(
        TOP, products, key=lambda p: (-p.sell_through, -p.units, p.name, p.pk)
    )
    columns = [
        Column("product", _("Product")),
        Column("units", _("Units sold"), "count"),
        Column("stock", _("In stock now"), "count"),
        Column("sell_through", _("Sell-through"), "percent"),
    ]

    def rows(chosen: list[ProductSales]) -> list[dict]:
        return [
            {
                "product": p.name,
                "units": p.units,
                "stock": max(p.stock, 0),
                "sell_through": p.sell_through,
            }
            for p in chosen
        ]

    return PanelData(
        figures=[
            Figure(_("Sell-through"), percent(units, units + stock), "percent"),
            Figure(_("Units in stock now"), stock),
        ],
        tables=[
            Table("slowest", _("Slowest: most left in stock"), columns, rows(slowest)),
            Table("fastest", _("Fastest: most sold through"), columns, rows(fastest)),
        ],
        charts=[Chart(table="slowest", x="product", series=["sell_through"], kind="bar")],
        note=_(
            "Sell-through = units sold in these dates ÷ (units sold + units in stock now that "
            "no order holds yet)."
        ),
    )
