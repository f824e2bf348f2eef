"""crm's own dashboard panels, registered from CrmConfig.ready()."""

from django.utils.translation import gettext_lazy as _

from .panels import Panel, register_panel
from .products import (
    funnel,
    price_changes,
    sales_by_category,
    sell_through,
    top_and_bottom_sellers,
)
from .sales import sales_by_method, sales_overview


def register() -> None:
    register_panel(
        Panel(
            name="sales.overview",
            section="sales",
            title=_("Revenue and orders"),
            load=sales_overview,
            order=10,
        )
    )
    register_panel(
        Panel(
            name="sales.methods",
            section="sales",
            title=_("By payment method"),
            load=sales_by_method,
            order=20,
        )
    )
    register_panel(
        Panel(
            name="sales.categories",
            section="sales",
            title=_("By category"),
            load=sales_by_category,
            order=30,
        )
    )
    register_panel(
        Panel(
            name="products.sellers",
            section="products",
            title=_("Top and bottom sellers"),
            load=top_and_bottom_sellers,
            order=10,
        )
    )
    register_panel(
        Panel(
            name="products.sell_through",
            section="products",
            title=_("Sell-through"),
            load=sell_through,
            order=20,
        )
    )
    register_panel(
        Panel(
            name="products.funnel",
            section="products",
            title=_("Product funnel: views, cart, orders"),
            load=funnel,
            order=40,
        )
    )
    register_panel(
        Panel(
            name="products.price_changes",
            section="products",
            title=_("Price changes and units sold"),
            load=price_changes,
            order=50,
        )
    )
