"""crm's own dashboard panels, registered from CrmConfig.ready() (the complaint desk registers
its own from complaints/dashboard.py, the risk flags theirs from crm/risk/setup.py)."""

from django.utils.translation import gettext_lazy as _

from . import engagement, fulfilment, returns
from .customers import cohort_retention, new_vs_returning, repeat_rate, rfm_groups
from .panels import Panel, register_panel
from .predict_panels import churn_panel, cover_panel, forecast_panel, ltv_panel
from .products import (
    funnel,
    price_changes,
    sales_by_category,
    sell_through,
    top_and_bottom_sellers,
)
from .sales import sales_by_method, sales_overview, sales_today


def register() -> None:
    for panel in (
        Panel("sales.overview", "sales", _("Revenue and orders"), sales_overview, order=10),
        Panel("sales.today", "sales", _("Today so far"), sales_today, order=15, live=True),
        Panel("sales.methods", "sales", _("By payment method"), sales_by_method, order=20),
        Panel("sales.categories", "sales", _("By category"), sales_by_category, order=30),
        Panel(
            "products.sellers",
            "products",
            _("Top and bottom sellers"),
            top_and_bottom_sellers,
            order=10,
        ),
        Panel("products.sell_through", "products", _("Sell-through"), sell_through, order=20),
        Panel(
            "products.funnel",
            "products",
            _("Product funnel: views, cart, orders"),
            funnel,
            order=40,
        ),
        Panel(
            "products.price_changes",
            "products",
            _("Price changes and units sold"),
            price_changes,
            order=50,
        ),
        Panel("customers.new", "customers", _("New and returning"), new_vs_returning, order=10),
        Panel("customers.repeat", "customers", _("Repeat rate"), repeat_rate, order=20),
        Panel("customers.cohorts", "customers", _("Cohort retention"), cohort_retention, order=30),
        Panel("customers.rfm", "customers", _("RFM groups"), rfm_groups, order=40),
        Panel("customers.value", "customers", _("Lifetime value"), ltv_panel, order=60, live=True),
        Panel(
            "products.cover",
            "products",
            _("Days of cover and reorder"),
            cover_panel,
            order=30,
            live=True,
        ),
        Panel(
            "forecasts.categories",
            "forecasts",
            _("Sales forecast by category"),
            forecast_panel,
            order=10,
        ),
        Panel("forecasts.churn", "forecasts", _("Churn risk"), churn_panel, order=20, live=True),
    ):
        register_panel(panel)
    panels = (
        ("fulfilment.ship", _("Time to ship"), fulfilment.time_to_ship),
        ("fulfilment.deliver", _("Time to deliver"), fulfilment.time_to_deliver),
        ("fulfilment.on_time", _("On time against the promise"), fulfilment.on_time),
        ("fulfilment.failed", _("Failed delivery attempts"), fulfilment.failed_attempts),
        ("fulfilment.late", _("Late shipments"), fulfilment.late_shipments),
        ("returns.returns", _("Returns by reason"), returns.return_rate),
        ("returns.cancellations", _("Cancellations by reason"), returns.cancellation_rate),
        ("returns.nps", _("NPS by week"), returns.nps_trend),
        # The complaint desk's own panel (order 10) comes from complaints/dashboard.py.
        ("complaints.campaigns", _("Campaigns"), engagement.campaigns),
    )
    for position, (name, title, load) in enumerate(panels):
        section = name.split(".")[0]
        register_panel(
            Panel(name=name, section=section, title=title, load=load, order=20 + position)
        )
