"""The fake Stripe server fixture: the Stripe client reaches localstripe, not the internet."""

import pytest
import stripe
from django.conf import settings

pytestmark = pytest.mark.stripe


def test_stripe_client_talks_to_the_local_fake_server(fake_stripe):
    client = stripe.StripeClient(
        settings.STRIPE_SECRET_KEY, base_addresses={"api": settings.STRIPE_API_BASE}
    )
    created = client.v1.customers.create(params={"email": "ayse@example.com"})
    fetched = client.v1.customers.retrieve(created.id)
    assert fetched.email == "ayse@example.com"
    # The fake server keeps what it was told: a second customer is a different object.
    other = client.v1.customers.create(params={"email": "mehmet@example.com"})
    assert other.id != created.id
    assert client.v1.customers.retrieve(created.id).email == "ayse@example.com"
