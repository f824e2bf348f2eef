"""Cash on delivery behind the one provider protocol."""

from dataclasses import replace
from decimal import Decimal

import pytest
from django.utils import translation

from payments.interface import CheckoutContext, Outcome, PaymentProvider, PaymentRequest
from payments.registry import all_providers, get_provider
from payments.states import PaymentMethod


def _context(**overrides) -> CheckoutContext:
    values = {
        "total": Decimal("250.00"),
        "currency": "TRY",
        "has_physical": True,
        "has_digital": False,
    }
    return CheckoutContext(**{**values, **overrides})


@pytest.fixture
def cod() -> PaymentProvider:
    return get_provider(PaymentMethod.COD)


# What each registered method answers for a 250 TRY physical order: (available, fee, outcome of
# authorize, capture, refund and void, the details authorize needs). A method registered
# without a row here fails the test. The card talks to the fake Stripe server; a void after
# its charge went through reports the charge instead.
EXPECTED = {
    # A guest's cash goes back by a bank transfer staff confirm later (an account's: the balance).
    PaymentMethod.COD: (
        True,
        Decimal("19.90"),
        (Outcome.PENDING, Outcome.CAPTURED, Outcome.PENDING, Outcome.VOIDED),
        {},
    ),
    # Without a signed check on file its authorize fails; refunds are paid out by hand later.
    PaymentMethod.ECHECK: (
        True,
        Decimal("0.00"),
        (Outcome.FAILED, Outcome.CAPTURED, Outcome.PENDING, Outcome.VOIDED),
        {},
    ),
    PaymentMethod.CARD: (
        True,
        Decimal("0.00"),
        (Outcome.CAPTURED, Outcome.CAPTURED, Outcome.REFUNDED, Outcome.CAPTURED),
        {"payment_method": "pm_card_visa"},
    ),
    # A saved card: needs a signed-in customer with a default card to be offered.
    PaymentMethod.WALLET: (
        False,
        Decimal("0.00"),
        (Outcome.CAPTURED, Outcome.CAPTURED, Outcome.REFUNDED, Outcome.CAPTURED),
        {"payment_method": "pm_card_visa"},
    ),
}
# Internal ledgers write their customer's rows (balance entries, the tab): tested with them in
# tests/payments/test_balance.py and test_tab.py.
INTERNAL = {PaymentMethod.STORED_VALUE, PaymentMethod.MICROPAYMENT}


@pytest.mark.django_db
@pytest.mark.parametrize(
    "provider", [p for p in all_providers() if p.method not in INTERNAL], ids=lambda p: p.method
)
def test_each_registered_provider_answers_every_step_of_the_protocol(provider, settings, request):
    settings.COD_FEE = "19.90"
    assert provider.method in EXPECTED, f"add {provider.method} to EXPECTED"
    available, fee, outcomes, details = EXPECTED[provider.method]
    if provider.method in (PaymentMethod.CARD, PaymentMethod.WALLET):
        request.getfixturevalue("fake_stripe")
    context = _context()
    assert provider.availability(context=context).available is available
    assert provider.fee(context=context) == fee
    asked = PaymentRequest(
        payment_id=7,
        order_number="DK-7",
        amount=Decimal("269.90"),
        currency="TRY",
        idempotency_key="dk-7-1",
        details=details,
    )
    first = provider.authorize(request=asked)
    asked = replace(asked, reference=first.attempt_reference)
    results = [first] + [
        step(request=asked) for step in (provider.capture, provider.refund, provider.void)
    ]
    assert tuple(result.outcome for result in results) == outcomes
    assert all(result.amount == Decimal("269.90") for result in results)
    assert all(result.currency == "TRY" for result in results)


def test_every_payment_method_with_a_provider_is_registered():
    assert {p.method for p in all_providers()} == set(EXPECTED) | INTERNAL


def test_cod_is_offered_for_a_physical_order_with_its_fee(cod, settings):
    settings.COD_FEE = "19.90"
    assert cod.availability(context=_context()).available
    assert cod.fee(context=_context()) == Decimal("19.90")


def test_cod_is_refused_for_digital_products_with_a_reason(cod):
    with translation.override("en"):
        result = cod.availability(context=_context(has_digital=True))
    assert not result.available
    assert result.reason == "Cash on delivery is not available for digital products."


def test_cod_is_refused_above_the_limit(cod, settings):
    settings.COD_MAX_TOTAL = "1000.00"
    with translation.override("tr"):
        result = cod.availability(context=_context(total=Decimal("1000.01")))
    assert not result.available
    assert "₺1.000,00" in result.reason
    assert cod.availability(context=_context(total=Decimal("1000.00"))).available


def test_cod_accepts_at_once_and_captures_when_the_courier_collects(cod):
    request = PaymentRequest(
        payment_id=1,
        order_number="DK-1",
        amount=Decimal("269.90"),
        currency="TRY",
        idempotency_key="k",
        details={"collected_by": "courier 7"},
    )
    assert cod.authorize(request=request).outcome == Outcome.PENDING
    captured = cod.capture(request=request)
    assert captured.outcome == Outcome.CAPTURED
    assert captured.amount == Decimal("269.90")
