"""Placement asks the payment method it resolved once; a changed request resolves its own."""

from dataclasses import replace

import pytest
from django.urls import reverse

from orders.models import Order
from payments.services import checkout as payment_checkout

from .helpers import cart_with, make_checkout_request, shipping_setup
from .test_pages import add, checkout_form, guest_form, physical

pytestmark = pytest.mark.django_db


def test_a_place_order_post_resolves_the_payment_method_once(client, monkeypatch):
    """The checkout page resolves the chosen method while reading the form; the checks, the
    lock, the payment's row and its start after commit all ask that one resolution."""
    method = shipping_setup()
    add(client, physical(on_hand=5), 1)
    data = guest_form(method)
    data.update(checkout_form(client, data)[1])
    resolved = []
    real = payment_checkout.payment_checkout_resolve

    def resolve(**kwargs):
        resolved.append(kwargs["method"])
        return real(**kwargs)

    for where in ("orders.views.checkout_page", "orders.services.placement"):
        monkeypatch.setattr(f"{where}.payment_checkout_resolve", resolve)
    monkeypatch.setattr("orders.services.paying.payment_checkout_resolve", resolve)
    response = client.post(reverse("orders:checkout"), data)
    order = Order.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(
        reverse("orders:confirmation", args=[order.number])
    )
    assert resolved == ["cod"]
    assert order.payment_method == "cod"


def test_a_request_changed_with_replace_resolves_its_new_method():
    """`dataclasses.replace` keeps the old resolution's field: the request resolves again
    when it no longer matches the method or the details."""
    shipping_setup()
    request = make_checkout_request(cart_with((physical(), 1)))
    assert request.payment.method == "cod"
    changed = replace(request, payment_method="card")
    assert changed.payment.method == "card"
    assert replace(request, payment_method="no-such-method").payment is None
