"""Which provider serves which payment method."""

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


def all_providers() -> list[PaymentProvider]:
    return list(_providers.values())
