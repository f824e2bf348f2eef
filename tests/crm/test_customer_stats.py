"""Per-customer figures: the periodic job agrees with the orders, and running it again changes
nothing."""

from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.db.models import Count, Max, Min, Sum
from django.utils import timezone

from crm.bulk_orders import seed_orders
from crm.customer360.stats import customer_stats_refresh, customer_stats_refresh_one
from crm.models import CustomerStats
from crm.tasks import refresh_customer_stats
from orders.models import Order, Return
from payments.models import Refund
from shop.celery import PERIODIC_JOBS
from tests.factories import UserFactory, VariantFactory

from .history import REFUNDED_MUG, customer_history

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


def _expected(user_id: int) -> dict:
    """The figures computed the slow way, from the rows, for comparison."""
    counted = Order.objects.filter(user_id=user_id).exclude(
        status__in=("pending_payment", "cancelled")
    )
    agg = counted.aggregate(
        value=Sum("total"), orders=Count("pk"), first=Min("placed_at"), last=Max("placed_at")
    )
    refunded = Refund.objects.filter(payment__order__in=counted, status="succeeded").aggregate(
        total=Sum("amount")
    )["total"] or Decimal("0")
    return {
        "lifetime_value": (agg["value"] or Decimal("0")) - refunded,
        "orders_count": agg["orders"],
        "first_order_at": agg["first"],
        "last_order_at": agg["last"],
        "returns_count": Return.objects.filter(order__user_id=user_id)
        .exclude(status="rejected")
        .count(),
        "cancellations_count": Order.objects.filter(user_id=user_id, status="cancelled").count(),
    }


def _figures(row: CustomerStats) -> dict:
    return {key: getattr(row, key) for key in _expected(row.user_id)}


def test_figures_of_a_history_made_through_the_services(django_capture_on_commit_callbacks):
    customer = UserFactory(verified=True)
    history = customer_history(customer, capture_on_commit=django_capture_on_commit_callbacks)

    refresh_customer_stats()  # the periodic job, called as beat would

    stats = CustomerStats.objects.get(user=customer)
    # Only the delivered order counts (the other was cancelled, the third never paid); the mug
    # given back is taken off.
    assert stats.orders_count == 1
    assert stats.lifetime_value == history.delivered.total - REFUNDED_MUG
    assert stats.first_order_at == stats.last_order_at == history.delivered.placed_at
    assert stats.returns_count == 1 and stats.cancellations_count == 1
    assert _figures(stats) == _expected(customer.pk)


def test_bulk_history_agrees_with_the_orders_for_every_customer():
    VariantFactory(price=Decimal("120.00"))
    VariantFactory(price=Decimal("900.00"))
    seeded = seed_orders(orders=150, customers=12, seed=11)
    CustomerStats.objects.all().delete()

    written = customer_stats_refresh()

    assert written >= seeded.customers
    rows = CustomerStats.objects.filter(user__email__startswith="seed-customer-")
    assert rows.count() == 12
    for row in rows:
        assert _figures(row) == _expected(row.user_id)
    assert sum(row.orders_count + row.cancellations_count for row in rows) <= 150


def test_running_it_again_changes_nothing():
    VariantFactory()
    seed_orders(orders=40, customers=5, seed=2)
    customer_stats_refresh()
    before = {row.pk: (_figures(row), row.updated_at) for row in CustomerStats.objects.all()}

    with time_machine.travel(timezone.now() + timedelta(hours=1)):
        assert customer_stats_refresh() == 0
        assert refresh_customer_stats() == 0

    after = {row.pk: (_figures(row), row.updated_at) for row in CustomerStats.objects.all()}
    assert after == before


def test_a_change_reaches_only_that_customers_row(django_capture_on_commit_callbacks):
    VariantFactory()
    seed_orders(orders=30, customers=3, seed=4)
    customer_stats_refresh()
    quiet = CustomerStats.objects.exclude(orders_count=0).order_by("pk").first()
    quiet_updated = quiet.updated_at
    shopper = UserFactory(verified=True)
    customer_stats_refresh_one(user_id=shopper.pk)
    assert CustomerStats.objects.get(user=shopper).orders_count == 0

    customer_history(shopper, capture_on_commit=django_capture_on_commit_callbacks)
    with time_machine.travel(timezone.now() + timedelta(minutes=5)):
        assert customer_stats_refresh() == 1

    assert CustomerStats.objects.get(user=shopper).orders_count == 1
    assert CustomerStats.objects.get(pk=quiet.pk).updated_at == quiet_updated


def test_a_customer_without_orders_has_zero_figures():
    customer = UserFactory()
    stats = customer_stats_refresh_one(user_id=customer.pk)
    assert (stats.orders_count, stats.lifetime_value, stats.last_order_at) == (0, 0, None)


def test_the_job_is_scheduled():
    assert PERIODIC_JOBS["refresh-customer-stats"] == (
        "crm.refresh_customer_stats",
        "CRM_STATS_EVERY_SECONDS",
    )


def test_the_segment_filters_are_indexed():
    indexed = {index.fields[0] for index in CustomerStats._meta.indexes}
    assert {"orders_count", "last_order_at", "lifetime_value", "spend_12m", "rfm_group"} <= indexed
