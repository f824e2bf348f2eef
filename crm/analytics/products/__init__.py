"""The product panels: sales by category (sales section); top and bottom sellers, sell-through,
the product funnel and the effect of price changes (products section). Closed days come from
ProductSalesDaily, today live from the order lines, grouped by the rollup's own code
(`rollups.product_rows`). Definitions: docs/analytics.md, "Product panels"."""

from .categories import sales_by_category
from .funnel import funnel
from .prices import price_changes
from .sellers import product_sales, sell_through, top_and_bottom_sellers

__all__ = [
    "funnel",
    "price_changes",
    "product_sales",
    "sales_by_category",
    "sell_through",
    "top_and_bottom_sellers",
]
