"""The whole dashboard (every panel, computed with nothing cached) runs the same number of SQL
statements on 1,000 generated orders as on 20,000: nothing loops over orders or customers."""

from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from crm.analytics.panels import registered_panels
from crm.bulk_orders import seed_orders
from crm.models import RiskFlag
from crm.risk.services import risk_flags_refresh
from crm.segments.rfm import rfm_refresh
from tests.factories import StaffFactory, VariantFactory

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]
URL = "/admin/crm/dashboard/"
# Every panel, cold; pinned so a new panel or a new query shows up here on purpose.
STATEMENTS = 77


def _cold_statements(client) -> int:
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(URL)
    assert response.status_code == 200
    return len(queries)


def test_the_dashboard_runs_the_same_statements_for_1000_and_20000_orders(client):
    for n, price in enumerate(("19.90", "49.90", "120.00", "480.00", "1250.00")):
        VariantFactory(price=Decimal(price), on_hand=40 + n)
    client.force_login(StaffFactory())  # every panel, the risk flags' too
    seed_orders(orders=1000, customers=200, seed=21)
    rfm_refresh()
    risk_flags_refresh()
    small = _cold_statements(client)

    seed_orders(orders=20000, customers=4000, seed=21)  # the first 1,000 are there already
    rfm_refresh()
    risk_flags_refresh()
    assert RiskFlag.objects.exists()
    large = _cold_statements(client)

    assert len(registered_panels()) >= 25
    assert small == large == STATEMENTS
