"""Reads of placed orders."""

from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Prefetch, Q, QuerySet, Sum
from django.http import Http404

from payments.models import Refund
from payments.registry import all_providers
from payments.states import PaymentStatus
from shop.models import User

from ..models import (
    DownloadLink,
    Invoice,
    Order,
    OrderLine,
    Return,
    Shipment,
    ShipmentEvent,
    ShipmentLine,
)
from ..states import OrderStatus
from .order_parts import order_lines_with_current_names, order_payments_with_outcomes


def orders_of(*, user: User) -> QuerySet[Order]:
    """The customer's orders, newest first, with their item count (one query)."""
    return (
        Order.objects.filter(user=user)
        .annotate(item_count=Sum("lines__quantity"))
        .order_by("-placed_at")
    )


def order_for_viewer(
    *, number: str, user: User | None, guest_numbers: list[str], full: bool = False
) -> Order:
    """An order its owner may see: their own, or one this browser placed as a guest; else 404.

    `full` loads everything the order's page shows in a fixed number of queries.
    """
    # The page shows each line's product name now beside the copy bought (a join, no query).
    lines = Prefetch("lines", queryset=order_lines_with_current_names()) if full else "lines"
    orders = Order.objects.filter(number=number).prefetch_related(lines, "documents")
    if full:
        orders = orders.select_related("invoice").prefetch_related(
            "events",
            # Each attempt with its outcome: a declined one shows the bank's message.
            Prefetch("payments", queryset=order_payments_with_outcomes()),
            # Each refund with its account (a join, no query more): the page asks where a
            # cash refund goes when nobody has said.
            Prefetch("payments__refunds", queryset=Refund.objects.select_related("account")),
            Prefetch(
                "shipments",
                queryset=Shipment.objects.select_related("carrier").prefetch_related(
                    Prefetch("events", queryset=ShipmentEvent.objects.filter(applied=True)),
                    Prefetch("lines", queryset=ShipmentLine.objects.select_related("order_line")),
                ),
            ),
            Prefetch(
                "lines__download_links",
                queryset=DownloadLink.objects.filter(revoked=False).select_related("file"),
            ),
            Prefetch(
                "returns",
                queryset=Return.objects.select_related("refund").prefetch_related("lines"),
            ),
            "credit_notes",
        )
    order = orders.first()
    if order is None:
        raise Http404
    own = user is not None and user.is_authenticated and order.user_id == user.pk
    placed_here = order.user_id is None and number in guest_numbers
    if not (own or placed_here):
        raise Http404
    return order


def order_refund_of(*, order: Order, refund_id: int) -> Refund:
    """A refund of this order's payments (else 404: another order's refund is not found)."""
    refund = Refund.objects.filter(pk=refund_id, payment__order=order).first()
    if refund is None:
        raise Http404
    return refund


def order_by_token(*, token: str) -> Order | None:
    return Order.objects.filter(checkout_token=token).first()


def sold() -> Q:
    """Orders whose goods count as bought: delivered (or being returned), or paid for —
    fully, partly refunded or on the tab; never a cancelled or returned order."""
    return ~Q(status__in=[OrderStatus.CANCELLED, OrderStatus.RETURNED]) & (
        Q(status__in=[OrderStatus.DELIVERED, OrderStatus.RETURN_REQUESTED])
        | Q(
            payment_status__in=[
                PaymentStatus.PAID,
                PaymentStatus.PARTIALLY_REFUNDED,
                PaymentStatus.ON_TAB,
            ]
        )
    )


def customer_bought(*, user_id: int, product_id: int) -> bool:
    """Did this customer buy the product (see `sold`)?"""
    return Order.objects.filter(sold(), user_id=user_id, lines__product_id=product_id).exists()


def units_sold_by_product() -> dict[int, int]:
    """Units sold per product over all orders that count as sold (one aggregate query)."""
    rows = (
        OrderLine.objects.filter(order__in=Order.objects.filter(sold()).values("pk"))
        .values("product_id")
        .annotate(units=Sum("quantity"))
        .values_list("product_id", "units")
    )
    return {product_id: units for product_id, units in rows if units}


def order_ids_to_remind(*, now: datetime, limit: int = 500) -> list[int]:
    """Orders paid in the browser (by card) that expire within ORDER_PAYMENT_REMINDER_MINUTES."""
    browser_methods = [p.method for p in all_providers() if p.finishes_in_browser]
    soon = now + timedelta(minutes=settings.ORDER_PAYMENT_REMINDER_MINUTES)
    return list(
        Order.objects.filter(
            status=OrderStatus.PENDING_PAYMENT,
            expires_at__gt=now,
            expires_at__lte=soon,
            payment_method__in=browser_methods,
        )
        .order_by("expires_at")
        .values_list("pk", flat=True)[:limit]
    )


def overdue_order_ids(*, now: datetime, limit: int = 500) -> list[int]:
    """Orders still waiting for payment past their deadline (index: status, expires_at)."""
    return list(
        Order.objects.filter(status=OrderStatus.PENDING_PAYMENT, expires_at__lte=now)
        .order_by("expires_at")
        .values_list("pk", flat=True)[:limit]
    )


def order_tracked(*, number: str, email: str) -> Order | None:
    """Guest tracking: the order only when number and email belong together (else None)."""
    return (
        Order.objects.filter(number__iexact=number.strip(), email__iexact=email.strip())
        .prefetch_related(
            "events",
            Prefetch("shipments", queryset=Shipment.objects.select_related("carrier")),
        )
        .first()
    )


def orders_late(*, now: datetime, days: int) -> QuerySet[Order]:
    """Orders promised to ship within `days` of placement that have not shipped yet."""
    return Order.objects.filter(
        status__in=[OrderStatus.CONFIRMED, OrderStatus.PREPARING, OrderStatus.PACKED],
        placed_at__lt=now - timedelta(days=days),
    ).exclude(shipping_address={})


def pick_list(*, order_ids: list[int]) -> list[dict]:
    """What to take from the shelves for these orders: units summed per SKU."""
    return list(
        OrderLine.objects.filter(order_id__in=order_ids, is_digital=False)
        .values("sku", "product_name", "variant_name")
        .annotate(quantity=Sum("quantity"))
        .order_by("sku")
    )


def invoice_of(*, order: Order) -> Invoice:
    invoice = Invoice.objects.filter(order=order).first()
    if invoice is None:
        raise Http404
    return invoice
