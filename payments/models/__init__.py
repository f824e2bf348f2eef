"""The payments app's tables, by subject; `from payments.models import Payment` keeps working."""

from .balance import BalanceAccount, BalanceEntry
from .echeck import ECheck
from .ledger import Payment, PaymentEvent, PaymentPurpose, Refund, RefundAccount
from .points import LoyaltyTier, PointsAccount, PointsAllocation, PointsEntry
from .stripe import ReconciliationItem, SavedCard, StripeCustomer, StripeEvent
from .tab import Tab

__all__ = [
    "BalanceAccount",
    "BalanceEntry",
    "ECheck",
    "LoyaltyTier",
    "Payment",
    "PaymentEvent",
    "PaymentPurpose",
    "PointsAccount",
    "PointsAllocation",
    "PointsEntry",
    "ReconciliationItem",
    "Refund",
    "RefundAccount",
    "SavedCard",
    "StripeCustomer",
    "StripeEvent",
    "Tab",
]
