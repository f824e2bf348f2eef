"""The README's test cards do what the README says against the fake Stripe server (localstripe):
each number as written there is typed into the card box (the SetupIntent Stripe.js confirms),
then our server charges it, as on the order's payment page."""

import re
from decimal import Decimal
from pathlib import Path

import pytest
import stripe

from orders.states import OrderStatus
from payments.services import (
    card_action_secret,
    card_customer_for,
    card_pay,
    card_setup_intent,
    payment_create,
    payment_refresh,
)
from payments.states import PaymentStatus
from tests.factories import OrderFactory
from tests.payments.browser_stand_in import authenticate_payment
from tests.payments.browser_stand_in import fake_stripe as stripe_client_for

pytestmark = [pytest.mark.stripe, pytest.mark.django_db]

README = Path(__file__).resolve().parents[2] / "README.md"
ROW = re.compile(r"^\| `([^`]+)` \| (.+) \|$", re.MULTILINE)


def readme_cards() -> dict[str, str]:
    """Card number -> what the README's table of test cards says happens."""
    text = README.read_text()
    start = text.index("The fake Stripe server (`localstripe`) knows these test cards")
    return dict(ROW.findall(text[start : text.index("tests/shop/test_readme_cards.py", start)]))


def _entered(server: str, number: str):
    """An order waiting for its card, and the card typed into the box (the SetupIntent)."""
    order = OrderFactory(payment_method="card", total=Decimal("149.90"))
    payment = payment_create(order=order, method="card", amount=order.total, currency="TRY")
    customer = card_customer_for(order=order)
    setup = card_setup_intent(customer_id=customer, order_number=order.number)
    card = {"number": number, "exp_month": 12, "exp_year": 31, "cvc": "123"}
    client = stripe_client_for(server)
    try:
        intent = client.v1.setup_intents.confirm(
            setup.setup_intent_id, params={"payment_method_data": {"type": "card", "card": card}}
        )
    except stripe.StripeError as error:
        return payment, setup, customer, error
    return payment, setup, customer, intent


def _charged(payment, setup, customer):
    return card_pay(payment=payment, setup_intent_id=setup.setup_intent_id, customer_id=customer)


def test_the_readme_names_each_kind_of_card_once_as_16_digits():
    cards = readme_cards()
    assert all(re.fullmatch(r"\d{16}", number) for number in cards), cards
    said = list(cards.values())
    assert sum(text == "pays" for text in said) == 1
    assert sum("every charge is declined" in text for text in said) == 1
    assert sum("declined as soon as it is entered" in text for text in said) == 1
    assert sum("3-D Secure" in text for text in said) == 1


def test_each_readme_card_behaves_as_the_readme_says(fake_stripe):
    for number, said in readme_cards().items():
        payment, setup, customer, entered = _entered(fake_stripe, number)
        if said == "pays":
            assert entered.status == "succeeded"
            payment = _charged(payment, setup, customer)
            assert payment.status == PaymentStatus.PAID, number
            assert payment.order.status == OrderStatus.CONFIRMED
        elif "every charge is declined" in said:
            assert entered.status == "succeeded", number  # set up fine
            payment = _charged(payment, setup, customer)
            assert payment.status == PaymentStatus.FAILED, number
            assert payment.events.get(kind="failure").message == "Your card was declined."
            assert "Your card was declined." in said
        elif "declined as soon as it is entered" in said:
            assert isinstance(entered, stripe.CardError), number
            assert entered.user_message == "Your card was declined."
        elif "3-D Secure" in said:
            assert entered.status == "requires_action", number  # at the setup
            intent = stripe_client_for(fake_stripe).v1.setup_intents.confirm(setup.setup_intent_id)
            assert intent.status == "succeeded"  # "Complete authentication"
            payment = _charged(payment, setup, customer)
            assert payment.status == PaymentStatus.REQUIRES_ACTION, number  # and at the payment
            authenticate_payment(fake_stripe, card_action_secret(payment=payment))
            assert payment_refresh(payment=payment).status == PaymentStatus.PAID
        else:
            pytest.fail(f"the README says something this test does not know: {said}")


def test_a_number_typed_with_spaces_is_refused_as_the_readme_warns(fake_stripe):
    assert 'with spaces it answers "Bad request"' in README.read_text().replace("\n", " ")
    _payment, _setup, _customer, entered = _entered(fake_stripe, "4242 4242 4242 4242")
    assert isinstance(entered, stripe.InvalidRequestError)
    assert entered.user_message == "Bad request"
