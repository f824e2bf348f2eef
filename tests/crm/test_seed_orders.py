"""`seed_orders`: bulk order history that adds up (orders = their lines, the ledger = the
payments), the same for the same seed, and says that it bypasses the services."""

from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.db.models import Count, Sum
from django.utils import timezone

from crm.bulk_orders import seed_orders
from crm.models import CustomerStats
from orders.models import Order, OrderEvent, OrderLine, Return, ReturnLine
from payments.models import Payment, PaymentEvent, Refund
from tests.factories import VariantFactory

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


@pytest.fixture
def catalog() -> None:
    for price in ("19.90", "120.00", "480.00", "1250.00"):
        VariantFactory(price=Decimal(price))


def _seed(**options: object) -> str:
    out = StringIO()
    call_command("seed_orders", stdout=out, **options)
    return out.getvalue()


def test_it_writes_orders_with_everything_behind_them_and_says_it_bypasses_the_services(catalog):
    output = _seed(orders=120, customers=10, seed=3)

    assert "bypasses the services" in output and "bypassing the services" in output
    orders = Order.objects.filter(number__startswith="S3-")
    assert orders.count() == 120
    assert orders.values("user").distinct().count() <= 10
    assert Payment.objects.filter(order__in=orders).count() == 120
    assert OrderLine.objects.filter(order__in=orders).count() >= 120
    assert OrderEvent.objects.filter(order__in=orders).count() > 120
    statuses = set(orders.values_list("status", flat=True))
    assert {"delivered", "cancelled", "returned"} <= statuses
    assert CustomerStats.objects.filter(user__orders__in=orders).distinct().count() >= 1


def test_each_order_adds_up_to_its_lines_and_its_ledger_to_its_payment(catalog):
    _seed(orders=150, customers=8, seed=5)

    orders = Order.objects.annotate(
        lines_total=Sum("lines__total"), lines_vat=Sum("lines__vat"), line_count=Count("lines")
    )
    for order in orders:
        assert order.line_count >= 1
        assert order.subtotal == order.lines_total
        assert order.total == order.subtotal - order.discount + order.shipping + order.fees
        assert order.vat == sum(Decimal(v) for v in order.vat_breakdown.values())
        assert order.vat >= order.lines_vat
    for payment in Payment.objects.select_related("order"):
        assert payment.amount == payment.order.total
        captured = payment.ledger_sum(PaymentEvent.Kind.CAPTURE)
        refunded = payment.ledger_sum(PaymentEvent.Kind.REFUND)
        if payment.status in ("paid", "refunded"):
            assert captured == payment.amount
        else:
            assert captured == 0
        if payment.status == "refunded":
            assert refunded == payment.amount == payment.refunds.get().amount
            assert payment.order.status == "returned"
        else:
            assert refunded == 0
        assert payment.status == payment.order.payment_status
    for order_return in Return.objects.select_related("order"):
        lines = ReturnLine.objects.filter(order_return=order_return)
        assert order_return.order.status in ("return_requested", "returned")
        assert (
            sum(line.quantity for line in lines)
            == order_return.order.lines.aggregate(n=Sum("quantity"))["n"]
        )
        assert (order_return.status == "refunded") == (order_return.refund_id is not None)
    assert Refund.objects.count() == Return.objects.filter(status="refunded").count()


def _made_with(seed: int, now) -> list[tuple]:
    """What `seed` makes, then rolled back."""
    with transaction.atomic():
        seed_orders(orders=25, customers=4, seed=seed, now=now)
        made = list(
            Order.objects.order_by("number").values_list(
                "number", "status", "payment_method", "total", "placed_at", "user__email"
            )
        )
        transaction.set_rollback(True)
    return made


def test_the_same_seed_makes_the_same_orders_and_a_rerun_adds_none(catalog):
    now = timezone.now()
    first = _made_with(9, now)
    assert _made_with(9, now) == first
    assert _made_with(10, now) != first

    _seed(orders=30, customers=4, seed=9)
    assert "Seeded 0 orders" in _seed(orders=30, customers=4, seed=9)
    assert "Seeded 5 orders" in _seed(orders=35, customers=4, seed=9)  # only the missing ones
    assert Order.objects.count() == 35


def test_without_a_catalog_it_says_what_is_missing():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="seed a catalog first"):
        _seed(orders=5, customers=1)
