"""An order's status changes only through order_transition, which logs who did what."""

import pytest

from orders.exceptions import InvalidTransition
from orders.models import OrderEvent
from orders.services import order_transition
from orders.states import CancelReason, OrderStatus
from tests.factories import OrderFactory, StaffFactory

pytestmark = pytest.mark.django_db


def test_transition_writes_an_event_with_the_staff_member():
    order = OrderFactory(status=OrderStatus.CONFIRMED)
    staff = StaffFactory()
    order = order_transition(order=order, to=OrderStatus.PREPARING, by=staff, note="picked")
    order.refresh_from_db()
    assert order.status == OrderStatus.PREPARING
    event = OrderEvent.objects.get(order=order)
    assert (event.from_status, event.to_status, event.actor, event.note) == (
        OrderStatus.CONFIRMED,
        OrderStatus.PREPARING,
        staff,
        "picked",
    )


def test_illegal_transition_is_refused_with_a_clear_message_and_changes_nothing():
    order = OrderFactory(status=OrderStatus.PENDING_PAYMENT)
    with pytest.raises(InvalidTransition, match="cannot become"):
        order_transition(order=order, to=OrderStatus.SHIPPED)
    order.refresh_from_db()
    assert order.status == OrderStatus.PENDING_PAYMENT
    assert not OrderEvent.objects.exists()


def test_cancelling_needs_a_reason_and_records_it():
    order = OrderFactory(status=OrderStatus.CONFIRMED)
    with pytest.raises(InvalidTransition):
        order_transition(order=order, to=OrderStatus.CANCELLED)
    order_transition(order=order, to=OrderStatus.CANCELLED, cancel_reason=CancelReason.CUSTOMER)
    order.refresh_from_db()
    assert (order.status, order.cancel_reason) == (OrderStatus.CANCELLED, CancelReason.CUSTOMER)


def test_repeating_a_transition_is_harmless():
    order = OrderFactory(status=OrderStatus.CONFIRMED)
    order_transition(order=order, to=OrderStatus.PREPARING)
    order_transition(order=order, to=OrderStatus.PREPARING)
    assert OrderEvent.objects.filter(order=order).count() == 1
