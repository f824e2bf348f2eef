"""Loyalty points: earned once on delivery, taken back in proportion to refunds, never below
zero, redeemed at checkout as a discount, returned on cancellation, staff adjustments."""

from decimal import Decimal

import pytest
from django.db import IntegrityError

from orders.models import Order
from orders.signals import order_status_changed
from orders.states import CancelReason, OrderStatus
from payments.models import LoyaltyTier, PointsEntry
from payments.services import balance_adjust, payment_refund
from payments.services.points import (
    PointsError,
    points_adjust,
    points_balance,
    points_summary,
)
from shop.models import AuditEntry
from tests.factories import StaffFactory, UserFactory
from tests.orders.fulfilment_helpers import digital_variant
from tests.orders.helpers import cart_with, place, shipping_setup, stocked_variant

pytestmark = pytest.mark.django_db

Kind = PointsEntry.Kind


def _customer_with_balance(amount: str = "500.00"):
    customer = UserFactory(verified=True)
    balance_adjust(user=customer, amount=Decimal(amount), reason="Welcome", by=StaffFactory())
    return customer


def _delivered_digital_order(customer, price: str = "40.00") -> Order:
    """A digital order paid from the balance: delivered at placement (its links issued)."""
    variant = digital_variant()
    variant.price = Decimal(price)
    variant.save(update_fields=["price"])
    order = place(cart_with((variant, 1), user=customer), payment_method="stored_value")
    order.refresh_from_db()
    assert order.status == OrderStatus.DELIVERED
    return order


def test_a_delivered_order_earns_points_once_even_if_the_signal_runs_twice():
    customer = _customer_with_balance()
    order = _delivered_digital_order(customer, "40.00")
    assert points_balance(user_id=customer.pk) == 40
    order_status_changed.send(sender=Order, order=order, previous=OrderStatus.CONFIRMED, by=None)
    order_status_changed.send(sender=Order, order=order, previous=OrderStatus.CONFIRMED, by=None)
    assert points_balance(user_id=customer.pk) == 40
    earned = PointsEntry.objects.get(kind=Kind.EARNED)
    assert (earned.order_id, earned.points, earned.key) == (order.pk, 40, f"earn:order-{order.pk}")
    assert earned.expires_at is not None


def test_a_tier_multiplies_the_points_earned():
    LoyaltyTier.objects.create(name="Gold", min_spend=Decimal("0"), points_multiplier=Decimal(2))
    customer = _customer_with_balance()
    _delivered_digital_order(customer, "40.00")
    assert points_balance(user_id=customer.pk) == 80


def test_a_partial_refund_takes_back_points_in_proportion_and_never_more_than_earned():
    customer = _customer_with_balance()
    order = _delivered_digital_order(customer, "40.00")
    payment = order.payments.get()
    payment_refund(payment=payment, amount=Decimal("10.00"), reason="One track missing")
    assert points_balance(user_id=customer.pk) == 30  # a quarter of the money, a quarter back
    payment_refund(payment=payment, amount=Decimal("15.00"), reason="Two more")
    assert points_balance(user_id=customer.pk) == 15
    payment_refund(payment=payment, amount=Decimal("15.00"), reason="The rest")
    assert points_balance(user_id=customer.pk) == 0
    reversed_ = PointsEntry.objects.filter(kind=Kind.REVERSED, order=order)
    assert sorted(e.points for e in reversed_) == [-15, -15, -10]


def test_points_already_spent_are_not_clawed_back_below_zero():
    customer = _customer_with_balance()
    staff = StaffFactory()
    order = _delivered_digital_order(customer, "40.00")
    points_adjust(user=customer, points=-35, reason="Spent on a gift", actor=staff)
    payment_refund(payment=order.payments.get(), amount=Decimal("40.00"), reason="Not wanted")
    assert points_balance(user_id=customer.pk) == 0
    assert PointsEntry.objects.get(kind=Kind.REVERSED).points == -5
    assert sum(PointsEntry.objects.values_list("points", flat=True)) == 0


def test_redeemed_points_are_a_discount_that_lowers_the_vat_and_come_back_on_cancel(settings):
    settings.LOYALTY_POINT_VALUE = "0.01"
    settings.LOYALTY_REDEEM_MIN_POINTS = 100
    settings.LOYALTY_REDEEM_MAX_SHARE = "0.50"
    from orders import services

    shipping_setup()
    customer = UserFactory(verified=True)
    points_adjust(user=customer, points=3000, reason="Welcome points", actor=StaffFactory())
    variant = stocked_variant(price="120.00")
    plain = place(cart_with((variant, 1), user=UserFactory(verified=True)))
    cart = cart_with((variant, 1), user=customer)
    services.cart_use_points(cart=cart, points=2400, user=customer)
    order = place(cart)

    assert (order.points_redeemed, order.points_discount) == (2400, Decimal("24.00"))
    assert order.total == plain.total - Decimal("24.00")
    assert order.vat == plain.vat - Decimal("4.00")  # 24.00 VAT-included at 20 % carries 4.00
    line = order.lines.get()
    assert (line.discount, line.total) == (Decimal("24.00"), Decimal("96.00"))
    assert points_balance(user_id=customer.pk) == 600

    services.order_transition(
        order=order, to=OrderStatus.CANCELLED, cancel_reason=CancelReason.CUSTOMER
    )
    assert points_balance(user_id=customer.pk) == 3000
    services.order_transition(
        order=order, to=OrderStatus.CANCELLED, cancel_reason=CancelReason.CUSTOMER
    )
    assert PointsEntry.objects.filter(kind=Kind.RETURNED).count() == 1


@pytest.mark.parametrize(
    ("points", "message"),
    [
        (5000, "You have 3000 points; you cannot use 5000."),
        (50, "Use at least 100 points at a time."),
        (2000, "This basket takes at most 1500 points."),
    ],
)
def test_points_the_shopper_cannot_use_are_refused_clearly(settings, points, message):
    settings.LOYALTY_REDEEM_MIN_POINTS = 100
    from orders import services
    from orders.exceptions import CartError

    customer = UserFactory(verified=True)
    points_adjust(user=customer, points=3000, reason="Welcome points", actor=StaffFactory())
    cart = cart_with((stocked_variant(price="30.00"), 1), user=customer)
    with pytest.raises(CartError) as refused:
        services.cart_use_points(cart=cart, points=points, user=customer)
    assert str(refused.value) == message
    cart.refresh_from_db()
    assert cart.points_to_redeem == 0


def test_staff_adjustments_need_a_reason_are_audited_and_never_go_below_zero():
    customer, staff = UserFactory(), StaffFactory()
    with pytest.raises(PointsError):
        points_adjust(user=customer, points=50, reason="  ", actor=staff)
    with pytest.raises(PointsError):
        points_adjust(user=customer, points=-1, reason="Oops", actor=staff)
    entry = points_adjust(user=customer, points=250, reason="Late parcel goodwill", actor=staff)
    audit = AuditEntry.objects.get(action="points.adjust")
    assert (audit.actor, audit.reason, audit.object_id) == (
        staff,
        "Late parcel goodwill",
        str(entry.pk),
    )
    assert points_summary(user_id=customer.pk).balance == 250
    with pytest.raises(ValueError):
        entry.save()
    with pytest.raises(IntegrityError):
        PointsEntry.objects.filter(pk=entry.pk).update(points=0)


def test_a_refund_of_an_order_paid_partly_with_points_gives_them_back_in_proportion(settings):
    settings.LOYALTY_REDEEM_MIN_POINTS = 100
    from orders import services

    customer = _customer_with_balance()
    points_adjust(user=customer, points=1000, reason="Welcome points", actor=StaffFactory())
    variant = digital_variant()
    variant.price = Decimal("40.00")
    variant.save(update_fields=["price"])
    cart = cart_with((variant, 1), user=customer)
    services.cart_use_points(cart=cart, points=1000, user=customer)  # 10.00 off
    order = place(cart, payment_method="stored_value")
    order.refresh_from_db()
    assert (order.total, order.points_redeemed) == (Decimal("30.00"), 1000)
    assert points_balance(user_id=customer.pk) == 30  # earned on the 30.00 paid, on delivery
    payment_refund(payment=order.payments.get(), amount=Decimal("15.00"), reason="Half")
    # half the money back: half the earned points go, half the redeemed come back
    assert points_balance(user_id=customer.pk) == 15 + 500
    payment_refund(payment=order.payments.get(), amount=Decimal("15.00"), reason="The rest")
    assert points_balance(user_id=customer.pk) == 1000


def test_a_tier_with_free_shipping_reaches_the_checkout_price():
    from orders import selectors

    shipping_setup()
    customer = _customer_with_balance()
    cart = cart_with((stocked_variant(price="100.00"), 1), user=customer)
    quote = selectors.cart_quote(cart=cart, user=customer, country="TR", province="İstanbul")
    assert quote.priced.totals.shipping > 0
    LoyaltyTier.objects.create(
        name="Gold", min_spend=Decimal("0"), points_multiplier=Decimal(1), free_shipping=True
    )
    quote = selectors.cart_quote(cart=cart, user=customer, country="TR", province="İstanbul")
    assert quote.priced.totals.shipping == 0
