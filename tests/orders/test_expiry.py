"""Orders whose payment never arrived are cancelled in time and give their stock back, once."""

import pytest

from catalog.models import Variant
from crm.notifications.models import Message
from orders import services
from orders.models import Coupon, CouponRedemption, Order, OrderEvent
from orders.states import CancelReason, OrderStatus
from orders.tasks import expire_unpaid_orders
from payments.services import payment_start

from .helpers import (
    cart_with,
    coupon,
    place,
    shipping_setup,
    status_changes,
    stocked_variant,
    told,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _delivery():
    shipping_setup()


def _overdue(cart, settings, **overrides):
    """An order placed with a payment never started, whose payment time is already up."""
    settings.ORDER_PAYMENT_TIMEOUT_MINUTES = 0
    order = place(cart, **overrides)
    settings.ORDER_PAYMENT_TIMEOUT_MINUTES = 30
    return order


def _allocated(variant: Variant) -> int:
    return Variant.objects.get(pk=variant.pk).allocated


def test_an_unpaid_order_past_its_deadline_is_cancelled_and_gives_its_stock_back(settings):
    variant = stocked_variant(on_hand=10)
    overdue = _overdue(cart_with((variant, 2)), settings, email="gec@example.com")
    waiting = place(cart_with((variant, 3)))
    assert _allocated(variant) == 5

    assert expire_unpaid_orders() == 1

    overdue.refresh_from_db()
    waiting.refresh_from_db()
    assert (overdue.status, overdue.cancel_reason) == (OrderStatus.CANCELLED, CancelReason.EXPIRED)
    assert waiting.status == OrderStatus.PENDING_PAYMENT
    assert _allocated(variant) == 3
    assert status_changes(overdue) == [(OrderStatus.PENDING_PAYMENT, OrderStatus.CANCELLED)]
    assert told(overdue, "order_cancelled") == {
        ("email", "gec@example.com"),
        ("sms", "+905321234567"),
    }
    assert not Message.objects.filter(subject_id=str(waiting.pk)).exists()


def test_running_the_task_twice_releases_the_stock_once(settings):
    shirt, book = stocked_variant(on_hand=10), stocked_variant(on_hand=10)
    _overdue(cart_with((shirt, 2), (book, 1)), settings)
    _overdue(cart_with((shirt, 3)), settings)
    place(cart_with((shirt, 4), (book, 4)))  # not due yet
    assert (_allocated(shirt), _allocated(book)) == (9, 5)

    assert expire_unpaid_orders() == 2
    assert (_allocated(shirt), _allocated(book)) == (4, 4)

    assert expire_unpaid_orders() == 0
    assert (_allocated(shirt), _allocated(book)) == (4, 4)
    assert Order.objects.filter(status=OrderStatus.CANCELLED).count() == 2
    assert OrderEvent.objects.filter(to_status=OrderStatus.CANCELLED).count() == 2


def test_expiring_one_order_directly_is_safe_to_repeat(settings):
    variant = stocked_variant(on_hand=10)
    order = _overdue(cart_with((variant, 2)), settings)
    assert services.order_expire(order_id=order.pk) is True
    assert services.order_expire(order_id=order.pk) is False
    assert _allocated(variant) == 0


def test_an_order_accepted_by_its_payment_method_does_not_expire(settings):
    variant = stocked_variant(on_hand=10)
    order = _overdue(cart_with((variant, 2)), settings)
    payment_start(payment=order.payments.first())  # cash on delivery accepts at once

    assert expire_unpaid_orders() == 0

    order.refresh_from_db()
    assert (order.status, order.cancel_reason) == (OrderStatus.CONFIRMED, "")
    assert _allocated(variant) == 2


def test_an_expired_order_gives_its_coupon_use_back(settings):
    coupon("TEKSEFER", max_uses=1)
    variant = stocked_variant(on_hand=10)
    cart = cart_with((variant, 1))
    services.cart_apply_coupon(cart=cart, code="TEKSEFER", user=None)
    order = _overdue(cart, settings, email="gec@example.com")
    assert Coupon.objects.get(code="TEKSEFER").times_used == 1

    expire_unpaid_orders()

    assert Coupon.objects.get(code="TEKSEFER").times_used == 0
    assert not CouponRedemption.objects.filter(order=order).exists()
    again = cart_with((variant, 1))  # the same customer may use the code again
    services.cart_apply_coupon(cart=again, code="TEKSEFER", user=None, email="gec@example.com")
    assert place(again, email="gec@example.com").coupon_code == "TEKSEFER"


def test_an_expired_orders_open_payment_is_voided_after_the_expiry_commits(
    settings, django_capture_on_commit_callbacks
):
    from payments.models import Payment
    from payments.states import PaymentStatus

    order = _overdue(cart_with((stocked_variant(), 1)), settings)
    payment = Payment.objects.get(order=order)
    assert payment.status == PaymentStatus.UNPAID

    with django_capture_on_commit_callbacks(execute=True):
        assert expire_unpaid_orders() == 1

    payment.refresh_from_db()
    order.refresh_from_db()
    assert payment.status == PaymentStatus.VOIDED
    assert order.payment_status == PaymentStatus.VOIDED
    assert order.status == OrderStatus.CANCELLED


def test_a_payment_that_succeeds_after_expiry_is_refunded_and_the_order_flagged(
    settings, django_capture_on_commit_callbacks
):
    from decimal import Decimal

    from orders.models import Invoice
    from payments.interface import Outcome, ProviderResult
    from payments.models import Payment, Refund
    from payments.services import Operation, payment_record, refund_confirm_payout
    from payments.states import PaymentStatus

    variant = stocked_variant(on_hand=5)
    order = _overdue(cart_with((variant, 2)), settings)
    payment = Payment.objects.get(order=order)
    with django_capture_on_commit_callbacks(execute=True):
        expire_unpaid_orders()
    assert _allocated(variant) == 0

    late = ProviderResult(
        Outcome.CAPTURED, payment.amount, currency="TRY", reference="ch_late_success"
    )
    with django_capture_on_commit_callbacks(execute=True):
        payment_record(
            payment_id=payment.pk, result=late, operation=Operation.START, operation_key="evt_9"
        )

    order.refresh_from_db()
    payment.refresh_from_db()
    assert order.status == OrderStatus.CANCELLED
    assert order.needs_review and "refunded in full" in order.review_note
    # A guest's cash goes back by a bank transfer: waiting in full until staff pay it out.
    refund = Refund.objects.get(payment=payment)
    assert (refund.status, refund.amount) == (Refund.Status.AWAITING_PAYOUT, payment.amount)
    assert payment.refundable() == Decimal("0.00")
    refund_confirm_payout(refund=refund, reference="EFT-1")
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.REFUNDED
    assert _allocated(variant) == 0  # the released stock is not taken again
    assert not Invoice.objects.filter(order=order).exists()  # nothing was sold
