"""Returns and parcels change status only through one door each, which reads its table in
orders/states.py (as orders and refunds do); the return's admin screen offers only the steps
the table allows."""

import ast
import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from orders import services
from orders.carriers import TrackingUpdate
from orders.models import Order, OrderEvent, Return, Shipment, ShipmentEvent
from orders.services import ReturnError
from orders.states import (
    RETURN_TRANSITIONS,
    SHIPMENT_TRANSITIONS,
    ReturnStatus,
    ShipmentStatus,
    return_next_statuses,
)
from payments.models import Refund
from tests.factories import StaffFactory, UserFactory

from .fulfilment_helpers import packed_order, simulated_carrier
from .helpers import shipping_setup, stocked_variant
from .returns_helpers import delivered_order

ORDERS = Path(__file__).resolve().parents[2] / "orders"
# The functions that may write a status field in orders/: each is the one door of its table.
DOORS = {"order_transition", "return_transition", "shipment_transition"}


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


# --- the tables ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("model", "table"), [(Return, RETURN_TRANSITIONS), (Shipment, SHIPMENT_TRANSITIONS)]
)
def test_every_status_has_a_row_and_every_move_names_a_status(model, table):
    statuses = {value for value, _label in model._meta.get_field("status").choices}
    assert set(table) == statuses
    for targets in table.values():
        assert targets <= statuses


def test_final_statuses_have_no_way_out():
    assert RETURN_TRANSITIONS[ReturnStatus.REJECTED] == frozenset()
    assert RETURN_TRANSITIONS[ReturnStatus.REFUNDED] == {ReturnStatus.REFUNDED}  # a failed refund
    assert SHIPMENT_TRANSITIONS[ShipmentStatus.DELIVERED] == frozenset()
    assert return_next_statuses(ReturnStatus.REQUESTED) == ["approved", "rejected"]


# --- one door each: no status written elsewhere --------------------------------------------


def _status_writes(tree: ast.AST) -> list[tuple[str, int, ast.AST]]:
    """(enclosing function, line, value) of every write of a `status` field in a module:
    `x.status = …`, `setattr(x, "status", …)` and `….update(status=…)`."""
    writes = []

    def visit(node: ast.AST, function: str) -> None:
        for child in ast.iter_child_nodes(node):
            inner = function
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                inner = child.name
            targets = []
            if isinstance(child, ast.Assign):
                targets = [(target, child.value) for target in child.targets]
            elif isinstance(child, ast.AugAssign | ast.AnnAssign):
                targets = [(child.target, child.value)]
            for target, value in targets:
                if isinstance(target, ast.Attribute) and target.attr == "status":
                    writes.append((function, child.lineno, value))
            if isinstance(child, ast.Call):
                func = child.func
                if (
                    isinstance(func, ast.Name)
                    and func.id == "setattr"
                    and len(child.args) > 1
                    and isinstance(child.args[1], ast.Constant)
                    and child.args[1].value == "status"
                ):
                    writes.append((function, child.lineno, child.args[2]))
                if isinstance(func, ast.Attribute) and func.attr == "update":
                    for keyword in child.keywords:
                        if keyword.arg == "status":
                            writes.append((function, child.lineno, keyword.value))
            visit(child, inner)

    visit(tree, "<module>")
    return writes


def _is_cart_status(value: ast.AST) -> bool:
    """A cart's status (merged, ordered) has no lifecycle table of its own."""
    return (
        isinstance(value, ast.Attribute)
        and isinstance(value.value, ast.Name)
        and value.value.id == "CartStatus"
    )


def test_no_status_is_written_outside_its_door():
    found, outside = set(), []
    for path in sorted(ORDERS.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        tree = ast.parse(path.read_text(), filename=str(path))
        for function, line, value in _status_writes(tree):
            found.add(function)
            if function not in DOORS and not _is_cart_status(value):
                outside.append(f"{path.relative_to(ORDERS.parent)}:{line} in {function}()")
    assert not outside, "a status written outside its door: " + ", ".join(outside)
    assert found >= DOORS  # the scan sees the doors' own writes


def test_the_scan_catches_a_status_written_by_hand():
    source = (
        "def return_receive(order_return):\n"
        "    order_return.status = ReturnStatus.RECEIVED\n"
        "def fix(rows):\n"
        "    rows.update(status='delivered')\n"
        "    setattr(rows[0], 'status', 'delivered')\n"
    )
    writes = _status_writes(ast.parse(source))
    assert [(function, line) for function, line, _value in writes] == [
        ("return_receive", 2),
        ("fix", 4),
        ("fix", 5),
    ]


# --- returns: a move the table refuses changes nothing -------------------------------------


def _claim(order: Order, **fields) -> Return:
    """A return row in any status, without the steps that lead there."""
    count = order.returns.count() + 1
    values = {
        "kind": "defect",
        "status": ReturnStatus.REQUESTED,
        "reason": "Torn",
        "amount": order.lines.first().total,
        "currency": order.currency,
    }
    return Return.objects.create(order=order, number=f"{order.number}-R{count}", **values | fields)


@pytest.mark.django_db
def test_a_move_outside_the_table_is_refused_with_a_clear_error_and_changes_nothing():
    shipping_setup()
    order = delivered_order((stocked_variant(), 1), user=UserFactory(verified=True))
    claim = _claim(order)
    events = OrderEvent.objects.filter(order=order).count()

    refused = "A return that is “Waiting for our decision” cannot become “Refunded”."
    with pytest.raises(ReturnError, match=re.escape(refused)):
        services.return_transition(
            order_return=claim, to=ReturnStatus.REFUNDED, refunded_at=timezone.now()
        )
    with pytest.raises(ReturnError, match="Only a return with its return code issued"):
        services.return_receive(order_return=claim, restock={})
    with pytest.raises(ReturnError, match="before refunding"):
        services.return_refund(order_return=claim)
    with pytest.raises(ReturnError, match="Say why"):
        services.return_decide(order_return=claim, approve=False, note="  ")

    claim.refresh_from_db()
    assert (claim.status, claim.refunded_at, claim.received_at, claim.decided_at) == (
        "requested",
        None,
        None,
        None,
    )
    assert OrderEvent.objects.filter(order=order).count() == events
    assert Order.objects.get(pk=order.pk).status == "delivered"

    rejected = services.return_decide(order_return=claim, approve=False, note="Worn, not torn")
    assert rejected.status == "rejected"
    with pytest.raises(ReturnError, match="nothing to decide"):
        services.return_decide(order_return=claim, approve=True)
    assert Return.objects.get(pk=claim.pk).status == "rejected"


@pytest.mark.django_db
def test_the_door_writes_the_status_and_the_order_follows():
    shipping_setup()
    order = delivered_order((stocked_variant(), 1), user=UserFactory(verified=True))
    claim = _claim(order)

    approved = services.return_transition(
        order_return=claim, to=ReturnStatus.APPROVED, decided_at=timezone.now()
    )

    assert Return.objects.get(pk=claim.pk).status == approved.status == "approved"
    assert Order.objects.get(pk=order.pk).status == "return_requested"
    assert OrderEvent.objects.filter(order=order, kind="return_approved").count() == 1


# --- returns: the admin shows only what the table allows -----------------------------------

# The admin's step for each next status.
ACTIONS = {
    "approved": "approve",
    "rejected": "reject",
    "received": "receive",
    "refunded": "refund",
    "cancelled": "cancel",  # a return whose parcel never came, or called off
}


def _actions(client: Client, order_return: Return) -> set[str]:
    page = client.get(reverse("admin:orders_return_change", args=[order_return.pk]))
    assert page.status_code == 200
    return set(re.findall(r'name="act" value="([a-z]+)"', page.content.decode()))


@pytest.mark.django_db
def test_the_return_screen_offers_only_the_steps_the_table_allows():
    shipping_setup()
    order = delivered_order((stocked_variant(), 1), user=UserFactory(verified=True))
    client = Client()
    client.force_login(StaffFactory())

    for status in ReturnStatus.values:
        order_return = _claim(order, status=status)
        expected = {
            ACTIONS[step] for step in RETURN_TRANSITIONS[status] if step != status
        }  # moving to the same status is only a failed refund's retry
        assert _actions(client, order_return) == expected, status

    payment = order.payments.order_by("-pk").first()
    failed = Refund.objects.create(
        payment=payment, amount=order.total, currency=order.currency, status="failed"
    )
    retry = _claim(order, status=ReturnStatus.REFUNDED, refund=failed)
    assert _actions(client, retry) == {"refund"}

    inspect = _claim(order, status=ReturnStatus.APPROVED)
    inspect.lines.create(order_line=order.lines.first(), quantity=1, amount=inspect.amount)
    page = client.get(reverse("admin:orders_return_change", args=[inspect.pk])).content.decode()
    line = inspect.lines.get()
    assert f'<select id="restock-{line.pk}" name="restock-{line.pk}">' in page
    assert '<option value="sellable">Back to sellable stock</option>' in page


# --- parcels: the newest report wins until delivered, through one door --------------------


@pytest.mark.django_db
def test_a_delivered_parcel_takes_no_more_reports_and_nothing_changes():
    shipping_setup()
    order = packed_order()
    parcel = services.order_ship(order=order, carrier=simulated_carrier(), tracking_number="D1")
    now = timezone.now()

    def report(event_id: str, status: str, minutes: int) -> bool:
        update = TrackingUpdate(
            tracking_number="D1",
            event_id=event_id,
            status=status,
            happened_at=now + timedelta(minutes=minutes),
        )
        return services.shipment_track(shipment=parcel, update=update)

    assert report("e1", "delivered", 5)
    delivered = Shipment.objects.get(pk=parcel.pk)
    assert not report("e2", "in_transit", 10)
    assert (
        services.shipment_transition(
            shipment=parcel, to="exception", at=now + timedelta(minutes=20)
        )
        is None
    )

    parcel.refresh_from_db()
    assert (parcel.status, parcel.last_event_at, parcel.delivered_at) == (
        "delivered",
        delivered.last_event_at,
        now + timedelta(minutes=5),
    )
    assert ShipmentEvent.objects.get(shipment=parcel, external_id="e2").applied is False
    assert Order.objects.get(pk=order.pk).status == "delivered"


@pytest.mark.django_db
def test_an_older_report_is_kept_but_never_moves_the_parcel():
    shipping_setup()
    order = packed_order()
    parcel = services.order_ship(order=order, carrier=simulated_carrier(), tracking_number="D2")
    later = timezone.now() + timedelta(minutes=30)

    assert services.shipment_transition(shipment=parcel, to="out_for_delivery", at=later)
    assert services.shipment_transition(shipment=parcel, to="in_transit", at=later) is None
    assert services.shipment_transition(
        shipment=parcel, to="in_transit", at=later + timedelta(minutes=1)
    )  # a failed attempt: back on the road
    assert Shipment.objects.get(pk=parcel.pk).status == "in_transit"
