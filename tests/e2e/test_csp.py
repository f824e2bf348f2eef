"""The Content Security Policy is on in every mode: pages and the admin must run under it."""

import pytest
from playwright.sync_api import Page, expect

from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db(transaction=True)


def _collect_csp_violations(page: Page) -> list[str]:
    violations: list[str] = []
    page.on(
        "console",
        lambda msg: violations.append(msg.text) if "Content Security Policy" in msg.text else None,
    )
    return violations


def test_shop_pages_and_admin_raise_no_csp_violations(page: Page, live_server):
    violations = _collect_csp_violations(page)
    for path in ["/", "/en/account/signup/", "/en/account/login/", "/en/legal/terms/"]:
        page.goto(f"{live_server.url}{path}")
        expect(page.locator("main")).to_be_visible()

    StaffFactory(email="staff@example.com")
    page.goto(f"{live_server.url}/en/admin/login/")  # the shop's rate-limited login
    page.get_by_label("Email:", exact=True).fill("staff@example.com")
    page.get_by_label("Password").fill("correct-horse-battery-staple")
    page.get_by_role("button", name="Sign In").click()
    expect(page.get_by_role("heading", name="Shop administration")).to_be_visible()
    page.goto(f"{live_server.url}/en/admin/shop/user/")
    expect(page.get_by_role("link", name="staff@example.com")).to_be_visible()
    assert violations == []
