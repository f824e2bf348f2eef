"""crm's own dashboard panels, registered from CrmConfig.ready()."""

from django.utils.translation import gettext_lazy as _

from . import engagement, fulfilment, returns
from .panels import Panel, register_panel
from .predict_panels import churn_panel, cover_panel, forecast_panel, ltv_panel
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
            name="customers.value",
            section="customers",
            title=_("Lifetime value"),
            load=ltv_panel,
            order=60,
            live=True,
        )
    )
    register_panel(
        Panel(
            name="products.cover",
            section="products",
            title=_("Days of cover and reorder"),
            load=cover_panel,
            order=50,
            live=True,
        )
    )
    register_panel(
        Panel(
            name="forecasts.categories",
            section="forecasts",
            title=_("Sales forecast by category"),
            load=forecast_panel,
            order=10,
        )
    )
    register_panel(
        Panel(
            name="forecasts.churn",
            section="forecasts",
            title=_("Churn risk"),
            load=churn_panel,
            order=20,
            live=True,
        )
    )
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
