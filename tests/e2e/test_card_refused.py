"""A card the bank refuses while Stripe.js sets it up, in a real browser (English): the shopper
reads the refusal, pays with another card, and the order's page lists both attempts."""

import re

import pytest
from playwright.sync_api import Page, expect

from orders.models import Order

from .helpers import add_to_cart, enter_card, watch_for_errors
from .test_card_payment import card_shop, fill_guest_contact_and_billing  # noqa: F401

pytestmark = [pytest.mark.stripe, pytest.mark.django_db(transaction=True)]

REFUSED_AT_SETUP, VISA = "4000000000000002", "4242424242424242"


def test_a_card_refused_in_the_browser_stays_in_the_payment_history(
    page: Page,
    live_server,
    card_shop,  # noqa: F811
):
    errors = watch_for_errors(page)
    base = f"{live_server.url}/en"
    add_to_cart(page, f"{base}/p/jazz-album/", quantity=1, count_after=1)
    page.goto(f"{base}/checkout/")
    fill_guest_contact_and_billing(page)
    page.get_by_label("I have read and accept").check()
    page.locator("#id_accept_digital_waiver").check()
    page.get_by_role("button", name="Place order with obligation to pay").click()
    expect(page.get_by_role("heading", name="Pay by card")).to_be_visible()
    number = page.locator("#order-number").inner_text()

    enter_card(page, REFUSED_AT_SETUP)
    page.locator("#card-pay").click()
    expect(page.get_by_text("Your card was declined.")).to_be_visible()
    expect(page.get_by_role("heading", name="Pay by card")).to_be_visible()
    order = Order.objects.get(number=number)
    assert list(order.payments.values_list("status", flat=True)) == ["failed"]

    enter_card(page, VISA)
    page.locator("#card-pay").click()
    expect(page.get_by_role("heading", name="Thank you for your order")).to_be_visible()
    history = page.locator("ul.payments li")
    expect(history).to_have_count(2)
    expect(history.nth(0)).to_contain_text("Paid")
    expect(history.nth(1)).to_contain_text(re.compile(r"Failed — Your card was declined\."))
    # Stripe's answer to the refused card is a 402 the browser logs; nothing else went wrong.
    assert [error for error in errors if "402 (Payment Required)" not in error] == []
