"""crm's own dashboard panels, registered from CrmConfig.ready()."""

from django.utils.translation import gettext_lazy as _

from .customers import cohort_retention, new_vs_returning, repeat_rate, rfm_groups
from .panels import Panel, register_panel
from .sales import sales_by_method, sales_overview, sales_today


def register() -> None:
    for panel in (
        Panel("sales.overview", "sales", _("Revenue and orders"), sales_overview, order=10),
        Panel("sales.today", "sales", _("Today so far"), sales_today, order=15, live=True),
        Panel("sales.methods", "sales", _("By payment method"), sales_by_method, order=20),
        Panel("customers.new", "customers", _("New and returning"), new_vs_returning, order=10),
        Panel("customers.repeat", "customers", _("Repeat rate"), repeat_rate, order=20),
        Panel("customers.cohorts", "customers", _("Cohort retention"), cohort_retention, order=30),
        Panel("customers.rfm", "customers", _("RFM groups"), rfm_groups, order=40),
    ):
        register_panel(panel)
