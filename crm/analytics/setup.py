"""crm's own dashboard panels, registered from CrmConfig.ready()."""

from django.utils.translation import gettext_lazy as _

from .panels import Panel, register_panel
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
