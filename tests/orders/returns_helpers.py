"""Builders for the return tests: an order delivered by the simulated carrier, cash collected."""

from orders import services
from orders.models import Carrier, Order
from orders.tasks import poll_carriers
from payments.services import payment_capture

from .fulfilment_helpers import packed_order, simulated_carrier
from .helpers import cart_with, place, stocked_variant


def delivered_order(
    *items: tuple[object, int], user=None, coupon_code: str = "", **overrides: object
) -> Order:
    """A cash-on-delivery order shipped, delivered (the poll task, driven) and its cash taken."""
    if coupon_code:
        cart = cart_with(*(items or ((stocked_variant(), 1),)), user=user)
        services.cart_apply_coupon(cart=cart, code=coupon_code, user=user)
        order = place(cart, **overrides)
        services.checkout_payment_start(order=order)
        for step in ("preparing", "packed"):
            services.order_step(order=order, to=step)
    else:
        order = packed_order(*items, user=user, **overrides)
    carrier = Carrier.objects.filter(adapter="simulated").first() or simulated_carrier()
    services.order_ship(order=order, carrier=carrier, tracking_number=f"RET-{order.pk}")
    for _ in range(3):
        poll_carriers()
    payment_capture(payment=order.payments.order_by("-pk").first())
    order = Order.objects.get(pk=order.pk)
    assert order.status == "delivered" and order.payment_status == "paid"
    return order
