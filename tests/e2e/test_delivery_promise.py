"""A shopper sees the promised delivery date on the product page (with its countdown), in the
cart and at checkout, and the same date on the order's page — in Turkish, on a phone."""

import re
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from playwright.sync_api import Page, expect

from orders.models import Address, Carrier, Order, ShippingMethod, ShippingRate, ShippingRegion
from tests.factories import ProductFactory, UserFactory, VariantFactory

from .helpers import add_to_cart, log_in, watch_for_errors

pytestmark = pytest.mark.django_db(transaction=True)

# Monday 7 December 2026, 11:40 in Istanbul: 3 h 20 min before the 15:00 cut-off.
MONDAY_MORNING = datetime(2026, 12, 7, 11, 40, tzinfo=ZoneInfo("Europe/Istanbul"))
PROMISED = "9 Aralık Çarşamba – 11 Aralık Cuma"


def test_the_promise_on_the_product_page_is_the_one_checkout_shows_and_the_order_keeps(
    page: Page, live_server
):
    lamp = ProductFactory(name_tr="Masa Lambası", slug_tr="masa-lambasi", slug_en="desk-lamp")
    VariantFactory(product=lamp, price=Decimal("120.00"), on_hand=10, weight_grams=1500)
    carrier = Carrier.objects.create(name="Yurtiçi Kargo")
    method = ShippingMethod.objects.create(
        carrier=carrier, name_tr="Standart", name_en="Standard", days_min=2, days_max=4
    )
    ShippingRate.objects.create(
        method=method,
        region=ShippingRegion.objects.create(name="Türkiye", countries="TR"),
        max_weight_grams=30000,
        price=Decimal("49.90"),
    )
    customer = UserFactory(verified=True, email="teslimat@example.com", language="tr")
    Address.objects.create(
        user=customer, label="Ev", full_name="Ayşe Yılmaz", phone="+905321234567",
        province="İzmir", district="Konak", neighbourhood="Alsancak",
        street="Kıbrıs Şehitleri Cad. 1", postal_code="35220",
        is_default_shipping=True, is_default_billing=True,
    )  # fmt: skip
    base = live_server.url
    errors = watch_for_errors(page)
    # The server's clock and the browser's read the same Monday morning.
    page.clock.set_fixed_time(MONDAY_MORNING)
    with time_machine.travel(MONDAY_MORNING, tick=True):
        log_in(page, base, customer.email)
        page.goto(f"{base}/p/masa-lambasi/")
        promise = page.locator("#delivery-promise")
        expect(promise.locator(".promise-arrives")).to_have_text(f"· teslimat: {PROMISED}")
        # The countdown (the page's script) in place of "Son sipariş saati: 15:00".
        expect(promise.locator(".promise-order-by")).to_have_text("3 sa 20 dk içinde sipariş verin")
        add_to_cart(page, f"{base}/p/masa-lambasi/", quantity=1, count_after=1)
        page.locator("#cart-link").click()
        expect(page.locator("#cart-promise .promise-arrives")).to_contain_text(PROMISED)

        page.locator("#cart .summary a.button").click()
        expect(page).to_have_url(f"{base}/checkout/")
        expect(page.locator(f"#method-promise-{method.pk}")).to_have_text(f"teslimat: {PROMISED}")
        page.locator("input[name=payment_method][value=cod]").check()
        expect(page.locator("input[name=payment_method][value=cod]")).to_be_checked()
        expect(page.locator("#grand-total")).to_have_text("₺189,80")  # re-priced in place
        page.locator("#id_accept_terms").check()
        page.locator("button[name=action][value=place]").click()

        number = page.locator("#order-number")
        expect(number).to_have_text(re.compile(r"^DK-"))
        expect(page.locator("#order-promise")).to_have_text(f"Teslimat: {PROMISED}")
    order = Order.objects.get(number=number.inner_text())
    assert (order.promised_from.isoformat(), order.promised_to.isoformat()) == (
        "2026-12-09",
        "2026-12-11",
    )
    assert errors == []
