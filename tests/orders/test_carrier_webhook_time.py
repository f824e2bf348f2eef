"""Carrier webhooks carry a signed send time and expire both ways, like Stripe's."""

import json

import pytest
import time_machine

from orders import services
from orders.models import CarrierUpdate, Order

from .fulfilment_helpers import event, packed_order, signed_post, simulated_carrier, webhook_body

pytestmark = pytest.mark.django_db

NOW = 1_800_000_000


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def shipped():
    carrier = simulated_carrier()
    order = packed_order()
    services.order_ship(order=order, carrier=carrier, tracking_number="T1")
    return carrier, order


@pytest.mark.parametrize("offset", [-3600, 3600], ids=["an hour old", "an hour ahead"])
def test_a_signed_carrier_report_outside_the_tolerance_is_refused(client, shipped, offset):
    carrier, order = shipped
    body = webhook_body(event("T1", "e1", "delivered"), sent_at=NOW + offset)
    assert signed_post(client, carrier, body).status_code == 400
    assert not CarrierUpdate.objects.exists()
    assert Order.objects.get(pk=order.pk).status == "shipped"


def test_a_signed_carrier_report_without_a_send_time_is_refused(client, shipped):
    carrier, _ = shipped
    body = json.dumps({"events": [event("T1", "e1", "delivered")]}).encode()
    assert signed_post(client, carrier, body).status_code == 400
    assert not CarrierUpdate.objects.exists()


def test_a_carrier_report_within_the_tolerance_either_way_is_stored(
    client, shipped, settings, django_capture_on_commit_callbacks
):
    carrier, _ = shipped
    tolerance = settings.CARRIER_WEBHOOK_TOLERANCE_SECONDS
    with django_capture_on_commit_callbacks():
        for event_id, offset in (("e-behind", -tolerance), ("e-ahead", tolerance)):
            body = webhook_body(event("T1", event_id, "in_transit"), sent_at=NOW + offset)
            assert signed_post(client, carrier, body).status_code == 200
    assert CarrierUpdate.objects.count() == 2


def test_a_production_shop_refuses_reports_for_a_carrier_without_a_secret(client, settings):
    settings.PRODUCTION = True
    carrier = simulated_carrier(webhook_secret="")
    order = packed_order()
    services.order_ship(order=order, carrier=carrier, tracking_number="T2")
    body = webhook_body(event("T2", "e1", "delivered"))
    assert signed_post(client, carrier, body, secret="").status_code == 400
    assert not CarrierUpdate.objects.exists()
