"""Two checkouts redeeming the same points at once: exactly one gets them (PostgreSQL)."""

from decimal import Decimal

import pytest

from orders.exceptions import CheckoutError
from orders.models import Cart, CartStatus, Order
from payments.models import PointsEntry
from payments.services.points import points_adjust, points_balance
from tests.factories import StaffFactory, UserFactory
from tests.orders.helpers import make_checkout_request, shipping_setup, stocked_variant
from tests.orders.test_concurrency import place, run_together

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _cart(user, variant, *, status: str, points: int) -> Cart:
    """A cart of the customer's with one line and points chosen (the open cart and a one-click
    express cart: two checkouts of one customer at once)."""
    from orders.models import CartLine

    cart = Cart.objects.create(user=user, status=status, points_to_redeem=points)
    CartLine.objects.create(cart=cart, variant=variant, quantity=1, seen_price=variant.price)
    return cart


def test_two_checkouts_spending_the_same_points_at_once_one_succeeds(settings):
    settings.LOYALTY_REDEEM_MIN_POINTS = 100
    shipping_setup()
    customer = UserFactory(verified=True)
    points_adjust(user=customer, points=1000, reason="Welcome points", actor=StaffFactory())
    variant = stocked_variant(on_hand=10, price="200.00")
    carts = [
        _cart(customer, variant, status=CartStatus.OPEN, points=800),
        _cart(customer, variant, status=CartStatus.EXPRESS, points=800),
    ]
    requests = [make_checkout_request(cart, language="en") for cart in carts]
    assert all(r.items_total == Decimal("192.00") for r in requests)  # 800 points: 8.00 off

    results = run_together(place, requests)

    placed = [r for r in results if isinstance(r, tuple)]
    refused = [r for r in results if isinstance(r, CheckoutError)]
    assert len(placed) == 1 and len(refused) == 1, results
    assert "You have 200 points; you cannot use 800." in str(refused[0])
    assert Order.objects.count() == 1
    assert Order.objects.get().points_redeemed == 800
    assert points_balance(user_id=customer.pk) == 200
    assert PointsEntry.objects.filter(kind=PointsEntry.Kind.REDEEMED).count() == 1
