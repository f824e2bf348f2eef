"""The product panels: sales by category (sales section); top and bottom sellers, sell-through,
the product funnel and the effect of price changes (products section). Closed days come from
ProductSalesDaily, today live from the order lines, grouped by the rollup's own code
(`rollups.product_rows`). Definitions: docs/analytics.md, "Product panels"."""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import (
    F,
    OuterRef,
    Q,
    Subquery,
    Sum,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from catalog.models import Category, PriceHistory, Product, ProductKind, ProductStatus
from shop.dates import days_between
from shop.money import ZERO, to_money

from ..models import ProductSalesDaily
from ..tracking.selectors import product_funnel
from .names import translated
from .panels import Chart, Column, Figure, PanelData, Period, Table
from .rollups import product_rows, zone

# Rows in each top and bottom list, in the funnel, and price changes shown.
TOP = 10
FUNNEL_ROWS = 20
PRICE_CHANGES = 20
# Days before and after a price change whose units per day are compared.
WINDOW_DAYS = 28
TRAIL = " › "


def _today(period: Period) -> list[ProductSalesDaily]:
    """Today's rows, computed live, when the period holds today."""
    return product_rows(period.today, period.today) if period.includes_today else []


def _percent(part: Decimal | int, whole: Decimal | int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"))


# --- sales by category ---------------------------------------------------------------------------


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
    live_rows = _today(period)
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
            "share": _percent(category.revenue, total),
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


# --- products: sales, stock ------------------------------------------------------------------


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

    @property
    def sell_through(self) -> Decimal | None:
        return _percent(self.units, self.units + max(self.stock, 0))


def product_sales(period: Period, *, stock: bool = False) -> list[ProductSales]:
    """Units, orders and line revenue per product over the period, for every product that sold
    and every active physical product (zero sales included); with `stock`, the units not
    allocated to orders now. The closed days' sums in one grouped query over the rollup, the
    products (names, stock) in another, today live in a third: grouped queries, never one
    subquery per product (10,000 subplans cost more to plan and compile than to run)."""
    today = {row.product_id: row for row in _today(period)}
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
    bottom = sorted(
        (
            product
            for product in products
            if product.status == ProductStatus.ACTIVE and product.kind == ProductKind.PHYSICAL
        ),
        key=lambda p: (p.units, p.revenue, p.name, p.pk),
    )[:TOP]
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
    slowest = sorted(products, key=lambda p: (p.sell_through, -p.stock, p.name, p.pk))[:TOP]
    fastest = sorted(products, key=lambda p: (-p.sell_through, -p.units, p.name, p.pk))[:TOP]
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
            Figure(_("Sell-through"), _percent(units, units + stock), "percent"),
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


# --- the product funnel ------------------------------------------------------------------------


def funnel(period: Period) -> PanelData:
    """Product views → adds to cart → orders, the most viewed products first."""
    rows = product_funnel(since=period.start, until=period.end, today=period.today)
    views = sum(row.views for row in rows)
    carts = sum(row.carts for row in rows)
    orders = sum(row.orders for row in rows)
    table = Table(
        name="products",
        caption=_("Most viewed products"),
        columns=[
            Column("product", _("Product")),
            Column("views", _("Views"), "count"),
            Column("carts", _("Added to cart"), "count"),
            Column("orders", _("Orders"), "count"),
            Column("cart_rate", _("Added per view"), "percent"),
            Column("order_rate", _("Orders per view"), "percent"),
        ],
        rows=[
            {
                "product": row.name,
                "views": row.views,
                "carts": row.carts,
                "orders": row.orders,
                "cart_rate": _percent(row.carts, row.views),
                "order_rate": _percent(row.orders, row.views),
            }
            for row in rows[:FUNNEL_ROWS]
        ],
    )
    return PanelData(
        figures=[
            Figure(_("Product views"), views),
            Figure(_("Added to cart"), carts, note=_("%(rate)s of views") % _rate(carts, views)),
            Figure(_("Orders"), orders, note=_("%(rate)s of views") % _rate(orders, views)),
        ],
        tables=[table],
        charts=[Chart(table="products", x="product", series=["views", "carts", "orders"])],
        note=_(
            "Views and adds to cart by visitors who allowed tracking; orders by everyone "
            "(accepted orders that bought the product)."
        ),
    )


def _rate(part: int, whole: int) -> dict[str, str]:
    found = _percent(part, whole)
    return {"rate": "—" if found is None else f"{number_format(found, 1, use_l10n=True)} %"}


# --- the effect of price changes -----------------------------------------------------------------


def _per_day(units: int, days: int) -> Decimal | None:
    return (Decimal(units) / days).quantize(Decimal("0.01")) if days > 0 else None


def price_changes(period: Period) -> PanelData:
    """The latest price changes in the period: the product's units per day in the 28 days
    before the day of the change and in the 28 days after it (or until yesterday)."""
    earlier = PriceHistory.objects.filter(
        variant_id=OuterRef("variant_id"), starts_at__lt=OuterRef("starts_at")
    ).order_by("-starts_at", "-pk")
    since, until = days_between(period.start, period.end)
    changes = list(
        PriceHistory.objects.filter(starts_at__gte=since, starts_at__lt=until)
        .annotate(
            previous=Subquery(earlier.values("price")[:1]),
            product_name=translated("variant__product__name"),
        )
        .order_by("-starts_at", "-pk")
        .values(
            "starts_at",
            "price",
            "previous",
            "product_name",
            "variant__sku",
            "variant__product_id",
            "variant__product__created_at",
        )[:PRICE_CHANGES]
    )
    last_closed = period.today - timedelta(days=1)
    windows = []
    for change in changes:
        day = timezone.localtime(change["starts_at"], zone()).date()
        created = timezone.localtime(change["variant__product__created_at"], zone()).date()
        before = (max(day - timedelta(days=WINDOW_DAYS), created), day - timedelta(days=1))
        after = (day + timedelta(days=1), min(day + timedelta(days=WINDOW_DAYS), last_closed))
        windows.append((change["variant__product_id"], before, after))
    units = _units_in_windows(windows)
    rows = []
    for n, (change, (_product, before, after)) in enumerate(zip(changes, windows, strict=True)):
        before_days = max((before[1] - before[0]).days + 1, 0)
        after_days = max((after[1] - after[0]).days + 1, 0)
        per_day_before = _per_day(units[f"before_{n}"], before_days)
        per_day_after = _per_day(units[f"after_{n}"], after_days)
        previous = change["previous"]
        rows.append(
            {
                "day": timezone.localtime(change["starts_at"], zone()).date(),
                "product": change["product_name"],
                "sku": change["variant__sku"],
                "old_price": previous,
                "new_price": change["price"],
                "price_change": _change(change["price"], previous),
                "before": per_day_before,
                "after": per_day_after,
                "after_days": after_days,
                "units_change": _change(per_day_after, per_day_before),
            }
        )
    return PanelData(
        tables=[
            Table(
                name="changes",
                caption=_("Latest price changes"),
                columns=[
                    Column("day", _("Changed on"), "date"),
                    Column("product", _("Product")),
                    Column("sku", _("SKU")),
                    Column("old_price", _("Old price"), "money"),
                    Column("new_price", _("New price"), "money"),
                    Column("price_change", _("Price change"), "percent"),
                    Column("before", _("Units a day before"), "decimal"),
                    Column("after", _("Units a day after"), "decimal"),
                    Column("after_days", _("Days after"), "count"),
                    Column("units_change", _("Change in units a day"), "percent"),
                ],
                rows=rows,
                empty=_("No price changed in these dates."),
            )
        ],
        charts=[Chart(table="changes", x="sku", series=["before", "after"], kind="bar")],
        note=_(
            "The product's units a day (all its variants) in the 28 days before the day of the "
            "change and in the 28 days after it, or until yesterday; the day itself is left out."
        ),
    )


def _units_in_windows(windows: list[tuple[int, tuple[date, date], tuple[date, date]]]) -> dict:
    """Σ units of each (product, before days, after days) window from the rollup: one query
    (none without windows); keys `before_<n>` and `after_<n>`."""
    if not windows:
        return {}
    sums: dict[str, Coalesce] = {}
    for n, (product_id, before, after) in enumerate(windows):
        for name, (first, last) in (("before", before), ("after", after)):
            within = Q(product_id=product_id, day__gte=first, day__lte=last)
            sums[f"{name}_{n}"] = Coalesce(Sum("units", filter=within), 0)
    first = min(before[0] for _p, before, _a in windows)
    last = max(after[1] for _p, _b, after in windows)
    return ProductSalesDaily.objects.filter(
        product_id__in={product_id for product_id, _b, _a in windows},
        day__gte=first,
        day__lte=last,
    ).aggregate(**sums)


def _change(new: Decimal | None, old: Decimal | None) -> Decimal | None:
    """Per cent change from `old` to `new`, one decimal; None when it cannot be said."""
    if new is None or not old:
        return None
    return ((Decimal(new) - Decimal(old)) * 100 / Decimal(old)).quantize(Decimal("0.1"))
