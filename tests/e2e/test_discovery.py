"""Discovery in a real browser, on a phone: a Turkish visitor finds a product from the search
box's suggestions with the keyboard, typing without Turkish letters and with a typo; an
English-speaking buyer reviews a product and sees the review once staff publish it."""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import Browser, Page, expect

from payments.services import payment_capture, payment_start
from shop.text import slugify_tr
from tests.factories import StaffFactory, UserFactory, listed_product
from tests.orders.helpers import cart_with, place, shipping_setup

from .helpers import PHONE, log_in, watch_for_errors

pytestmark = pytest.mark.django_db(transaction=True)


def _product(name_tr: str, name_en: str) -> object:
    return listed_product(
        name_tr=name_tr,
        name_en=name_en,
        slug_tr=slugify_tr(name_tr),
        slug_en=slugify_tr(name_en),
        variants=[{"price": Decimal("1499.90"), "on_hand": 10}],
        searchable=True,
    )


def test_a_visitor_types_a_typo_without_turkish_letters_and_picks_a_suggestion_by_keyboard(
    page: Page, live_server
):
    errors = watch_for_errors(page)
    _product("Kırmızı Telefon", "Red Phone")
    _product("Mavi Telefon", "Blue Phone")
    _product("Kırmızı Elbise", "Red Dress")
    page.goto(f"{live_server.url}/")

    box = page.get_by_role("combobox", name="Ürün ara")
    box.press_sequentially("kirmizi telefn", delay=40)
    suggestions = page.get_by_role("listbox", name="Öneriler")
    expect(suggestions).to_be_visible()
    expect(suggestions.get_by_role("option")).to_have_count(1)
    expect(page.get_by_role("status").filter(has_text="öneri")).to_have_text(
        "1 öneri, seçmek için yukarı ve aşağı okları kullanın"
    )
    expect(box).to_have_attribute("aria-expanded", "true")

    box.press("ArrowDown")
    option = suggestions.get_by_role("option", name=re.compile("Kırmızı Telefon"))
    expect(option).to_have_attribute("aria-selected", "true")
    expect(box).to_have_attribute("aria-activedescendant", option.get_attribute("id") or "")
    box.press("Enter")

    expect(page).to_have_url(f"{live_server.url}/p/kirmizi-telefon/")
    expect(page.get_by_role("heading", name="Kırmızı Telefon", level=1)).to_be_visible()
    assert errors == []


def test_a_buyer_reviews_a_product_and_it_appears_once_staff_publish_it(
    page: Page, browser: Browser, live_server
):
    shipping_setup()
    lamp = _product("Kırmızı Lamba", "Red Lamp")
    buyer = UserFactory(verified=True, first_name="Elif", email="elif@example.com", language="en")
    order = place(cart_with((lamp.variants.get(), 1), user=buyer), language="en")
    payment_capture(payment=payment_start(payment=order.payments.first()), details={})
    base = f"{live_server.url}/en"
    product_url = f"{base}/p/red-lamp/"

    log_in(page, base, buyer.email)
    page.goto(product_url)
    page.get_by_role("link", name="Bought it? Write a review").click()
    page.get_by_label("4 stars").check()
    page.get_by_label("Your review").fill("Warm light, <b>sturdy</b> base.")
    page.get_by_role("button", name="Send review").click()
    expect(
        page.get_by_text("Thank you! Your review appears once we have checked it.")
    ).to_be_visible()
    reviews = page.locator("#reviews")
    expect(reviews).to_contain_text("No reviews yet.")

    staff_context = browser.new_context(viewport=PHONE)
    staff = staff_context.new_page()
    log_in(staff, base, StaffFactory(email="moderator@example.com", language="en").email)
    staff.goto(f"{base}/admin/catalog/review/")
    row = staff.locator("#result_list tbody tr", has_text="Red Lamp")
    row.locator("input.action-select").check()
    staff.get_by_label("Action:").select_option(label="Publish the selected reviews")
    staff.get_by_role("button", name="Run").click()
    expect(staff.locator(".messagelist")).to_contain_text("1 review published.")
    staff_context.close()

    page.reload()
    expect(reviews).to_contain_text("Warm light, <b>sturdy</b> base.")
    expect(reviews).to_contain_text("Elif")
    expect(reviews).to_contain_text("Verified purchase")
    expect(page.get_by_role("link", name="Rated 4.0 out of 5 by 1 customer")).to_be_visible()
