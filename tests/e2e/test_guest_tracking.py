"""A guest, in Turkish on a phone, finds "Siparişinizi takip edin" at the foot of the home page,
then tracks the order from the link in its "shipped" email: the number is filled in, the guest
types only the email address and sees the parcel."""

import re

import pytest
from django.core import mail
from playwright.sync_api import Page, expect

from orders import services
from tests.orders.fulfilment_helpers import simulated_carrier
from tests.orders.helpers import cart_with, place, shipping_setup, stocked_variant

from .helpers import watch_for_errors

pytestmark = pytest.mark.django_db(transaction=True)

GUEST = "misafir@example.com"


def test_a_guest_finds_tracking_on_the_home_page_and_tracks_from_the_email(
    page: Page, live_server, settings
):
    settings.SITE_URL = live_server.url  # the links in the emails lead to this server
    shipping_setup()
    order = place(cart_with((stocked_variant(), 1)), email=GUEST, language="tr")
    services.checkout_payment_start(order=order)
    for status in ("preparing", "packed"):
        services.order_step(order=order, to=status)
    services.order_ship(order=order, carrier=simulated_carrier(), tracking_number="MSF-7")
    errors = watch_for_errors(page)

    page.goto(f"{live_server.url}/")
    expect(page.locator("html")).to_have_attribute("lang", "tr")
    footer_link = page.get_by_role("contentinfo").get_by_role(
        "link", name="Siparişinizi takip edin"
    )
    footer_link.click()
    expect(page.get_by_role("heading", name="Siparişinizi takip edin")).to_be_visible()
    expect(page.get_by_label("Sipariş numarası")).to_have_value("")

    (shipped,) = [m for m in mail.outbox if m.to == [GUEST] and "kargoya" in m.subject.lower()]
    link = re.search(r"https?://\S+/track/\?number=\S+", shipped.body).group(0)
    html = next(content for content, kind in shipped.alternatives if kind == "text/html")
    assert f'href="{link}"' in html
    page.goto(link)
    expect(page.get_by_label("Sipariş numarası")).to_have_value(order.number)
    email = page.get_by_label("E-posta adresi")
    expect(email).to_be_focused()
    email.fill(GUEST)
    page.get_by_role("button", name="Takip et").click()
    expect(page.locator("#tracked")).to_contain_text("MSF-7")
    expect(page.locator("#order-status")).to_have_text("Kargoya verildi")
    assert errors == []
