"""Fixtures for payment tests."""

import pytest
import stripe

from payments.providers.card import client as card_client

# The services' messages are asserted in English here too, whatever the default language.
from tests.orders.conftest import _english, shipping  # noqa: F401


@pytest.fixture
def sent(fake_stripe, monkeypatch) -> list[tuple[str, str, dict]]:
    """Every request our Stripe client sends: (method, url, headers)."""
    requests: list[tuple[str, str, dict]] = []
    base = type(stripe.new_default_http_client())

    class Recording(base):
        def request(self, method, url, headers, post_data=None, **kwargs):
            requests.append((method, url, dict(headers or {})))
            return super().request(method, url, headers, post_data, **kwargs)

    def recorded_client(api_key: str, api_base: str) -> stripe.StripeClient:
        return stripe.StripeClient(
            api_key, base_addresses={"api": api_base}, http_client=Recording()
        )

    monkeypatch.setattr(card_client, "_client", recorded_client)
    return requests
