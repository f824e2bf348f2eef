"""Staff move orders from packing to the door; the order follows its parcels; stock converts;
each step is messaged once per event; carriers report through a poll task and a signed webhook."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from catalog.models import StockMovement, Variant
from crm.notifications.models import Message
from orders import services
from orders.exceptions import InvalidTransition
from orders.models import CarrierUpdate, Order, Shipment
from orders.services import ShipmentError
from orders.tasks import apply_carrier_update, poll_carriers
from tests.conftest import wait_until
from tests.factories import StaffFactory

from .fulfilment_helpers import event, packed_order, signed_post, simulated_carrier, webhook_body
from .helpers import cart_with, place, shipping_setup, status_changes, stocked_variant, told

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _delivery():
    shipping_setup()


def _kinds(order: Order) -> list[str]:
    """The message kinds sent about the order by email, in order."""
    return list(
        Message.objects.filter(subject_id=str(order.pk), channel="email")
        .order_by("pk")
        .values_list("kind", flat=True)
    )


def test_shipping_converts_the_allocation_into_a_sale_and_issues_the_invoice():
    variant = stocked_variant(on_hand=10)
    order = packed_order((variant, 3))
    assert Variant.objects.get(pk=variant.pk).allocated == 3

    services.order_ship(order=order, carrier=simulated_carrier(), tracking_number="SIM1")

    variant.refresh_from_db()
    assert (variant.on_hand, variant.allocated) == (7, 0)
    sale = StockMovement.objects.get(variant=variant)
    assert (sale.reason, sale.delta, sale.note) == ("sale", -3, order.number)
    order.refresh_from_db()
    assert order.status == "shipped"
    assert order.invoice.number.startswith(f"DKN{timezone.localdate().year}")
    assert len(order.invoice.number) == 16


def test_the_simulated_carrier_delivers_through_the_poll_task_with_a_message_per_step():
    order = packed_order()
    services.order_ship(order=order, carrier=simulated_carrier(), tracking_number="SIM2")
    for _ in range(3):
        poll_carriers()
    order.refresh_from_db()
    assert order.status == "delivered"
    assert status_changes(order)[-4:] == [
        ("packed", "shipped"),
        ("shipped", "in_transit"),
        ("in_transit", "out_for_delivery"),
        ("out_for_delivery", "delivered"),
    ]
    assert _kinds(order) == [
        "order_confirmed",
        "order_shipped",
        "order_out_for_delivery",
        "order_delivered",
    ]
    shipped = Message.objects.get(kind="order_shipped", channel="email", subject_id=str(order.pk))
    assert "https://kargo.example/t/SIM2" in shipped.body_text
    sms = Message.objects.get(kind="order_shipped", channel="sms", subject_id=str(order.pk))
    assert "SIM2" in sms.body_text
    assert poll_carriers() == 0  # nothing left on the road


def test_a_failed_delivery_attempt_is_messaged_and_the_second_round_is_too():
    order = packed_order()
    services.order_ship(order=order, carrier=simulated_carrier(), tracking_number="SIM-PROBLEM-1")
    for _ in range(5):
        poll_carriers()
    order.refresh_from_db()
    assert order.status == "delivered"
    assert _kinds(order).count("order_out_for_delivery") == 2
    assert _kinds(order).count("order_delivery_problem") == 1
    problem = Message.objects.get(
        kind="order_delivery_problem", channel="email", subject_id=str(order.pk)
    )
    assert "adreste" in problem.body_text  # the carrier's reason, in the customer's Turkish


def test_guest_messages_carry_a_signed_link_that_opens_the_order_page(client):
    order = packed_order()  # a guest order
    services.order_ship(order=order, carrier=simulated_carrier(), tracking_number="SIM3")
    body = Message.objects.get(kind="order_shipped", channel="email").body_text
    link = next(word for word in body.split() if "?t=" in word)
    path = link.split("8000", 1)[1]
    response = client.get(path)
    assert response.status_code == 200
    assert "SIM3" in response.content.decode()
    assert client.get(path.split("?")[0] + "?t=forged").status_code == 200  # remembered now
    stranger = client.__class__()
    assert stranger.get(path.split("?")[0] + "?t=forged").status_code == 404


def test_transitions_outside_the_table_are_refused_by_service_admin_and_url(client):
    order = place(cart_with((stocked_variant(), 1)), payment_method="cod")
    services.checkout_payment_start(order=order)
    with pytest.raises(InvalidTransition, match="cannot become"):
        services.order_step(order=order, to="out_for_delivery")
    with pytest.raises(InvalidTransition, match="cannot become"):
        services.order_transition(order=order, to="shipped")
    with pytest.raises(InvalidTransition, match="digital"):
        services.order_transition(order=order, to="delivered")
    with pytest.raises(InvalidTransition, match="pack it first"):
        services.order_ship(order=order, carrier=simulated_carrier(), tracking_number="X1")

    client.force_login(StaffFactory())
    response = client.post(
        reverse("admin:orders_order_step", args=[order.pk]), {"step": "delivered"}, follow=True
    )
    assert "cannot become" in response.content.decode() or "digital" in response.content.decode()
    order.refresh_from_db()
    assert order.status == "confirmed"


def test_admin_shows_only_the_allowed_next_steps(client):
    order = packed_order()
    client.force_login(StaffFactory())
    page = client.get(reverse("admin:orders_order_change", args=[order.pk])).content.decode()
    assert 'value="cancelled"' in page
    assert "Ship…" in page
    assert 'value="preparing"' not in page
    assert 'value="delivered"' not in page


def test_an_echeck_still_clearing_cannot_ship():
    order = packed_order()
    Order.objects.filter(pk=order.pk).update(payment_status="clearing")
    with pytest.raises(InvalidTransition, match="cannot ship while its payment"):
        services.order_ship(order=order, carrier=simulated_carrier(), tracking_number="EC1")
    assert not Shipment.objects.exists()
    assert Order.objects.get(pk=order.pk).status == "packed"


def test_a_tracking_number_is_used_once_and_a_parcel_holds_only_what_is_left():
    carrier = simulated_carrier()
    first = packed_order()
    services.order_ship(order=first, carrier=carrier, tracking_number="T-1")
    second = packed_order()
    with pytest.raises(ShipmentError):
        services.order_ship(order=second, carrier=carrier, tracking_number="T-1")
    with pytest.raises(ShipmentError):
        services.order_ship(order=first, carrier=carrier, tracking_number="T-2")


def test_a_second_parcel_keeps_the_order_on_the_road_until_every_unit_arrives():
    a, b = stocked_variant(), stocked_variant()
    order = packed_order((a, 1), (b, 1))
    line_a = order.lines.order_by("pk").first()
    carrier = simulated_carrier()
    services.order_ship(
        order=order, carrier=carrier, tracking_number="P-1", quantities={line_a.pk: 1}
    )
    for _ in range(3):
        poll_carriers()
    assert Order.objects.get(pk=order.pk).status == "shipped"  # half of it has not left
    services.order_ship(order=order, carrier=carrier, tracking_number="P-2")
    poll_carriers()
    assert Order.objects.get(pk=order.pk).status == "in_transit"
    poll_carriers()
    poll_carriers()
    assert Order.objects.get(pk=order.pk).status == "delivered"


def test_bad_signature_changes_nothing(client, django_capture_on_commit_callbacks):
    carrier = simulated_carrier()
    order = packed_order()
    services.order_ship(order=order, carrier=carrier, tracking_number="W1")
    body = webhook_body(event("W1", "e1", "delivered"))
    with django_capture_on_commit_callbacks(execute=True) as queued:
        assert signed_post(client, carrier, body, secret="wrong").status_code == 400
        assert (
            client.post(
                f"/carriers/{carrier.pk}/webhook/", data=body, content_type="application/json"
            ).status_code
            == 400
        )
        assert signed_post(client, carrier, b'{"events": [{"id": 1}]}').status_code == 400
    assert not queued and not CarrierUpdate.objects.exists()
    assert Order.objects.get(pk=order.pk).status == "shipped"
    assert Shipment.objects.get().events.count() == 1  # only "shipped"


def test_the_request_only_stores_the_update_and_the_task_applies_it_once(
    client, django_capture_on_commit_callbacks
):
    carrier = simulated_carrier()
    order = packed_order()
    services.order_ship(order=order, carrier=carrier, tracking_number="W3")
    body = webhook_body(event("W3", "e-transit", "in_transit"))
    with django_capture_on_commit_callbacks() as queued:
        assert signed_post(client, carrier, body).json() == {"received": 1, "new": 1}
    assert Order.objects.get(pk=order.pk).status == "shipped"  # nothing applied in the request
    stored = CarrierUpdate.objects.get()
    assert (stored.status, stored.processed_at) == ("in_transit", None)

    for callback in queued:  # the task, queued after commit (Celery runs it eagerly here)
        callback()
    assert apply_carrier_update(stored.pk) is False  # the task run twice applies once
    assert Order.objects.get(pk=order.pk).status == "in_transit"
    assert Shipment.objects.get().events.filter(status="in_transit").count() == 1


def test_a_duplicate_is_applied_once_and_an_older_event_never_overrides_a_newer(
    client, django_capture_on_commit_callbacks
):
    carrier = simulated_carrier()
    order = packed_order()
    services.order_ship(order=order, carrier=carrier, tracking_number="W2")
    now = timezone.now()

    def deliver(body: bytes) -> dict:
        with django_capture_on_commit_callbacks(execute=True):
            return signed_post(client, carrier, body).json()

    out = webhook_body(event("W2", "e-out", "out_for_delivery", now + timedelta(minutes=5)))
    assert deliver(out) == {"received": 1, "new": 1}
    assert deliver(out) == {"received": 1, "new": 0}
    older = webhook_body(event("W2", "e-transit", "in_transit", now + timedelta(minutes=1)))
    assert deliver(older) == {"received": 1, "new": 1}
    assert CarrierUpdate.objects.get(event_id="e-transit").applied is False  # kept, not applied
    order.refresh_from_db()
    assert order.status == "out_for_delivery"
    assert len(told(order, "order_out_for_delivery")) == 2  # email and SMS, once each
    assert Shipment.objects.get().status == "out_for_delivery"


def test_an_update_whose_task_never_ran_is_applied_by_the_periodic_job(client):
    carrier = simulated_carrier(adapter="manual")
    order = packed_order()
    services.order_ship(order=order, carrier=carrier, tracking_number="W4")
    body = webhook_body(event("W4", "e-1", "in_transit"))
    signed_post(client, carrier, body)  # its task was lost (the broker was down at commit)
    CarrierUpdate.objects.update(received_at=timezone.now() - timedelta(minutes=5))

    assert poll_carriers() == 1
    assert poll_carriers() == 0
    assert Order.objects.get(pk=order.pk).status == "in_transit"


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_the_worker_applies_a_webhook_update(client, celery_worker):
    carrier = simulated_carrier()
    order = packed_order()
    services.order_ship(order=order, carrier=carrier, tracking_number="W5")
    body = webhook_body(event("W5", "e-out", "out_for_delivery"))
    assert signed_post(client, carrier, body).json() == {"received": 1, "new": 1}
    assert wait_until(lambda: Order.objects.get(pk=order.pk).status == "out_for_delivery")
    assert wait_until(lambda: CarrierUpdate.objects.filter(processed_at__isnull=False).exists())
    assert CarrierUpdate.objects.get().applied


def test_bulk_actions_prepare_pack_and_deliver(client):
    staff = StaffFactory()
    client.force_login(staff)
    orders = []
    for _ in range(2):
        order = place(cart_with((stocked_variant(), 1)))
        services.checkout_payment_start(order=order)
        orders.append(order)
    changelist = reverse("admin:orders_order_changelist")
    ids = [o.pk for o in orders]
    for action in ("start_preparing", "mark_packed"):
        client.post(changelist, {"action": action, "_selected_action": ids})
    assert set(Order.objects.values_list("status", flat=True)) == {"packed"}

    ship_url = reverse("admin:orders_order_ship") + "?ids=" + ",".join(map(str, ids))
    carrier = simulated_carrier()
    form = {f"carrier-{pk}": carrier.pk for pk in ids} | {f"tracking-{pk}": f"B{pk}" for pk in ids}
    client.post(ship_url, form)
    assert set(Order.objects.values_list("status", flat=True)) == {"shipped"}
    client.post(changelist, {"action": "mark_delivered", "_selected_action": ids})
    assert set(Order.objects.values_list("status", flat=True)) == {"delivered"}
    assert Order.objects.filter(events__actor=staff, events__to_status="delivered").count() == 2


def test_pick_list_sums_units_per_sku_and_packing_slips_list_each_order(client):
    shared, other = stocked_variant(sku="SKU-PICK-A"), stocked_variant(sku="SKU-PICK-B")
    first = packed_order((shared, 2), (other, 1))
    second = packed_order((shared, 3))
    client.force_login(StaffFactory())
    changelist = reverse("admin:orders_order_changelist")
    response = client.post(
        changelist, {"action": "print_pick_list", "_selected_action": [first.pk, second.pk]}
    )
    rows = {row["sku"]: row["quantity"] for row in response.context["rows"]}
    assert rows == {"SKU-PICK-A": 5, "SKU-PICK-B": 1}
    slips = client.post(
        changelist, {"action": "print_packing_slips", "_selected_action": [first.pk, second.pk]}
    ).content.decode()
    assert first.number in slips and second.number in slips


def test_late_shipments_are_listed_for_staff(client, settings):
    settings.ORDER_SHIP_WITHIN_DAYS = 2
    # Late: past the day it was promised to ship; and an order from before promises were
    # stored, placed more than ORDER_SHIP_WITHIN_DAYS ago.
    late = packed_order()
    three_days_ago = timezone.now() - timedelta(days=3)
    Order.objects.filter(pk=late.pk).update(
        placed_at=three_days_ago, promised_ship_by=three_days_ago.date()
    )
    unpromised = packed_order()
    Order.objects.filter(pk=unpromised.pk).update(
        placed_at=three_days_ago, promised_ship_by=None, promised_from=None, promised_to=None
    )
    on_time = packed_order()
    client.force_login(StaffFactory())
    page = client.get(reverse("admin:orders_order_changelist") + "?late=yes").content.decode()
    assert late.number in page and unpromised.number in page
    assert on_time.number not in page


def test_staff_steps_stop_at_the_table_for_a_shipped_order():
    order = packed_order()
    services.order_ship(order=order, carrier=simulated_carrier(), tracking_number="S-1")
    with pytest.raises(InvalidTransition):
        services.order_step(order=order, to="preparing")
    with pytest.raises(InvalidTransition):
        services.order_step(order=order, to="cancelled")


def test_a_partly_refunded_order_still_ships():
    # A goodwill refund before shipping leaves the rest paid: the goods must still leave.
    order = packed_order()
    Order.objects.filter(pk=order.pk).update(payment_status="partially_refunded")
    services.order_ship(order=order, carrier=simulated_carrier(), tracking_number="PR1")
    assert Order.objects.get(pk=order.pk).status == "shipped"


def test_every_parcel_passes_the_payment_gate():
    a, b = stocked_variant(), stocked_variant()
    order = packed_order((a, 1), (b, 1))
    line_a = order.lines.order_by("pk").first()
    carrier = simulated_carrier()
    services.order_ship(
        order=order, carrier=carrier, tracking_number="G-1", quantities={line_a.pk: 1}
    )
    Order.objects.filter(pk=order.pk).update(payment_status="refunded")  # refunded in full
    with pytest.raises(InvalidTransition, match="cannot ship while its payment"):
        services.order_ship(order=order, carrier=carrier, tracking_number="G-2")
    assert Shipment.objects.filter(order=order).count() == 1
