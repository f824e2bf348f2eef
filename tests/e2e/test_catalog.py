"""A new visitor browses the catalog on a phone, in English and in Turkish."""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect

from catalog.models import Attribute, AttributeValue
from tests.factories import listed_product, make_category

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def shelf():
    """A top category with a sub-category of 30 lamps, one of them in two colours."""
    lighting = make_category("Aydınlatma")
    lighting.name_en = "Lighting"
    lighting.slug_en = "lighting"
    lighting.save()
    lamps = make_category("Masa Lambaları", parent=lighting)
    for n in range(30):
        listed_product(
            category=lamps,
            name_en=f"Lamp {n:02d}",
            name_tr=f"Lamba {n:02d}",
            variants=[{"price": Decimal(100 + n * 10), "on_hand": 20}],
        )
    colour = Attribute.objects.create(code="colour", name_en="Colour", name_tr="Renk")
    red = AttributeValue.objects.create(
        attribute=colour, value_en="Red", value_tr="Kırmızı", slug_en="red", slug_tr="kirmizi"
    )
    blue = AttributeValue.objects.create(
        attribute=colour, value_en="Blue", value_tr="Mavi", slug_en="blue", slug_tr="mavi"
    )
    red_one = {"sku": "STAR-RED", "price": Decimal("250.00"), "on_hand": 12}
    blue_one = {"sku": "STAR-BLUE", "price": Decimal("275.00"), "on_hand": 0}
    listed_product(
        category=lamps, name_en="Star Lamp", name_tr="Yıldız Lamba",
        slug_en="star-lamp", slug_tr="yildiz-lamba",
        variants=[red_one | {"attribute_values": [red]}, blue_one | {"attribute_values": [blue]}],
    )  # fmt: skip
    return lighting


def test_visitor_browses_filters_sorts_pages_and_picks_a_variant(page: Page, live_server, shelf):
    page.goto(f"{live_server.url}/en/")
    page.get_by_role("navigation", name="Categories").get_by_role("link", name="Lighting").click()
    expect(page.get_by_role("heading", name="Lighting", level=1)).to_be_visible()
    expect(page.get_by_text("31 products")).to_be_visible()

    page.get_by_role("link", name="Next").click()
    expect(page.get_by_text("Page 2 of 2")).to_be_visible()
    page.go_back()
    expect(page.get_by_text("Page 1 of 2")).to_be_visible()

    page.get_by_label("Min. price:").fill("200")
    page.get_by_label("Sort by:").select_option("price_asc")
    page.get_by_role("button", name="Apply").click()
    expect(page).to_have_url(re.compile(r"min_price=200.*sort=price_asc"))
    expect(page.get_by_text("21 products")).to_be_visible()
    cards = page.locator(".product-card .product-name")
    expect(cards.first).to_have_text("Lamp 10")

    page.get_by_label("Colour: Red").check()
    page.get_by_role("button", name="Apply").click()
    expect(page.get_by_text("1 product", exact=True)).to_be_visible()
    expect(cards.first).to_have_text("Star Lamp")

    page.goto(f"{live_server.url}/en/products/?q=star")
    page.get_by_role("link", name="Star Lamp").click()
    expect(page.get_by_role("heading", name="Star Lamp")).to_be_visible()
    expect(page.locator("#variant-price")).to_contain_text("₺250.00")
    expect(page.locator("#variant-stock")).to_contain_text("In stock")

    picker = page.get_by_role("navigation", name="Options")
    expect(picker.get_by_role("link", name="Blue (out of stock)")).to_be_visible()
    picker.get_by_role("link", name="Blue (out of stock)").click()
    expect(page.locator("#variant-price")).to_contain_text("₺275.00")
    expect(page.locator("#variant-stock")).to_contain_text("Out of stock")
    expect(page.locator("#variant-sku")).to_have_text("STAR-BLUE")


def test_turkish_visitor_sees_turkish_names_and_prices(page: Page, live_server, shelf):
    page.goto(f"{live_server.url}/")
    page.get_by_role("navigation", name="Kategoriler").get_by_role(
        "link", name="Aydınlatma"
    ).click()
    expect(page.get_by_role("heading", name="Aydınlatma", level=1)).to_be_visible()
    page.get_by_label("Sırala:").select_option("price_desc")
    page.get_by_role("button", name="Uygula").click()
    expect(page.locator(".product-card .product-name").first).to_have_text("Lamba 29")
    page.goto(f"{live_server.url}/p/yildiz-lamba/")
    expect(page.locator("#variant-price")).to_contain_text("₺250,00")
    expect(page.get_by_role("link", name="Mavi (tükendi)")).to_be_visible()


@pytest.mark.expects_404
def test_unknown_product_gets_the_shops_404_page(page: Page, live_server, shelf):
    response = page.goto(f"{live_server.url}/en/p/no-such-lamp/")
    assert response.status == 404
    expect(page.get_by_role("heading", name="Page not found")).to_be_visible()


def test_variant_picker_updates_the_page_in_place_with_javascript(page: Page, live_server, shelf):
    page.goto(f"{live_server.url}/en/p/star-lamp/")
    page.evaluate("window.__stillHere = true")  # survives only if the page is not reloaded
    page.get_by_role("link", name="Blue (out of stock)").click()
    expect(page.locator("#variant-sku")).to_have_text("STAR-BLUE")
    expect(page).to_have_url(re.compile(r"variant=STAR-BLUE"))
    assert page.evaluate("window.__stillHere === true")


def test_variant_picker_works_without_javascript(browser, live_server, shelf):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(f"{live_server.url}/en/p/star-lamp/")
    page.get_by_role("link", name="Blue (out of stock)").click()
    expect(page.locator("#variant-sku")).to_have_text("STAR-BLUE")
    expect(page.locator("#variant-stock")).to_contain_text("Out of stock")
    context.close()
