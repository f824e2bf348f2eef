"""A customer's history made through the real services (the small generator for correctness
tests; `seed_orders` makes the bulk one): orders placed, delivered, returned with a reason and
refunded to her balance, cancelled, and left awaiting payment; their messages on commit."""

from dataclasses import dataclass
from decimal import Decimal

from orders import services
from orders.models import Order
from orders.states import CancelReason
from shop.models import User
from tests.orders.helpers import cart_with, place, shipping_setup, stocked_variant
from tests.orders.returns_helpers import delivered_order


@dataclass
class History:
    delivered: Order  # one of its two items returned ("Bedeni uymadı") and refunded
    cancelled: Order  # by the customer, before packing
    pending: Order  # placed, never paid


def customer_history(customer: User, *, capture_on_commit) -> History:
    """Three orders of `customer` through the services; `capture_on_commit` is pytest-django's
    django_capture_on_commit_callbacks, so the order messages are written as after a commit."""
    from orders.models import ShippingMethod

    if not ShippingMethod.objects.exists():
        shipping_setup()
    with capture_on_commit(execute=True):
        shirt, mug = stocked_variant(price="300.00"), stocked_variant(price="80.00")
        delivered = delivered_order((shirt, 1), (mug, 1), user=customer)
        order_return = services.return_request(
            order=delivered,
            quantities={delivered.lines.get(variant=mug).pk: 1},
            reason="Bedeni uymadı",
            by=customer,
            refund_to="store_credit",
        )
        order_return = services.return_receive(
            order_return=order_return,
            restock={line.pk: "sellable" for line in order_return.lines.all()},
        )
        services.return_refund(order_return=order_return)

        cancelled = place(cart_with((stocked_variant(price="120.00"), 1), user=customer))
        services.checkout_payment_start(order=cancelled)
        services.order_transition(
            order=cancelled,
            to="cancelled",
            note="Müşteri vazgeçti",
            cancel_reason=CancelReason.CUSTOMER,
        )
        pending = place(cart_with((stocked_variant(price="45.00"), 2), user=customer))
    return History(
        delivered=Order.objects.get(pk=delivered.pk),
        cancelled=Order.objects.get(pk=cancelled.pk),
        pending=Order.objects.get(pk=pending.pk),
    )


REFUNDED_MUG = Decimal("80.00")
