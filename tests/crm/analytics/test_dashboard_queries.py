"""The whole dashboard (every panel, computed with nothing cached) runs the same number of SQL
statements whatever the number of orders: nothing loops over orders or customers. Generated
with seed_orders (1,000 orders, then 3,000 more); the bench (bench/dashboard.py) prints the
same count on 100,000."""

from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from catalog.models import PriceHistory, Variant
from crm.analytics.forms import dashboard_period
from crm.analytics.panels import registered_panels
from crm.bulk_orders import seed_orders
from crm.risk.services import risk_flags_refresh
from crm.segments.rfm import rfm_refresh
from tests.factories import StaffFactory, VariantFactory

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]
URL = "/admin/crm/dashboard/"


def _per_panel() -> dict[str, int]:
    cache.clear()  # nothing a panel keeps briefly (the shop's typical gap) from the last count
    _form, period = dashboard_period({}, today=timezone.localdate())
    counts = {}
    for panel in registered_panels():
        with CaptureQueriesContext(connection) as queries:
            panel.load(period)
        counts[panel.name] = len(queries)
    return counts


def _page(client) -> int:
    client.get(URL)  # the session's first request writes it once: not the dashboard's cost
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(URL)
    assert response.status_code == 200
    return len(queries)


def test_the_dashboard_runs_the_same_statements_for_more_orders(client):
    for n, price in enumerate(("19.90", "49.90", "120.00", "480.00", "1250.00")):
        VariantFactory(price=Decimal(price), on_hand=40 + n)
    # A price change inside the default range, so both sizes show one (its panel reads the
    # units around changes only when there are changes).
    PriceHistory.objects.create(
        variant=Variant.objects.first(), price=Decimal("17.90"), starts_at=timezone.now()
    )
    client.force_login(StaffFactory())  # every panel, the risk flags' too
    seed_orders(orders=1000, customers=200, seed=21)
    rfm_refresh()
    risk_flags_refresh()
    small, small_page = _per_panel(), _page(client)

    seed_orders(orders=4000, customers=800, seed=21)  # the first 1,000 are there already
    rfm_refresh()
    risk_flags_refresh()
    large, large_page = _per_panel(), _page(client)

    assert len(small) >= 25
    assert small == large
    assert small_page == large_page
