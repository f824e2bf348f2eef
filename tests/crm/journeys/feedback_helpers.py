"""Delivered orders for the feedback journey's tests: real lines, a parcel with a carrier, and
the delivery through `order_transition` (which opens the survey)."""

from datetime import datetime
from decimal import Decimal

import time_machine

from orders.models import Carrier, Order, OrderLine, Shipment
from orders.services import order_transition
from orders.states import OrderStatus
from tests.factories import OrderFactory, VariantFactory


def order_on_the_road(*, products=(), carrier: Carrier | None = None, **fields: object) -> Order:
    """An order out for delivery with one line per product and one parcel."""
    order = OrderFactory(status=OrderStatus.OUT_FOR_DELIVERY, payment_status="paid", **fields)
    for product in products:
        variant = product.variants.first() or VariantFactory(product=product)
        OrderLine.objects.create(
            order=order,
            product=product,
            variant=variant,
            product_name=product.name,
            sku=variant.sku,
            quantity=1,
            unit_price=Decimal("100.00"),
            vat_rate=Decimal("0.20"),
            gross=Decimal("100.00"),
            total=Decimal("100.00"),
            vat=Decimal("16.67"),
        )
    carrier = carrier or Carrier.objects.get_or_create(name="Aras Kargo")[0]
    Shipment.objects.create(order=order, carrier=carrier, tracking_number=f"T-{order.number}")
    return order


def deliver(order: Order, *, at: datetime) -> Order:
    with time_machine.travel(at, tick=False):
        return order_transition(order=order, to=OrderStatus.DELIVERED)


def delivered_order(*, at: datetime, **fields: object) -> Order:
    return deliver(order_on_the_road(**fields), at=at)
