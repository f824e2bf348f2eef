"""A saved card that expired or was removed: one-click buying, a top-up and the tab each say so
and change nothing (no order, no charge, no balance)."""

import re
from decimal import Decimal

import pytest
from django.test import Client

from orders.exceptions import CheckoutError
from orders.models import Cart, CartStatus, Order
from payments.models import Payment, SavedCard
from payments.services import balance_of, balance_top_up_create, saved_card_remove
from payments.states import PaymentStatus
from tests.orders.helpers import cart_with, place

from .test_wallet_and_tab import _charges, _customer_with_card_and_address, digital

pytestmark = [pytest.mark.stripe, pytest.mark.django_db]


def _buy_now_page(client: Client, variant) -> tuple[str, dict]:
    response = client.post("/en/buy-now/", {"variant": variant.pk, "quantity": 1})
    html = client.get(response["Location"]).content.decode()
    fields = {
        name: match[1]
        for name in ("token", "items_total", "grand_total")
        if (match := re.search(rf'name="{name}" value="([^"]+)"', html))
    }
    return response["Location"], {"html": html, **fields}


def test_buy_now_with_an_expired_default_card_says_so_and_places_nothing(fake_stripe, client, sent):
    customer = _customer_with_card_and_address(fake_stripe)
    SavedCard.objects.filter(user=customer).update(exp_year=2020)
    client.force_login(customer)
    url, page = _buy_now_page(client, digital("10.00"))
    html = page.pop("html")
    assert "Save a card in My wallet" in html and 'id="buy-now" disabled' in html
    pressed = client.post(url, page)  # pressed anyway (the disabled button, sent by hand)
    assert "Save a card in My wallet" in pressed.content.decode()
    assert not Order.objects.exists() and _charges(sent) == 0


def test_a_card_removed_after_the_buy_now_page_was_shown_places_nothing(fake_stripe, client, sent):
    customer = _customer_with_card_and_address(fake_stripe)
    client.force_login(customer)
    url, page = _buy_now_page(client, digital("10.00"))
    assert 'id="buy-now" disabled' not in page.pop("html")
    saved_card_remove(user=customer, card_id=SavedCard.objects.get(user=customer).pk)
    pressed = client.post(url, page)  # the "Buy now" button of the page shown before
    assert "Save a card in My wallet" in pressed.content.decode()
    assert not Order.objects.exists() and _charges(sent) == 0
    assert Cart.objects.filter(user=customer, status=CartStatus.EXPRESS).exists()


def test_a_top_up_with_a_removed_saved_card_is_refused_and_credits_nothing(
    fake_stripe, client, sent
):
    customer = _customer_with_card_and_address(fake_stripe)
    card = SavedCard.objects.get(user=customer)
    payment = balance_top_up_create(user=customer, amount=Decimal("100.00"))
    client.force_login(customer)
    url = f"/en/account/balance/top-up/{payment.pk}/"
    assert f'value="{card.pk}"' in client.get(url).content.decode()
    saved_card_remove(user=customer, card_id=card.pk)
    response = client.post(url, {"action": "saved", "card": card.pk}, follow=True)
    assert "no longer in your wallet" in response.content.decode().replace("&#x27;", "'")
    payment = Payment.objects.get(pk=payment.pk)
    assert (payment.status, payment.started_at) == (PaymentStatus.UNPAID, None)
    assert balance_of(user_id=customer.pk) == 0 and _charges(sent) == 0


def test_the_tab_refuses_a_customer_whose_only_card_expired(fake_stripe, settings):
    settings.TAB_SETTLE_THRESHOLD = "1000.00"
    customer = _customer_with_card_and_address(fake_stripe)
    SavedCard.objects.filter(user=customer).update(exp_year=2020)
    with pytest.raises(CheckoutError, match="saved card"):
        place(
            cart_with((digital("10.00"), 1), user=customer),
            payment_method="micropayment",
            language="en",
        )
    assert not Order.objects.exists()


def test_a_made_up_card_is_refused_before_stripe_is_asked(fake_stripe, client, sent):
    from django.contrib.messages import get_messages

    from tests.factories import UserFactory

    client.force_login(UserFactory(verified=True))
    response = client.post("/en/account/wallet/add/", {"setup_intent": "'; DROP TABLE cards;--"})
    assert response["Location"] == "/en/account/wallet/add/"
    said = [str(m) for m in get_messages(response.wsgi_request)]
    assert said == ["Your card could not be read. Please enter it again."]
    assert not SavedCard.objects.exists() and sent == []
