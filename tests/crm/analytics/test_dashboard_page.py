"""The dashboard page through the test client: who may see it, the range form, a chart with its
table and data, the CSV of a table, and the admin index's link."""

import csv
import io
import json
import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.contrib.auth.models import Permission
from django.urls import reverse

from crm.analytics.rollups import analytics_refresh
from orders import services
from orders.models import Order
from shop.models import User
from tests.factories import StaffFactory
from tests.orders.helpers import cart_with, place, shipping_setup, stocked_variant

pytestmark = pytest.mark.django_db
URL = "/admin/crm/dashboard/"


def _staff(*codenames: str) -> User:
    user = StaffFactory(is_superuser=False)
    user.user_permissions.add(*Permission.objects.filter(codename__in=codenames))
    return User.objects.get(pk=user.pk)


def _cod_order(price: str, quantity: int) -> Order:
    """An accepted cash-on-delivery order, placed through the services."""
    order = place(cart_with((stocked_variant(price=price), quantity)))
    services.checkout_payment_start(order=order)
    order.refresh_from_db()
    assert order.status == "confirmed"
    return order


def test_staff_without_the_permission_get_403_and_no_link_on_the_index(client):
    client.force_login(_staff())
    assert client.get(URL).status_code == 403
    assert client.get(URL + "?csv=sales.overview:days").status_code == 403
    assert "analytics-link" not in client.get(reverse("admin:index")).content.decode()


@time_machine.travel("2026-06-10 12:00 +03:00", tick=False)
def test_the_revenue_panel_shows_a_chart_its_table_and_a_csv_of_it(client):
    shipping_setup()
    order = _cod_order("150.00", 2)
    assert reverse("admin:crm_dashboard_changelist") == URL
    client.force_login(_staff("view_analytics"))
    index = client.get(reverse("admin:index")).content.decode()
    assert 'id="analytics-link"' in index and URL in index

    page = client.get(URL, {"start": "2026-06-01", "end": "2026-06-10", "compare": "none"})

    html = page.content.decode()
    assert page.status_code == 200
    assert 'id="table-salesoverview-days"' in html
    found = re.search(r'<script id="chart-salesoverview-days-data"[^>]*>(.*?)</script>', html)
    data = json.loads(found.group(1))
    assert 'data-chart="chart-salesoverview-days-data"' in html
    assert data["labels"][-1] and len(data["labels"]) == 10
    assert Decimal(data["series"][0]["values"][-1]) == order.total  # today, read live
    response = client.get(
        URL, {"start": "2026-06-01", "end": "2026-06-10", "csv": "sales.overview:days"}
    )
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len(rows) == 11 and rows[-1][0] == "2026-06-10"
    assert Decimal(rows[-1][1]) == order.total


def test_a_bad_range_says_why_and_shows_the_default(client):
    client.force_login(_staff("view_analytics"))
    page = client.get(URL, {"start": "2026-06-10", "end": "2026-06-01"})
    assert page.status_code == 200
    assert page.context["form"].errors
    assert page.context["period"].days == 28
    assert client.get(URL, {"csv": "nothing:here"}).status_code == 404


@time_machine.travel("2026-06-10 12:00 +03:00", tick=False)
def test_closed_days_come_from_the_rollup(client):
    shipping_setup()
    with time_machine.travel("2026-06-05 10:00 +03:00", tick=False):
        order = _cod_order("80.00", 1)
    client.force_login(_staff("view_analytics"))
    params = {"start": "2026-06-01", "end": "2026-06-09", "compare": "none"}
    before = client.get(URL, params).context["sections"][0][2][0][1]
    assert before.figures[0].value == 0  # not rolled up yet
    analytics_refresh(first=date(2026, 6, 1), last=date(2026, 6, 9))
    after = client.get(URL, params).context["sections"][0][2][0][1]
    assert after.figures[0].value == order.total


def test_the_risk_panel_shows_live_flags_only_to_staff_who_may_see_them(client):
    from django.utils import timezone

    from crm.models import RiskFlag

    now = timezone.now()
    RiskFlag.objects.create(
        kind=RiskFlag.Kind.REFUSED_COD, subject="email:ret@example.com",
        email="ret@example.com", count=2, first_at=now, last_at=now,
    )  # fmt: skip
    RiskFlag.objects.create(
        kind=RiskFlag.Kind.BOUNCED_ECHECK, subject="email:ok@example.com", email="ok@example.com",
        count=1, first_at=now, last_at=now, review=RiskFlag.Review.DISMISSED,
    )  # fmt: skip
    client.force_login(_staff("view_analytics"))
    assert 'id="panel-riskflags"' not in client.get(URL).content.decode()

    client.force_login(_staff("view_analytics", "view_riskflag"))
    html = client.get(URL).content.decode()
    table = html.split('id="table-riskflags-newest"')[1].split("</table>")[0]
    assert "ret@example.com" in table and "ok@example.com" not in table
    response = client.get(URL, {"csv": "risk.flags:kinds"})
    assert "1" in response.content.decode().splitlines()[1]
    RiskFlag.objects.create(
        kind=RiskFlag.Kind.REFUSED_COD, subject="email:=cmd@example.com",
        email="=cmd@example.com", count=2, first_at=now, last_at=now,
    )  # fmt: skip
    from django.core.cache import cache

    cache.clear()
    newest = client.get(URL, {"csv": "risk.flags:newest"}).content.decode("utf-8-sig")
    assert "'=cmd@example.com" in newest  # a spreadsheet shows it, never runs it


@pytest.mark.postgres
def test_the_predictive_panels_show_what_their_selectors_compute(client):
    from crm.analytics.churn_sql import typical_gap_seconds
    from crm.analytics.predict_selectors import category_forecasts, overdue_customers
    from crm.bulk_orders import seed_orders
    from tests.factories import VariantFactory

    for price in ("19.90", "120.00", "480.00"):
        VariantFactory(price=Decimal(price), product__status="active", on_hand=3)
    seed_orders(orders=400, customers=40, seed=9)
    analytics_refresh(first=date.today() - timedelta(days=140), last=date.today())
    client.force_login(_staff("view_analytics"))

    page = client.get(URL)

    sections = {name: panels for name, _title, panels in page.context["sections"]}
    names = {panel.name for panels in sections.values() for panel, _data in panels}
    assert {"forecasts.categories", "forecasts.churn", "customers.value", "products.cover"} <= names
    churn = next(data for panel, data in sections["forecasts"] if panel.name == "forecasts.churn")
    expected = overdue_customers(25, typical=typical_gap_seconds())
    assert [row["email"] for row in churn.table("overdue").rows] == [c.email for c in expected]
    forecast = next(d for p, d in sections["forecasts"] if p.name == "forecasts.categories")
    total = sum(sum(f.revenue.weeks, Decimal(0)) for f in category_forecasts(date.today()))
    assert forecast.figures[0].value == total
    assert client.get(URL, {"csv": "forecasts.churn:overdue"}).status_code == 200
