"""Fixtures for payment tests."""

import hashlib
import hmac
import json
import time

import pytest
import stripe
from django.urls import reverse

from payments.methods.card import client as card_client

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


@pytest.fixture
def stripe_event_post(client, settings, django_capture_on_commit_callbacks):
    """Post a signed Stripe event; the work it queues after commit runs (eager Celery)."""

    def send(event_id: str, kind: str, obj: dict) -> None:
        body = json.dumps(
            {"id": event_id, "object": "event", "type": kind, "data": {"object": obj}}
        )
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                reverse("payments:stripe_webhook"),
                body,
                content_type="application/json",
                HTTP_STRIPE_SIGNATURE=_signature(body, settings.STRIPE_WEBHOOK_SECRET),
            )
        assert response.status_code == 200

    return send


def _signature(body: str, secret: str) -> str:
    """Stripe's signature header for a body, made now."""
    at = int(time.time())
    mac = hmac.new(secret.encode(), f"{at}.{body}".encode(), hashlib.sha256).hexdigest()
    return f"t={at},v1={mac}"
