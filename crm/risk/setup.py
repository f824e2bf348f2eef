"""What crm tells the apps below it about risk, and its dashboard panel (from CrmConfig.ready())."""

from django.utils.translation import gettext_lazy as _

from payments.risk import register_risk_checker

from ..analytics.panels import Panel, register_panel
from .panel import risk_panel
from .selectors import customer_is_flagged


def register() -> None:
    register_risk_checker(customer_is_flagged)
    register_panel(
        Panel(
            name="risk.flags",
            section="risk",
            title=_("Risk flags"),
            load=risk_panel,
            permission="crm.view_riskflag",
            live=True,
        )
    )
