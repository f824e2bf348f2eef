"""The segment builder in a real browser (English): staff pick conditions, watch the live
member count change as they go (htmx), and save the segment; the list shows its count."""

from datetime import timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import Browser, expect

from crm.models import CustomerStats
from crm.notifications.models import ConsentCurrent
from tests.factories import DEFAULT_PASSWORD, StaffFactory, UserFactory

from .helpers import watch_for_errors
from .segments import build_segment

pytestmark = pytest.mark.django_db(transaction=True)


def _customer(n: int, *, orders: int, email_ok: bool) -> None:
    user = UserFactory(email=f"musteri{n}@example.com")
    CustomerStats.objects.create(
        user=user,
        orders_count=orders,
        lifetime_value=Decimal(orders * 150),
        last_order_at=timezone.now() - timedelta(days=10) if orders else None,
    )
    ConsentCurrent.objects.create(user=user, channel="email", granted=email_ok, source="signup")


def test_marketing_builds_a_segment_watching_the_live_count(browser: Browser, live_server):
    call_command("setup_staff_groups", stdout=StringIO())  # a transactional test flushed them
    marketer = StaffFactory(is_superuser=False, email="pazarlama@example.com", language="en")
    marketer.groups.add(Group.objects.get(name="Marketing"))
    for n, (orders, email_ok) in enumerate([(0, True), (1, True), (3, True), (5, False)]):
        _customer(n, orders=orders, email_ok=email_ok)

    desk = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US")
    page = desk.new_page()
    errors = watch_for_errors(page)
    base = f"{live_server.url}/en"
    page.goto(f"{base}/admin/login/")
    page.get_by_label("Email:", exact=True).fill(marketer.email)
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    expect(page.get_by_role("link", name="Segments")).to_be_visible()

    segment = build_segment(
        page,
        base,
        "Email, ordered twice or more",
        [{"field": "consent", "channel": "email"}, {"field": "orders_count", "low": "2"}],
        expected_counts=[3, 1],
    )
    assert segment.member_count == 1
    assert segment.rules["rules"][1] == {"field": "orders_count", "min": 2, "max": None}
    row = page.locator("#result_list tbody tr").filter(has_text="Email, ordered twice or more")
    expect(row).to_contain_text("1")
    assert errors == []
    desk.close()
