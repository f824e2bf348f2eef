"""A parcel refused at the door / returned to sender: the carrier or staff report it, the units go
back on the shelf, and an order whose every parcel came back is cancelled as "refused" with its
payment voided (cash on delivery) or refunded in full (a card)."""

import pytest
from django.urls import reverse

from catalog.models import StockMovement, Variant
from crm.notifications.models import Message
from orders import services
from orders.exceptions import InvalidTransition
from orders.models import CarrierUpdate, Order, Shipment
from orders.tasks import poll_carriers
from payments.models import Refund
from payments.states import PaymentStatus
from tests.factories import StaffFactory, UserFactory
from tests.payments.test_card import _pay

from .fulfilment_helpers import event, packed_order, signed_post, simulated_carrier, webhook_body
from .helpers import cart_with, place, shipping_setup, stocked_variant

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _delivery():
    shipping_setup()


def _on_hand(variant) -> tuple[int, int]:
    fresh = Variant.objects.get(pk=variant.pk)
    return fresh.on_hand, fresh.allocated


def test_a_refused_cod_parcel_cancels_the_order_voids_the_cash_and_restocks(
    client, django_capture_on_commit_callbacks
):
    variant = stocked_variant(on_hand=10)
    carrier = simulated_carrier()
    order = packed_order((variant, 3))
    services.order_ship(order=order, carrier=carrier, tracking_number="R1")
    assert _on_hand(variant) == (7, 0)

    body = webhook_body(event("R1", "e-refused", "returned", description="Alıcı teslim almadı"))
    with django_capture_on_commit_callbacks(execute=True):
        assert signed_post(client, carrier, body).json() == {"received": 1, "new": 1}

    order.refresh_from_db()
    assert (order.status, order.cancel_reason) == ("cancelled", "refused")
    payment = order.payments.get()
    assert payment.status == PaymentStatus.VOIDED
    assert not Refund.objects.exists()  # no cash was ever collected
    assert _on_hand(variant) == (10, 0)
    back = StockMovement.objects.get(variant=variant, reason="return")
    assert (back.delta, back.note) == (3, f"{order.number} R1")
    assert Message.objects.filter(
        kind="order_cancelled", channel="email", subject_id=str(order.pk)
    ).exists()

    # Staff see it: the order's screen and the cancelled orders' list.
    client.force_login(StaffFactory())
    page = client.get(reverse("admin:orders_order_change", args=[order.pk])).content.decode()
    assert "Refused at delivery" in page or "Teslimatta reddedildi" in page
    listed = client.get(reverse("admin:orders_order_changelist"), {"status": "cancelled"})
    assert order.number in listed.content.decode()


def test_a_repeated_or_later_carrier_report_changes_nothing_twice(
    client, django_capture_on_commit_callbacks
):
    variant = stocked_variant(on_hand=10)
    carrier = simulated_carrier()
    order = packed_order((variant, 2))
    services.order_ship(order=order, carrier=carrier, tracking_number="R2")
    refused = webhook_body(event("R2", "e-refused", "returned"))
    again = webhook_body(event("R2", "e-refused-2", "returned"))
    with django_capture_on_commit_callbacks(execute=True):
        signed_post(client, carrier, refused)
        assert signed_post(client, carrier, refused).json() == {"received": 1, "new": 0}
        signed_post(client, carrier, again)  # another id, same news: the parcel is final
    assert CarrierUpdate.objects.get(event_id="e-refused-2").applied is False
    assert poll_carriers() == 0  # nothing left on the road
    assert _on_hand(variant) == (10, 0)
    assert StockMovement.objects.filter(variant=variant, reason="return").count() == 1
    order.refresh_from_db()
    cancels = order.events.filter(to_status="cancelled")
    assert (order.status, cancels.count()) == ("cancelled", 1)
    assert Message.objects.filter(kind="order_cancelled", subject_id=str(order.pk)).count() == 2


def test_the_simulated_carrier_returns_a_refused_parcel():
    order = packed_order()
    services.order_ship(order=order, carrier=simulated_carrier(), tracking_number="SIM-REFUSE")
    for _ in range(3):
        poll_carriers()
    order.refresh_from_db()
    assert (order.status, order.cancel_reason) == ("cancelled", "refused")
    assert Shipment.objects.get().status == "returned"


@pytest.mark.stripe
def test_staff_record_a_card_orders_parcel_returned_and_it_is_refunded_in_full(
    client, fake_stripe, django_capture_on_commit_callbacks
):
    customer = UserFactory(verified=True)
    variant = stocked_variant(on_hand=5)
    order = place(cart_with((variant, 1), user=customer), payment_method="card", language="en")
    _pay(fake_stripe, order.payments.get(), user=customer)
    for step in ("preparing", "packed"):
        services.order_step(order=order, to=step)
    shipment = services.order_ship(
        order=order, carrier=simulated_carrier(adapter="manual"), tracking_number="R3"
    )

    staff = StaffFactory()
    client.force_login(staff)
    url = reverse("admin:orders_order_parcel_returned", args=[order.pk, shipment.pk])
    page = client.get(reverse("admin:orders_order_change", args=[order.pk])).content.decode()
    assert url in page  # the parcel's button
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url, {"parcel": shipment.pk}).status_code == 302
        client.post(url, {"parcel": shipment.pk})  # a second click changes nothing

    order.refresh_from_db()
    assert (order.status, order.cancel_reason) == ("cancelled", "refused")
    assert order.events.get(to_status="cancelled").actor == staff
    payment = order.payments.get()
    refund = payment.refunds.get()
    assert (payment.status, refund.amount) == (PaymentStatus.REFUNDED, order.total)
    assert refund.status == Refund.Status.SUCCEEDED
    assert _on_hand(variant) == (5, 0)


def test_a_parcel_back_while_another_is_delivered_keeps_the_order_and_asks_staff(
    django_capture_on_commit_callbacks,
):
    first, second = stocked_variant(on_hand=4), stocked_variant(on_hand=4)
    carrier = simulated_carrier(adapter="manual")
    order = packed_order((first, 1), (second, 1))
    lines = {line.variant_id: line.pk for line in order.lines.all()}
    one = services.order_ship(
        order=order, carrier=carrier, tracking_number="P1", quantities={lines[first.pk]: 1}
    )
    two = services.order_ship(
        order=order, carrier=carrier, tracking_number="P2", quantities={lines[second.pk]: 1}
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.shipment_report_returned(shipment=one)
        services.order_step(order=order, to="delivered")
    order.refresh_from_db()
    assert order.status == "delivered"
    assert order.needs_review and "returned to sender" in order.review_note
    assert order.payments.get().status == PaymentStatus.COD_DUE  # the rest is paid at the door
    assert _on_hand(first) == (4, 0) and _on_hand(second) == (3, 0)
    assert Shipment.objects.get(pk=two.pk).status == "delivered"


def test_a_shipped_order_is_cancelled_only_as_refused_once_its_parcels_are_back():
    order = packed_order()
    services.order_ship(order=order, carrier=simulated_carrier(), tracking_number="R4")
    with pytest.raises(InvalidTransition):
        services.order_cancel_by_staff(order=order)
    with pytest.raises(InvalidTransition):
        services.order_transition(order=order, to="cancelled", cancel_reason="refused")
    assert "cancelled" not in services.order_next_steps(order=Order.objects.get(pk=order.pk))
    assert Order.objects.get(pk=order.pk).status == "shipped"
