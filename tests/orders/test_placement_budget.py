"""The place-order POST stays within its SQL budget (timings live in bench/)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from orders.models import Order

from .helpers import shipping_setup
from .test_pages import add, checkout_form, guest_form, physical

pytestmark = pytest.mark.django_db

TRANSACTION_CONTROL = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE SAVEPOINT")
# A guest's cash-on-delivery place-order POST, BEGIN/COMMIT/SAVEPOINT/RELEASE not counted.
PLACEMENT_BUDGET = 40


def _place_guest_cod(client, method) -> tuple[object, list[str]]:
    """POST the checkout form a guest filled in; returns the response and its SQL statements."""
    data = guest_form(method)
    data.update(checkout_form(client, data)[1])  # as the page showed it for these choices
    with CaptureQueriesContext(connection) as captured:
        response = client.post(reverse("orders:checkout"), data)
    statements = [
        q["sql"]
        for q in captured.captured_queries
        if not q["sql"].lstrip().upper().startswith(TRANSACTION_CONTROL)
    ]
    return response, statements


@pytest.mark.parametrize("lines", [1, 3])
def test_a_guest_cash_on_delivery_order_is_placed_within_the_budget(client, lines):
    method = shipping_setup()
    for _ in range(lines):
        add(client, physical(on_hand=50), 1)
    response, statements = _place_guest_cod(client, method)
    assert response.status_code == 302
    order = Order.objects.get()
    assert (order.status, order.lines.count()) == ("confirmed", lines)
    assert len(statements) <= PLACEMENT_BUDGET, "\n".join(s[:120] for s in statements)


def test_placement_leaves_a_product_that_stays_in_stock_alone(client):
    method = shipping_setup()
    add(client, physical(on_hand=50), 1)
    _, statements = _place_guest_cod(client, method)
    assert not [s for s in statements if s.startswith('UPDATE "catalog_product"')]


def test_selling_the_last_unit_marks_the_product_out_of_stock(client):
    method = shipping_setup()
    variant = physical(on_hand=1)
    add(client, variant, 1)
    response, _ = _place_guest_cod(client, method)
    assert response.status_code == 302
    variant.product.refresh_from_db()
    assert variant.product.in_stock is False
