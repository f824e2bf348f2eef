"""The Stripe client, configured from settings (real Stripe, or the local fake server)."""

from functools import lru_cache

import stripe
from django.conf import settings

from shop.money import from_minor_units, to_minor_units

# Currencies Stripe counts in whole units (no minor unit); the shop sells in TRY.
_ZERO_DECIMAL = frozenset({"jpy", "krw", "vnd", "clp", "pyg", "ugx", "xaf", "xof"})


def stripe_client() -> stripe.StripeClient:
    return _client(settings.STRIPE_SECRET_KEY, settings.STRIPE_API_BASE)


@lru_cache(maxsize=4)
def _client(api_key: str, api_base: str) -> stripe.StripeClient:
    # A few automatic retries on network errors; Stripe honours our idempotency keys on them.
    return stripe.StripeClient(api_key, base_addresses={"api": api_base}, max_network_retries=2)


def to_stripe_amount(amount, currency: str) -> int:
    if currency.lower() in _ZERO_DECIMAL:
        return int(amount)
    return to_minor_units(amount)


def from_stripe_amount(units: int, currency: str):
    if currency.lower() in _ZERO_DECIMAL:
        return from_minor_units(units * 100)
    return from_minor_units(units)
