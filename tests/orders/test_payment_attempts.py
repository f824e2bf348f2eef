"""The order's payment history lists every attempt with its outcome: a declined card keeps its
place beside the card that paid, with the bank's message as staff see it in the ledger."""

import re

import pytest
import stripe
from django.test import Client
from django.urls import reverse
from django.utils import translation

from orders.models import Order
from payments.interface import Outcome, ProviderResult
from payments.models import PaymentEvent
from payments.services import Operation, payment_create, payment_record
from payments.states import PaymentStatus
from tests.payments.browser_stand_in import fake_stripe as fake_stripe_client

from .test_card_checkout import _enter_card, _secret
from .test_pages import BILLING, add, digital, place

pytestmark = [pytest.mark.stripe, pytest.mark.django_db]


def _payments_section(html: str) -> str:
    match = re.search(r'<section aria-labelledby="payments-heading">(.*?)</section>', html, re.S)
    assert match, html[:2000]
    return match[1]


def _attempts(html: str) -> list[str]:
    """The payment history's entries, as text, newest first."""
    items = re.findall(r"<li>(.*?)</li>", _payments_section(html), re.S)
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", item)).strip() for item in items]


def _order_page(client, order: Order, language: str) -> str:
    with translation.override(language):
        url = reverse("orders:confirmation", args=[order.number])
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def _card_order(client) -> tuple[Order, str]:
    """A guest's digital order awaiting payment by card, and its payment page."""
    add(client, digital("39.90"), 1)
    response = place(client, None, payment_method="card", accept_digital_waiver="on", **BILLING)
    assert response.status_code == 302
    number = response["Location"].rstrip("/").split("/")[-2]
    return Order.objects.get(number=number), response["Location"]


def test_a_declined_card_and_the_card_that_paid_are_both_in_the_history(
    fake_stripe, django_assert_max_num_queries
):
    first_time = Client()
    order, pay_url = _card_order(first_time)
    _enter_card(first_time, fake_stripe, pay_url, "visa")
    _order_page(first_time, order, "en")
    with django_assert_max_num_queries(50) as one_attempt:
        _order_page(first_time, order, "en")
    queries_with_one_attempt = len(one_attempt)

    client = Client()
    order, pay_url = _card_order(client)
    declined = _enter_card(client, fake_stripe, pay_url, "declined")
    assert declined["Location"] == pay_url
    paid = _enter_card(client, fake_stripe, pay_url, "visa")
    assert paid["Location"] == reverse("orders:confirmation", args=[order.number])
    # What staff see in the payment's ledger: the bank's answer to the declined card.
    decline = PaymentEvent.objects.get(payment__order=order, kind=PaymentEvent.Kind.FAILURE)
    assert decline.message == "Your card was declined."

    _order_page(client, order, "en")
    with django_assert_max_num_queries(queries_with_one_attempt):
        english = _order_page(client, order, "en")
    newest, oldest = _attempts(english)
    assert "Paid" in newest and "declined" not in newest
    assert "Failed" in oldest and "Your card was declined." in oldest

    turkish = _order_page(client, order, "tr")
    newest, oldest = _attempts(turkish)
    assert "Ödendi" in newest
    assert "Başarısız" in oldest and "Your card was declined." in oldest


def test_a_failure_without_the_banks_words_is_told_in_the_pages_language(client, fake_stripe):
    order, _pay_url = _card_order(client)
    attempt = order.payments.get()
    payment_record(
        payment_id=attempt.pk,
        result=ProviderResult(Outcome.FAILED, attempt.amount, currency=attempt.currency),
        operation=Operation.START,
        operation_key="test-silent-decline",
    )
    payment_create(order=order, method="card", amount=order.total, currency=order.currency)
    assert order.payments.filter(status=PaymentStatus.FAILED).count() == 1

    assert "The payment did not go through." in _attempts(_order_page(client, order, "en"))[1]
    turkish = _attempts(_order_page(client, order, "tr"))
    assert "The payment did not go through." not in turkish[1]
    assert "Ödeme gerçekleşmedi." in turkish[1]


def test_a_card_refused_while_set_up_in_the_browser_is_kept_in_the_history_too(client, fake_stripe):
    """Stripe.js sets the card up before our server sees it: a card the bank refuses there
    (4000 0000 0000 0002) is read back from Stripe and kept as a failed attempt."""
    order, pay_url = _card_order(client)
    setup = _secret(client.get(pay_url)).split("_secret_")[0]
    # Nothing refused yet: a made-up claim records nothing.
    assert client.post(pay_url, {"action": "refused", "setup_intent": setup})["Location"] == pay_url
    assert not order.payments.filter(status=PaymentStatus.FAILED).exists()

    card = {"number": "4000000000000002", "exp_month": 12, "exp_year": 2031, "cvc": "123"}
    with pytest.raises(stripe.StripeError):  # what Stripe.js shows the shopper
        fake_stripe_client(fake_stripe).v1.setup_intents.confirm(
            setup, params={"payment_method_data": {"type": "card", "card": card}}
        )
    for _ in range(2):  # the browser tells us; a reload tells us again: kept once
        refused = client.post(pay_url, {"action": "refused", "setup_intent": setup})
        assert refused["Location"] == pay_url
    assert "Your card was declined." in client.get(pay_url).content.decode()
    assert order.payments.filter(status=PaymentStatus.FAILED).count() == 1

    paid = _enter_card(client, fake_stripe, pay_url, "visa")
    assert paid["Location"] == reverse("orders:confirmation", args=[order.number])
    newest, oldest = _attempts(_order_page(client, order, "en"))
    assert "Paid" in newest
    assert "Failed" in oldest and "Your card was declined." in oldest
    assert order.payments.count() == 2
