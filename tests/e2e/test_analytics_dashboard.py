"""Issue 32's journey in a real browser, in Turkish, on a phone: a manager opens the analytics
dashboard from the admin index, sees the revenue chart drawn and its table under it, narrows
the range to the last two days, and downloads the table as CSV."""

import csv
import io
import re
from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.contrib.auth.models import Permission
from django.utils import timezone, translation
from playwright.sync_api import Browser, expect

from crm.analytics.rollups import analytics_rebuild
from orders import services
from shop.money import format_money
from tests.factories import DEFAULT_PASSWORD, StaffFactory
from tests.orders.helpers import cart_with, place, shipping_setup, stocked_variant

from .helpers import PHONE, watch_for_errors

pytestmark = pytest.mark.django_db(transaction=True)


def _cod_order(price: str):
    order = place(cart_with((stocked_variant(price=price), 1)))
    services.checkout_payment_start(order=order)
    order.refresh_from_db()
    return order


def test_a_manager_reads_the_dashboard_changes_the_range_and_downloads_a_csv(
    browser: Browser, live_server
):
    shipping_setup()
    with time_machine.travel(timezone.now() - timedelta(days=5)):
        older = _cod_order("300.00")
    recent = _cod_order("120.00")
    analytics_rebuild()
    manager = StaffFactory(is_superuser=False, email="yonetici@example.com")
    manager.user_permissions.add(Permission.objects.get(codename="view_analytics"))
    today = timezone.localdate()
    base = live_server.url

    context = browser.new_context(viewport=PHONE, locale="tr-TR", accept_downloads=True)
    page = context.new_page()
    errors = watch_for_errors(page)
    page.goto(f"{base}/admin/login/")
    page.locator("input[name=login]").fill(manager.email)
    page.locator("input[type=password]").fill(DEFAULT_PASSWORD)
    page.locator("input[type=password]").press("Enter")
    page.locator("#analytics-link a").click()
    expect(page).to_have_url(re.compile(r"/admin/crm/dashboard/$"))

    with translation.override("tr"):
        both, latest = format_money(older.total + recent.total), format_money(recent.total)
    panel = page.locator("#panel-salesoverview")
    expect(panel.locator(".analytics-figure").first).to_contain_text(both)
    chart = page.locator("#chart-salesoverview-days")
    expect(chart).to_have_attribute("data-drawn", "true")
    expect(chart).to_be_visible()
    table = page.locator("#table-salesoverview-days")
    expect(table.locator("tbody tr")).to_have_count(28)

    page.locator("#id_start").fill(str(today - timedelta(days=1)))
    page.locator("#id_end").fill(str(today))
    page.locator("#analytics-range button[type=submit]").click()
    expect(table.locator("tbody tr")).to_have_count(2)
    expect(panel.locator(".analytics-figure").first).to_contain_text(latest)
    expect(page.locator("#chart-salesoverview-days")).to_have_attribute("data-drawn", "true")

    with page.expect_download() as download:
        table.locator("caption a.analytics-csv").click()
    rows = list(csv.reader(io.StringIO(download.value.path().read_text(encoding="utf-8-sig"))))
    assert [row[0] for row in rows[1:]] == [str(today - timedelta(days=1)), str(today)]
    assert Decimal(rows[2][1]) == recent.total
    assert errors == []
    context.close()
