"""Staff screens of the payments app, by subject; each money action asks its own permission."""

from . import accounts, payments, points, refunds, stripe
from .permissions import CASH_PERMISSION, ECHECK_PERMISSION, REFUND_PERMISSION, RESOLVE_PERMISSION

__all__ = [
    "CASH_PERMISSION",
    "ECHECK_PERMISSION",
    "REFUND_PERMISSION",
    "RESOLVE_PERMISSION",
    "accounts",
    "payments",
    "points",
    "refunds",
    "stripe",
]
