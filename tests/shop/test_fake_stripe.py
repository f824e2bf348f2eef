"""The fake Stripe server fixture: the Stripe client reaches localstripe, not the internet."""

from urllib.parse import urlsplit

import pytest
import stripe
from django.conf import settings

from payments.methods.card.client import stripe_client

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


def test_without_the_fixture_no_test_reaches_a_stripe_server():
    """A developer's `make run` keeps a fake Stripe server on the default port: a test that
    forgets the fixture must fail to reach it, not create customers and cards there."""
    assert urlsplit(settings.STRIPE_API_BASE).port != settings.FAKE_STRIPE_PORT
    with pytest.raises(stripe.APIConnectionError):
        stripe_client().v1.customers.create(params={"email": "ayse@example.com"})
