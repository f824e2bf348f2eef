"""A double tap on "Place order": with JavaScript off (nothing in the page can help) two
submits at fixed gaps always end on the order's page with one order; with JavaScript on the
button disables itself after the first tap. Every icon a page names, and /favicon.ico, load."""

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from orders.models import Order

from .helpers import PHONE
from .test_checkout import shop  # noqa: F401  (the shop fixture)

pytestmark = pytest.mark.django_db(transaction=True)

GAPS_MS = (0, 30, 60, 90, 120, 150)


def _fill_checkout_as_guest(page: Page, base: str, *, email: str, javascript: bool) -> None:
    """A guest's cart with one lamp, the checkout filled in for cash on delivery."""
    page.goto(f"{base}/p/desk-lamp/")
    page.locator("form.add-to-cart button[type=submit]").click()
    expect(page.locator("#cart-count")).to_have_text("1")
    page.goto(f"{base}/checkout/")
    page.get_by_role("group", name="Contact").get_by_label("Email:").fill(email)
    page.get_by_role("group", name="Contact").get_by_label("Mobile phone:").fill("0532 123 45 67")
    delivery = page.get_by_role("group", name="Delivery address")
    delivery.get_by_label("Full name:").fill("Ayşe Yılmaz")
    delivery.get_by_label("Mobile phone:").fill("0532 123 45 67")
    delivery.get_by_label("Province:").fill("İstanbul")
    delivery.get_by_label("District:").fill("Kadıköy")
    delivery.get_by_label("Neighbourhood:").fill("Moda")
    delivery.get_by_label("Street address:").fill("Caferağa Sok. 5/3")
    delivery.get_by_label("Postal code:").fill("34710")
    update = page.get_by_role("button", name="Update shipping and totals")
    update.click()  # the shipping options for the address
    page.locator("input[name=payment_method][value=cod]").check()  # with JavaScript: re-priced
    if not javascript:
        update.click()  # without, the totals follow the choices when the customer asks
    expect(page.locator("#checkout-live dl.totals")).to_contain_text("Cash on delivery fee")
    expect(page.locator("input[name=payment_method][value=cod]")).to_be_checked()
    page.get_by_label("I have read and accept").check()


@pytest.mark.usefixtures("shop")
@pytest.mark.parametrize("gap_ms", GAPS_MS)
def test_two_taps_without_javascript_make_one_order_and_show_it(
    browser: Browser, live_server, gap_ms: int
):
    context = browser.new_context(viewport=PHONE, locale="en-US", java_script_enabled=False)
    try:
        _double_tap(context.new_page(), live_server, gap_ms)
    finally:
        context.close()


def _double_tap(page: Page, live_server, gap_ms: int) -> None:
    base = f"{live_server.url}/en"
    email = f"tap-{gap_ms}@example.com"
    _fill_checkout_as_guest(page, base, email=email, javascript=False)

    place = page.get_by_role("button", name="Place order with obligation to pay")
    place.focus()
    page.keyboard.press("Enter")
    page.wait_for_timeout(gap_ms)  # the fixed gap between the two taps the issue asks for
    page.keyboard.press("Enter")  # on the checkout still, or on the order's page already

    expect(page).to_have_url(
        re.compile(rf"{re.escape(base)}/orders/DK-[A-Z0-9]{{4}}-[A-Z0-9]{{4}}/$")
    )
    number = page.url.rstrip("/").rsplit("/", 1)[1]
    expect(page.locator("#order-number")).to_have_text(number)
    expect(page.get_by_text("Your cart is empty.")).to_have_count(0)
    assert list(Order.objects.filter(email=email).values_list("number", flat=True)) == [number]


@pytest.mark.usefixtures("shop")
def test_with_javascript_the_button_disables_itself_after_one_tap(page: Page, live_server):
    base = f"{live_server.url}/en"
    _fill_checkout_as_guest(page, base, email="one-tap@example.com", javascript=True)
    placing = []

    def hold(route) -> None:
        # Each tap's request is counted and answered "204 No Content", so the page stays.
        if route.request.method == "POST" and "action=place" in (route.request.post_data or ""):
            placing.append(route.request)
            route.fulfill(status=204)
        else:
            route.continue_()

    page.route(re.compile(r".*/checkout/$"), hold)
    place = page.get_by_role("button", name="Place order with obligation to pay")
    place.click(no_wait_after=True)
    expect(place).to_be_disabled()
    expect(place).to_have_attribute("aria-busy", "true")
    place.click(force=True, no_wait_after=True)  # a second tap on the disabled button
    place.press("Enter", no_wait_after=True)
    expect(place).to_be_disabled()
    assert len(placing) == 1


def test_every_icon_the_pages_name_loads_and_so_does_favicon_ico(page: Page, live_server):
    for path in ("/", "/en/admin/login/"):
        page.goto(f"{live_server.url}{path}")
        icons = page.locator("link[rel=icon]").evaluate_all("links => links.map(l => l.href)")
        for url in [*icons, f"{live_server.url}/favicon.ico"]:
            response = page.request.get(url)
            assert response.status == 200, url
            assert response.headers["content-type"].startswith("image/"), url
