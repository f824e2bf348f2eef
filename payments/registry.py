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


# A payment purpose whose refund is its method's own (a top-up: the balance credit comes back
# first): `refund(...)` replaces the generic refund, `refund_failed(refund=...)` runs where a
# failed refund is recorded, under the payment's lock.
_purpose_refunds: dict[str, Any] = {}


def register_purpose_refunds(purpose: str, handler: Any) -> None:
    _purpose_refunds[purpose] = handler


def purpose_refunds(purpose: str) -> Any | None:
    """The refund handler a method registered for this payment purpose, if any."""
    return _purpose_refunds.get(purpose)


def payment_owed(payment: Any) -> Decimal:
    """What a payment's refunds may give back in all: its method's `owed` (the tab: an order
    still on it owes its whole amount), else what was taken."""
    owed = getattr(get_provider(payment.method), "owed", None)
    return owed(payment=payment) if owed is not None else payment.taken()


def all_providers() -> list[PaymentProvider]:
    return list(_providers.values())
