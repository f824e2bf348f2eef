"""The product funnel: views → cart → orders per product (crm.tracking.selectors.product_funnel)."""

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from ...tracking.selectors import product_funnel
from ..panels import Chart, Column, Figure, PanelData, Period, Table
from .common import percent

# The most viewed products shown.
FUNNEL_ROWS = 20


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
                "cart_rate": percent(row.carts, row.views),
                "order_rate": percent(row.orders, row.views),
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
    found = percent(part, whole)
    return {"rate": "—" if found is None else f"{number_format(found, 1, use_l10n=True)} %"}
