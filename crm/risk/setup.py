"""What crm tells the apps below it about risk (called from CrmConfig.ready())."""

from payments.risk import register_risk_checker

from .selectors import customer_is_flagged


def register() -> None:
    register_risk_checker(customer_is_flagged)
