"""Which provider serves which payment method."""

from decimal import Decimal
from typing import Any

from .exceptions import UnknownPaymentMethod
from .interface import PaymentProvider

_providers: dict[str, PaymentProvider] = {}


def register(provider: PaymentProvider) -> PaymentProvider:
    _providers[provider.method] = provider
    return provider


def get_provider(method: str) -> PaymentProvider:
    try:
        return _providers[method]
    except KeyError:
        raise UnknownPaymentMethod(method) from None


def payment_owed(payment: Any) -> Decimal:
    """What a payment's refunds may give back in all: its method's `owed` (the tab: an order
    still on it owes its whole amount), else what was taken."""
    owed = getattr(get_provider(payment.method), "owed", None)
    return owed(payment=payment) if owed is not None else payment.taken()


def all_providers() -> list[PaymentProvider]:
    return list(_providers.values())
