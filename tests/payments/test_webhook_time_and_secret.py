"""Stripe webhooks from an outside probe: a future timestamp, and production's secret."""

import hashlib
import hmac
import json
import time

import pytest
import time_machine
from django.urls import reverse

from payments.models import StripeEvent
from payments.services import payment_create
from payments.states import PaymentStatus
from shop.embedded import FAKE_STRIPE_WEBHOOK_SECRET
from tests.factories import OrderFactory
from tests.shop.production import production_settings

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(1_800_000_000, tick=False):
        yield


def _signed(body: str, secret: str, *, at: int) -> str:
    mac = hmac.new(secret.encode(), f"{at}.{body}".encode(), hashlib.sha256).hexdigest()
    return f"t={at},v1={mac}"


def _succeeded_event(event_id: str) -> tuple[str, object]:
    order = OrderFactory(payment_method="card")
    payment = payment_create(order=order, method="card", amount=order.total, currency="TRY")
    intent = {
        "id": "pi_probe",
        "object": "payment_intent",
        "amount": int(order.total * 100),
        "amount_received": int(order.total * 100),
        "currency": "try",
        "status": "succeeded",
        "metadata": {"payment_id": str(payment.pk)},
    }
    body = {"id": event_id, "object": "event", "type": "payment_intent.succeeded"}
    return json.dumps({**body, "data": {"object": intent}}), payment


def _post(client, body: str, signature: str):
    return client.post(
        reverse("payments:stripe_webhook"),
        body,
        content_type="application/json",
        HTTP_STRIPE_SIGNATURE=signature,
    )


def test_a_validly_signed_webhook_from_an_hour_ahead_is_refused(client, settings):
    body, payment = _succeeded_event("evt_future")
    future = int(time.time()) + 3600
    signed = _signed(body, settings.STRIPE_WEBHOOK_SECRET, at=future)
    assert _post(client, body, signed).status_code == 400
    # A current `t=` put in front changes nothing: the signed (last) one is checked.
    assert _post(client, body, f"t={int(time.time())},{signed}").status_code == 400
    assert not StripeEvent.objects.exists()
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.UNPAID


def test_a_webhook_within_the_tolerance_either_way_is_accepted(client, settings):
    tolerance = settings.STRIPE_WEBHOOK_TOLERANCE_SECONDS
    for event_id, at in (("evt_ahead", 1 - tolerance), ("evt_behind", tolerance - 1)):
        body, _ = _succeeded_event(event_id)
        sent_at = int(time.time()) + at
        signature = _signed(body, settings.STRIPE_WEBHOOK_SECRET, at=sent_at)
        assert _post(client, body, signature).status_code == 200
    assert StripeEvent.objects.count() == 2


def test_production_has_no_webhook_secret_unless_one_is_set(monkeypatch, tmp_path):
    values = production_settings(monkeypatch, tmp_path)
    assert values["STRIPE_WEBHOOK_SECRET"] == ""
    assert values["NOTIFICATIONS_WEBHOOK_SECRET"] == ""


@pytest.mark.parametrize("secret", ["", FAKE_STRIPE_WEBHOOK_SECRET])
def test_a_running_production_shop_refuses_every_webhook_without_a_real_secret(
    client, settings, secret
):
    settings.PRODUCTION = True
    settings.STRIPE_WEBHOOK_SECRET = secret
    body, payment = _succeeded_event("evt_public_secret")
    response = _post(client, body, _signed(body, secret, at=int(time.time())))
    assert response.status_code == 400
    assert not StripeEvent.objects.exists()
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.UNPAID


def test_development_still_accepts_the_fake_servers_secret(client, settings):
    settings.STRIPE_WEBHOOK_SECRET = FAKE_STRIPE_WEBHOOK_SECRET
    body, _ = _succeeded_event("evt_dev")
    signature = _signed(body, FAKE_STRIPE_WEBHOOK_SECRET, at=int(time.time()))
    assert _post(client, body, signature).status_code == 200
