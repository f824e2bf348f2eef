"""Figures rolled up from orders for the catalog, by a periodic job (never inside placement)."""

from catalog.services import products_set_units_sold

from .. import selectors


def units_sold_rollup() -> int:
    """Store units sold per product ("best selling") from the orders that count as sold;
    returns how many products changed."""
    return products_set_units_sold(counts=selectors.units_sold_by_product())
