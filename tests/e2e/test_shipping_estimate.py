"""A shopper picks their province on a product page and sees shipping there at once, and the
cart remembers it (in Turkish, on a phone); without JavaScript the same form works by a reload."""

from decimal import Decimal

import pytest
from playwright.sync_api import Browser, Page, expect

from orders.models import Carrier, ShippingMethod, ShippingRate, ShippingRegion
from tests.e2e.helpers import PHONE, add_to_cart, watch_for_errors
from tests.factories import listed_product

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def lamp():
    """A 1.2 kg lamp at 150; shipping 49.90 in Turkey, 69.90 to Van, free from 750."""
    carrier = Carrier.objects.create(name="Yurtiçi")
    method = ShippingMethod.objects.create(
        carrier=carrier, name_tr="Standart", name_en="Standard", free_above=Decimal("750.00")
    )
    turkey = ShippingRegion.objects.create(name="Türkiye", countries="TR")
    east = ShippingRegion.objects.create(name="Doğu", countries="TR", provinces="Van\nKars")
    for region, price in [(turkey, "49.90"), (east, "69.90")]:
        ShippingRate.objects.create(
            method=method, region=region, max_weight_grams=5000, price=Decimal(price)
        )
    return listed_product(
        name_en="Desk Lamp", name_tr="Masa Lambası", slug_en="desk-lamp", slug_tr="masa-lambasi",
        variants=[{"price": Decimal("150.00"), "on_hand": 20, "weight_grams": 1200}],
    )  # fmt: skip


def test_a_shopper_picks_a_province_in_place_and_the_cart_remembers_it_in_turkish(
    page: Page, live_server, lamp
):
    errors = watch_for_errors(page)
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/p/masa-lambasi/")
    line = page.locator("#shipping-estimate .shipping-line")
    expect(line).to_have_text("En uygun kargo: ₺49,90 (₺750,00 üzeri ücretsiz)")
    page.evaluate("window.__stillHere = true")  # survives only if the page is not reloaded
    page.get_by_text("İlinizi seçin").click()
    page.get_by_label("İliniz").select_option("Van")
    page.get_by_role("button", name="Kargoyu göster").click()
    expect(line).to_have_text("Van için kargo: ₺69,90 (₺750,00 üzeri ücretsiz)")
    assert page.evaluate("window.__stillHere === true")

    add_to_cart(page, f"{live_server.url}/p/masa-lambasi/", quantity=2, count_after=2)
    page.goto(f"{live_server.url}/cart/")
    expect(page.locator("#shipping-estimate .shipping-line")).to_have_text(
        "Van için kargo: ₺69,90 Ücretsiz kargo için ₺450,00 daha ekleyin."
    )
    assert errors == []


def test_the_province_chooser_works_without_javascript(browser: Browser, live_server, lamp):
    context = browser.new_context(java_script_enabled=False, viewport=PHONE)
    page = context.new_page()
    page.goto(f"{live_server.url}/en/p/desk-lamp/")
    page.get_by_text("Choose your province").click()
    page.get_by_label("Your province").select_option("Kars")
    page.get_by_role("button", name="Show shipping").click()
    expect(page).to_have_url(f"{live_server.url}/en/p/desk-lamp/")
    expect(page.locator("#shipping-estimate .shipping-line")).to_have_text(
        "Shipping to Kars: ₺69.90 (free above ₺750.00)"
    )
    context.close()
