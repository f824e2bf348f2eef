"""The balance and the tab under concurrency (PostgreSQL, one connection per thread), and the
periodic tab settlement through the real Celery worker."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from orders import services as order_services
from orders.exceptions import CheckoutError
from payments.models import BalanceEntry, Payment, PaymentEvent, PaymentPurpose, Tab
from payments.services import balance_adjust, balance_of, tab_settle
from payments.states import PaymentStatus
from payments.tasks import settle_tabs
from tests.conftest import wait_until
from tests.factories import StaffFactory, UserFactory
from tests.orders.helpers import cart_with, make_checkout_request, place, stocked_variant
from tests.orders.test_concurrency import run_together

from .test_wallet_and_tab import _charges, _customer_with_card_and_address

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _digital(price: str):
    return stocked_variant(on_hand=0, price=price, product__kind="digital")


def test_two_balance_purchases_that_together_exceed_the_balance_make_one_order():
    customer = UserFactory(verified=True)
    balance_adjust(user=customer, amount=Decimal("100.00"), reason="Credit", by=StaffFactory())
    requests = []
    for price in ("60.00", "70.00"):
        cart = cart_with((_digital(price), 1), user=customer)
        requests.append(make_checkout_request(cart, payment_method="stored_value", language="en"))
        # Each purchase has its own cart (like two one-click purchases in two tabs).
        from orders.models import Cart, CartStatus

        Cart.objects.filter(pk=cart.pk).update(status=CartStatus.EXPRESS)

    results = run_together(lambda r: order_services.order_place(request=r)[0].pk, requests)

    placed = [r for r in results if isinstance(r, int)]
    refused = [r for r in results if isinstance(r, CheckoutError | Exception)]
    assert len(placed) == 1 and len(refused) == 1, results
    assert "does not cover" in str(refused[0]) or "balance" in str(refused[0]).lower()
    balance = balance_of(user_id=customer.pk)
    assert balance in (Decimal("40.00"), Decimal("30.00")) and balance >= 0
    entries = BalanceEntry.objects.filter(account__user=customer)
    assert sum(e.amount for e in entries) == balance
    assert entries.filter(kind="purchase").count() == 1


@pytest.mark.stripe
def test_a_tab_settled_twice_at_once_is_charged_once_and_each_order_captured_once(
    fake_stripe, sent, settings
):
    settings.TAB_SETTLE_THRESHOLD = "1000.00"
    customer = _customer_with_card_and_address(fake_stripe)
    orders = [
        place(cart_with((_digital(price), 1), user=customer), payment_method="micropayment")
        for price in ("20.00", "25.00", "30.00")
    ]
    tab = Tab.objects.get()

    results = run_together(lambda _i: tab_settle(tab_id=tab.pk), [1, 2])

    assert sum(1 for r in results if isinstance(r, Payment)) == 1, results
    assert not any(isinstance(r, Exception) for r in results), results
    assert _charges(sent) == 1
    tab.refresh_from_db()
    assert tab.status == Tab.Status.SETTLED
    settlement = Payment.objects.get(purpose=PaymentPurpose.TAB_SETTLEMENT)
    assert settlement.amount == Decimal("75.00") and settlement.status == PaymentStatus.PAID
    for order in orders:
        captures = PaymentEvent.objects.filter(payment__order=order, kind="capture")
        assert captures.count() == 1


@pytest.mark.stripe
@pytest.mark.redis
def test_the_periodic_job_settles_last_months_tab_on_the_worker(
    fake_stripe, settings, celery_worker
):
    settings.TAB_SETTLE_THRESHOLD = "1000.00"
    customer = _customer_with_card_and_address(fake_stripe)
    order = place(cart_with((_digital("20.00"), 1), user=customer), payment_method="micropayment")
    Tab.objects.update(opened_at=timezone.now() - timedelta(days=40))

    settle_tabs.delay()  # what beat sends; the worker runs it and the settlement it queues

    assert wait_until(lambda: Tab.objects.get().status == Tab.Status.SETTLED, timeout=30)
    order.refresh_from_db()
    assert order.payment_status == PaymentStatus.PAID
    assert settle_tabs() == 0  # nothing due any more
    assert Payment.objects.filter(purpose=PaymentPurpose.TAB_SETTLEMENT).count() == 1
