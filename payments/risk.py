"""Which customers may not pay cash on delivery: a registry crm fills (payments never imports crm).

crm registers a checker in its `AppConfig.ready()` (its risk flags, docs/risk-flags.md); the cash
on delivery method asks `cod_refused_for` when it decides whether it is offered at checkout, and
only while `PAYMENTS_HIDE_COD_FOR_FLAGGED` is on.
"""

from collections.abc import Callable

from django.conf import settings

# customer id -> True when that customer is flagged
RiskChecker = Callable[[int], bool]

_checkers: list[RiskChecker] = []


def register_risk_checker(checker: RiskChecker) -> RiskChecker:
    """Add a checker once (a second `ready()` in tests registers nothing twice)."""
    if checker not in _checkers:
        _checkers.append(checker)
    return checker


def cod_refused_for(*, customer_id: int | None) -> bool:
    """Cash on delivery is hidden from this customer (the setting is on and one checker flags
    them); a guest is never refused here."""
    if not settings.PAYMENTS_HIDE_COD_FOR_FLAGGED or customer_id is None:
        return False
    return any(checker(customer_id) for checker in _checkers)
