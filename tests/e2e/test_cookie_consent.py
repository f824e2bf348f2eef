"""A visitor chooses analytics cookies in the banner, their product view is recorded by the
tracking script's beacon, and withdrawing in the cookie settings deletes it and is remembered."""

import pytest
from playwright.sync_api import Page, expect

from crm.models import EventKind, TrackingEvent
from tests.e2e.helpers import watch_for_errors
from tests.factories import listed_product

pytestmark = pytest.mark.django_db(transaction=True)


def _is_beacon(kind: str):
    return lambda response: (
        "/tracking/event/" in response.url and kind in (response.request.post_data or "")
    )


def test_a_visitor_allows_analytics_is_tracked_then_withdraws(page: Page, live_server):
    product = listed_product(name_en="Copper Kettle", name_tr="Bakır Çaydanlık")
    errors = watch_for_errors(page)
    page.goto(f"{live_server.url}/en/")
    banner = page.get_by_role("region", name="Your cookie choices")
    expect(banner).to_be_visible()
    expect(banner.get_by_role("button", name="Accept all")).to_be_visible()
    expect(banner.get_by_role("button", name="Reject all")).to_be_visible()
    banner.get_by_text("Choose", exact=True).click()
    banner.get_by_label("Analytics").check()
    banner.get_by_role("button", name="Save my choices").click()
    expect(page.get_by_role("region", name="Your cookie choices")).to_have_count(0)

    with page.expect_response(_is_beacon("product_view")) as beacon:
        page.goto(f"{live_server.url}/en/p/{product.slug_en}/")
    assert beacon.value.status == 204
    viewed = TrackingEvent.objects.filter(kind=EventKind.PRODUCT_VIEW, product=product)
    assert viewed.count() == 1
    visitor = viewed.get().visitor_id

    page.get_by_role("link", name="Cookie settings").click()
    expect(page.get_by_label("Analytics")).to_be_checked()
    page.get_by_label("Analytics").uncheck()
    page.get_by_role("button", name="Save my choices").click()
    expect(page.locator("#cookie-status")).to_have_text("Now: only necessary cookies.")
    assert not TrackingEvent.objects.filter(visitor_id=visitor).exists()

    page.goto(f"{live_server.url}/en/p/{product.slug_en}/")
    expect(page.get_by_role("heading", name="Copper Kettle")).to_be_visible()
    expect(page.get_by_role("region", name="Your cookie choices")).to_have_count(0)
    expect(page.locator("script[data-track-url]")).to_have_count(0)
    assert errors == []
