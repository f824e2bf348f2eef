"""A guest's checkout form places only the cart of the session it was shown to."""

import pytest
from django.test import Client
from django.urls import reverse

from orders.models import Cart, CartLine, Order

from .test_pages import add, checkout_form, guest_form, physical

pytestmark = pytest.mark.django_db


def _submission(hidden: dict, method, **overrides) -> dict:
    return {**hidden, **guest_form(method, **{"email": "attacker@example.com", **overrides})}


def _hidden(client, method) -> dict:
    """The hidden fields of one's own checkout page, refreshed for the submitted choices."""
    return checkout_form(client, _submission({}, method))[1]


def _victim_with_cart(variant, method) -> tuple[Client, dict]:
    victim = Client()
    add(victim, variant, 2)
    return victim, _hidden(victim, method)


def test_another_guests_token_places_nothing_and_leaves_their_cart_alone(client, shipping):
    variant = physical("80.00")
    victim, victim_hidden = _victim_with_cart(variant, shipping)
    add(client, physical("10.00"), 1)  # the attacker has a cart of their own
    response = client.post(reverse("orders:checkout"), _submission(victim_hidden, shipping))
    assert response.status_code == 400
    assert "could not be found" in response.content.decode()
    assert not Order.objects.exists()
    cart = Cart.objects.get(pk=int(victim_hidden["token"].split(".")[0]))
    assert cart.status == "open"
    assert list(CartLine.objects.filter(cart=cart).values_list("quantity", flat=True)) == [2]
    # The victim still places their own cart.
    victim_response = victim.post(
        reverse("orders:checkout"), _submission(victim_hidden, shipping, email="v@example.com")
    )
    assert victim_response.status_code == 302
    assert Order.objects.get().email == "v@example.com"


def test_a_guessed_token_without_a_cart_of_ones_own_gets_the_empty_cart_answer(client, shipping):
    _victim, victim_hidden = _victim_with_cart(physical(), shipping)
    response = client.post(reverse("orders:checkout"), _submission(victim_hidden, shipping))
    assert response.status_code == 302 and response["Location"] == reverse("orders:cart")
    assert not Order.objects.exists()


def test_repeated_failed_submissions_are_limited(client, shipping, settings):
    settings.CHECKOUT_FAILURES_PER_HOUR = 3
    _victim, victim_hidden = _victim_with_cart(physical(), shipping)
    add(client, physical("10.00"), 1)
    own_hidden = _hidden(client, shipping)
    victim_cart_id = int(victim_hidden["token"].split(".")[0])
    for token in (victim_hidden["token"], f"{victim_cart_id + 100}.2", "1.1"):
        response = client.post(
            reverse("orders:checkout"), _submission({**victim_hidden, "token": token}, shipping)
        )
        assert "could not be found" in response.content.decode()
    # Even the right token of one's own cart is refused for the rest of the hour.
    response = client.post(reverse("orders:checkout"), _submission(own_hidden, shipping))
    assert response.status_code == 400
    assert "Too many attempts" in response.content.decode()
    assert not Order.objects.exists()


def test_a_double_tap_that_overtakes_the_session_save_still_lands_on_the_order(client, shipping):
    add(client, physical(), 1)
    hidden = _hidden(client, shipping)
    before = dict(client.session.items())
    first = client.post(reverse("orders:checkout"), _submission(hidden, shipping))
    assert first.status_code == 302
    # The second tap was read with the session as it was before the first one saved it.
    session = client.session
    session.clear()
    session.update(before)
    session.save()
    second = client.post(reverse("orders:checkout"), _submission(hidden, shipping))
    assert second.status_code == 302 and second["Location"] == first["Location"]
    assert Order.objects.count() == 1
    assert client.get(second["Location"]).status_code == 200
