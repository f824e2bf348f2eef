"""Who may review: the purchase registry's rule for the states the checkout tests do not reach
(a partial refund, a return being requested or completed, a digital purchase on the tab)."""

from decimal import Decimal

import pytest

from catalog import purchases
from orders import services
from orders.models import Carrier
from payments.services import payment_capture, payment_refund, payment_start, refund_confirm_payout
from tests.factories import UserFactory
from tests.payments.test_wallet_and_tab import _customer_with_card_and_address, digital

from .helpers import cart_with, place, shipping_setup, stocked_variant

pytestmark = pytest.mark.django_db


def _bought(user, variant) -> bool:
    return purchases.customer_bought(user_id=user.pk, product_id=variant.product_id)


def _cod_order(user, variant):
    shipping_setup()
    order = place(cart_with((variant, 1), user=user))
    payment = payment_start(payment=order.payments.first())
    return order, payment


def test_a_partly_refunded_purchase_still_counts():
    user, variant = UserFactory(verified=True), stocked_variant(price="200.00")
    order, payment = _cod_order(user, variant)
    payment = payment_capture(payment=payment, details={"collected_by": "kurye"})
    refund = payment_refund(payment=payment, amount=Decimal("50.00"), reason="damaged box")
    refund_confirm_payout(refund=refund, reference="EFT-1")
    order.refresh_from_db()
    assert order.payment_status == "partially_refunded"
    assert _bought(user, variant)


def test_a_return_being_requested_counts_and_a_completed_return_does_not():
    user, variant = UserFactory(verified=True), stocked_variant()
    order, _payment = _cod_order(user, variant)
    for status in ["preparing", "packed"]:
        services.order_transition(order=order, to=status)
    services.order_ship(order=order, carrier=Carrier.objects.first(), tracking_number="YK1")
    services.order_step(order=order, to="delivered")
    services.order_transition(order=order, to="return_requested")
    assert _bought(user, variant)
    services.order_transition(order=order, to="returned")
    assert not _bought(user, variant)


@pytest.mark.stripe
def test_a_digital_purchase_on_the_tab_counts(fake_stripe, settings):
    settings.TAB_ORDER_LIMIT = "50.00"
    settings.TAB_SETTLE_THRESHOLD = "100.00"
    customer = _customer_with_card_and_address(fake_stripe)
    song = digital("30.00")
    order = place(cart_with((song, 1), user=customer), payment_method="micropayment")
    assert order.payment_status == "on_tab"
    assert _bought(customer, song)
