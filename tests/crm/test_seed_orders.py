"""`seed_orders`: bulk order history that adds up (orders = their lines, the ledger = the
payments, a tab's settlement = its orders left on it, refunds within captures, parcels = the
units shipped, returns with reasons, refused parcels cancelled with nothing taken), shaped like
a shop's two years, the same for the same seed, and says that it bypasses the services."""

import random
from collections import Counter
from datetime import datetime
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.db.models import Count, Sum
from django.db.models.functions import Lower
from django.utils import timezone

from catalog.models import PriceHistory
from crm.bulk_orders import seed_orders
from crm.bulk_orders.shape import SPAN_DAYS, Clock, habit_of
from crm.models import CustomerStats, SalesDaily
from orders.models import Order, OrderEvent, OrderLine, Return, ReturnLine, Shipment, ShipmentLine
from payments.models import (
    BalanceEntry,
    ECheck,
    Payment,
    PaymentEvent,
    PaymentPurpose,
    Refund,
    Tab,
)
from tests.factories import VariantFactory

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]
K = PaymentEvent.Kind
NOW = datetime(2026, 12, 1, 12, 0, tzinfo=timezone.get_fixed_timezone(180))


@pytest.fixture
def catalog() -> None:
    for price in ("19.90", "34.50", "120.00", "480.00", "1250.00"):
        VariantFactory(price=Decimal(price))


def _seed(**options: object) -> str:
    out = StringIO()
    call_command("seed_orders", stdout=out, **options)
    return out.getvalue()


def _sum(queryset, field: str = "amount") -> Decimal:
    return queryset.aggregate(total=Sum(field))["total"] or Decimal(0)


def test_it_writes_orders_with_everything_behind_them_and_says_it_bypasses_the_services(catalog):
    output = _seed(orders=120, customers=10, seed=3)

    assert "bypasses the services" in output and "bypassing the services" in output
    assert "ledger" in output and "shipment events" in output and "tabs" in output
    orders = Order.objects.filter(number__startswith="S3-")
    assert orders.count() == 120
    assert orders.exclude(user=None).values("user").distinct().count() <= 10
    assert Payment.objects.filter(order__in=orders).count() == 120
    assert OrderLine.objects.filter(order__in=orders).count() >= 120
    assert OrderEvent.objects.filter(order__in=orders).count() > 120
    statuses = set(orders.values_list("status", flat=True))
    assert {"delivered", "cancelled"} <= statuses
    assert CustomerStats.objects.filter(user__orders__in=orders).distinct().count() >= 1
    assert SalesDaily.objects.filter(accepted__gt=0).exists()  # the rollups were rebuilt


@pytest.fixture
def history(catalog) -> None:
    """A few hundred orders of 25 customers and some guests, up to a fixed `now`."""
    seed_orders(orders=600, customers=25, seed=5, now=NOW)


def test_each_order_adds_up_to_its_lines_and_its_ledger_to_its_payment(history):
    orders = Order.objects.annotate(
        lines_total=Sum("lines__total"), lines_vat=Sum("lines__vat"), line_count=Count("lines")
    )
    for order in orders:
        assert order.line_count >= 1
        assert order.subtotal == order.lines_total
        assert order.total == order.subtotal - order.discount + order.shipping + order.fees
        assert order.vat == sum(Decimal(v) for v in order.vat_breakdown.values())
        assert order.vat >= order.lines_vat
        assert order.promised_ship_by < order.promised_from < order.promised_to
    for payment in Payment.objects.filter(purpose=PaymentPurpose.ORDER).select_related("order"):
        assert payment.amount == payment.order.total
        assert payment.status == payment.order.payment_status
        captured = payment.ledger_sum(K.CAPTURE)
        refunded = payment.refunded()
        if payment.status in ("paid", "partially_refunded"):
            assert captured == payment.amount
        elif payment.status == "refunded":
            # Everything given back; a tab order refunded off its open tab was never captured.
            assert captured in (payment.amount, 0) and refunded == payment.amount
        else:
            assert captured == 0
        assert refunded <= payment.amount
        assert (refunded > 0) == (payment.status in ("partially_refunded", "refunded"))
        assert refunded == _sum(payment.refunds.filter(status="succeeded"))
        if payment.status == "refunded" and payment.order.status != "cancelled":
            assert payment.order.status == "returned"
    assert not PaymentEvent.objects.filter(kind__in=PaymentEvent.REFUND_KINDS, refund=None).exists()
    # Cash captured covers every refund, order by order.
    assert _sum(PaymentEvent.objects.filter(kind=K.REFUND)) <= _sum(
        PaymentEvent.objects.filter(kind=K.CAPTURE, payment__purpose=PaymentPurpose.ORDER)
    )


def test_every_method_leaves_its_own_ledger_rows(history):
    methods = set(Payment.objects.filter(purpose="order").values_list("method", flat=True))
    assert methods == {"card", "wallet", "cod", "echeck", "micropayment", "stored_value"}
    for payment in Payment.objects.filter(method="cod", purpose="order"):
        collected = payment.events.filter(kind=K.CAPTURE)
        # Cash is captured when the courier collected it: at delivery, never before.
        delivered = payment.order.shipments.filter(delivered_at__isnull=False).first()
        assert collected.exists() == (delivered is not None)
        if delivered is not None:
            assert collected.get().created_at == delivered.delivered_at
    bounced = Payment.objects.filter(method="echeck", status="bounced")
    assert bounced.exists()
    for payment in bounced:
        assert payment.events.filter(kind=K.BOUNCE).exists()
        assert not payment.events.filter(kind=K.CAPTURE).exists()
        assert payment.echeck.bounced_at is not None and payment.echeck.cleared_at is None
        assert payment.order.needs_review
        assert payment.order.status in ("confirmed", "cancelled")
    for check in ECheck.objects.filter(cleared_at__isnull=False):
        assert check.payment.events.get(kind=K.CAPTURE).created_at == check.cleared_at
    failed = Payment.objects.filter(status="failed")
    assert all(p.events.filter(kind=K.FAILURE).exists() for p in failed)
    assert set(failed.values_list("order__cancel_reason", flat=True)) <= {"payment_failed"}


def test_top_ups_are_balance_money_not_orders(history):
    top_ups = Payment.objects.filter(purpose=PaymentPurpose.TOP_UP)
    assert top_ups.exists() and not top_ups.filter(order__isnull=False).exists()
    for top_up in top_ups:
        assert top_up.ledger_sum(K.CAPTURE) == top_up.amount
        assert BalanceEntry.objects.get(payment=top_up).amount == top_up.amount
    for entry in BalanceEntry.objects.filter(kind="purchase").select_related("payment"):
        assert entry.amount == -entry.payment.amount and entry.payment.method == "stored_value"
    balances = BalanceEntry.objects.values("account").annotate(total=Sum("amount"))
    assert all(row["total"] >= 0 for row in balances)


def test_a_tab_settlement_charges_its_orders_left_on_the_tab(history):
    settlements = Payment.objects.filter(purpose=PaymentPurpose.TAB_SETTLEMENT)
    assert settlements.exists()
    for settlement in settlements:
        assert settlement.tab.status == Tab.Status.SETTLED and settlement.status == "paid"
        cash = settlement.events.get(kind=K.CAPTURE)
        assert cash.moves_cash and cash.amount == settlement.amount
        items = Payment.objects.filter(tab=settlement.tab, purpose="order").exclude(status="voided")
        left = sum(p.amount - p.ledger_sum(K.REFUND_OFF_TAB) for p in items)
        assert settlement.amount == left
        for item in items.exclude(status="refunded"):
            capture = item.events.get(kind=K.CAPTURE)
            assert not capture.moves_cash and capture.amount == item.amount
            assert capture.raw["settlement_payment"] == settlement.pk
    assert (
        Tab.objects.exclude(status=Tab.Status.SETTLED).count()
        <= Tab.objects.values("user").distinct().count()
    )
    for row in PaymentEvent.objects.filter(kind=K.REFUND_OFF_TAB):
        assert not row.moves_cash and row.payment.method == "micropayment"


def test_returns_have_reasons_and_some_take_back_only_part_of_an_order(history):
    returned = Order.objects.filter(status="returned")
    assert returned.exists()
    for order in returned:
        order_return = order.returns.get()
        assert order_return.reason_code and order_return.status == "refunded"
        assert order_return.refund.amount == order_return.amount == order.total
    assert not Return.objects.filter(reason_code="").exists()
    partial = Return.objects.filter(status="refunded", order__status="delivered")
    assert partial.exists()
    for order_return in partial.select_related("order", "refund"):
        assert order_return.refund.amount == order_return.amount < order_return.order.total
        assert order_return.refund.payment.status == "partially_refunded"
    for line in ReturnLine.objects.select_related("order_line"):
        assert 0 < line.quantity <= line.order_line.quantity
    assert Return.objects.filter(status="rejected", refund=None).exists()
    assert set(Return.objects.values_list("status", flat=True)) >= {"refunded", "rejected"}


def test_refused_cash_parcels_are_cancelled_with_nothing_taken(history):
    refused = Order.objects.filter(cancel_reason="refused")
    assert refused.exists()
    for order in refused:
        assert order.status == "cancelled" and order.payment_method == "cod"
        assert order.payment_status == "voided"
        payment = order.payments.get()
        assert not payment.events.filter(kind=K.CAPTURE).exists()
        assert payment.events.filter(kind=K.VOID).exists()
        assert order.shipments.get().status == "returned"


def test_parcels_carry_the_ordered_units_along_the_carriers_road(history):
    shipped = Order.objects.filter(shipments__isnull=False).distinct()
    assert shipped.exists()
    units = dict(shipped.annotate(n=Sum("lines__quantity")).values_list("pk", "n"))
    parcels = dict(
        ShipmentLine.objects.values("shipment__order")
        .annotate(n=Sum("quantity"))
        .values_list("shipment__order", "n")
    )
    assert parcels == units
    assert Shipment.objects.values("carrier").distinct().count() >= 2
    for order in Order.objects.filter(status__in=["delivered", "returned"]):
        parcel = order.shipments.get()
        assert parcel.status == "delivered" and parcel.delivered_at is not None
        times = list(parcel.events.values_list("happened_at", flat=True))
        assert times == sorted(times) and times[-1] == parcel.delivered_at
    assert Shipment.objects.filter(events__status="exception", status="delivered").exists()
    assert not Shipment.objects.filter(last_event_at__gt=NOW).exists()  # nothing after `now`
    on_time = [
        timezone.localdate(s.delivered_at) <= s.order.promised_to
        for s in Shipment.objects.filter(delivered_at__isnull=False).select_related("order")
    ]
    assert any(on_time) and not all(on_time)  # some orders arrive late


def test_guests_order_too_some_twice_with_the_email_in_another_case(history):
    guests = Order.objects.filter(user=None)
    assert guests.exists()
    assert guests.exclude(email=Lower("email")).exists()
    twice = guests.values(low=Lower("email")).annotate(n=Count("pk")).filter(n__gte=2)
    assert twice.exists()


def test_a_price_change_is_in_the_history_and_in_the_orders_before_it(history):
    change = PriceHistory.objects.order_by("-starts_at").first()
    assert change is not None
    old = PriceHistory.objects.filter(variant=change.variant).order_by("starts_at").first()
    assert old.price != change.price == change.variant.price
    lines = OrderLine.objects.filter(variant=change.variant)
    assert {
        *lines.filter(order__placed_at__lt=change.starts_at).values_list("unit_price", flat=True)
    } <= {old.price}
    assert {
        *lines.filter(order__placed_at__gte=change.starts_at).values_list("unit_price", flat=True)
    } <= {change.price}


def test_the_two_years_have_a_week_a_trend_and_a_november():
    clock, rng = Clock(NOW), random.Random(1)
    days = Counter(clock.local_date(clock.draw(rng)) for _ in range(40_000))
    by_weekday = Counter()
    by_month = Counter()
    for day, n in days.items():
        by_weekday[day.weekday()] += n
        by_month[day.month] += n
    assert by_weekday[6] > by_weekday[0] > by_weekday[5]  # Sunday busy, Saturday quiet
    assert by_month[11] > 1.3 * by_month[10]
    halves = Counter((day - clock.first_day).days * 2 // SPAN_DAYS for day in days.elements())
    assert halves[1] > 1.1 * halves[0]
    habits = [habit_of(1, n) for n in range(2000)]
    gaps = {
        kind: sorted(1 / h.rate for h in habits if h.kind == kind)
        for kind in ("loyal", "regular", "occasional")
    }
    assert max(gaps["loyal"]) < min(gaps["occasional"])
    assert sum(h.last < SPAN_DAYS for h in habits) > 200  # lapsed customers


def _made_with(seed: int, now) -> list[tuple]:
    """What `seed` makes, then rolled back."""
    with transaction.atomic():
        seed_orders(orders=25, customers=4, seed=seed, now=now)
        made = list(
            Order.objects.order_by("number").values_list(
                "number", "status", "payment_method", "total", "placed_at", "email"
            )
        )
        made += list(
            PaymentEvent.objects.order_by("idempotency_key").values_list(
                "idempotency_key", "amount", "created_at"
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
    rows = (Payment.objects.count(), PaymentEvent.objects.count(), Shipment.objects.count())
    assert "Seeded 0 orders" in _seed(orders=30, customers=4, seed=9)
    assert (Payment.objects.count(), PaymentEvent.objects.count(), Shipment.objects.count()) == rows
    assert "Seeded 5 orders" in _seed(orders=35, customers=4, seed=9)  # only the missing ones
    assert Order.objects.count() == 35
    assert Refund.objects.filter(payment__order=None).count() == 0


def test_without_a_catalog_it_says_what_is_missing():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="seed a catalog first"):
        _seed(orders=5, customers=1)


def test_a_row_pointing_at_nothing_is_refused():
    """The bulk writer's own check of every foreign key (its triggers may be off for speed)."""
    from django.db import IntegrityError

    from crm.bulk_orders.rows import Tables

    now = timezone.now()
    with pytest.raises(IntegrityError), transaction.atomic():
        tables = Tables([OrderEvent], now)
        tables[OrderEvent].add(order_id=10**9, to_status="confirmed", created_at=now)
        tables.finish()
        OrderEvent.objects.count()  # the database's own check, when the triggers stayed on
        transaction.get_connection().check_constraints()
