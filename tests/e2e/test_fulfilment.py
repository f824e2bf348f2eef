"""After the purchase, in Turkish on a phone: staff move an order through every step in the
admin (with a parcel and its tracking number), the simulated carrier delivers it, and the
customer's order page shows each step; the message log has a message per step. A guest tracks
an order by number and email; a customer downloads a digital product from the order page."""

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from crm.notifications.models import Message
from orders import services
from orders.tasks import poll_carriers
from tests.factories import StaffFactory, UserFactory
from tests.orders.fulfilment_helpers import digital_variant, pay, simulated_carrier
from tests.orders.helpers import cart_with, place, shipping_setup, stocked_variant

from .helpers import PHONE, log_in

pytestmark = pytest.mark.django_db(transaction=True)


def _log_in(page: Page, base: str, email: str) -> None:
    log_in(page, base, email)
    expect(page.locator("html")).to_have_attribute("lang", "tr")


def _current_step(page: Page, url: str, status: str) -> None:
    page.goto(url)
    expect(page.locator("ol.timeline li.current")).to_have_attribute("data-status", status)


def test_staff_ship_the_carrier_delivers_and_the_customer_follows_in_turkish(
    page: Page, browser: Browser, live_server
):
    shipping_setup()
    carrier = simulated_carrier(name="Simüle Kargo")
    customer = UserFactory(verified=True, email="takip@example.com", language="tr")
    order = place(cart_with((stocked_variant(), 2), user=customer), language="tr")
    services.checkout_payment_start(order=order)
    base = live_server.url
    order_url = f"{base}/orders/{order.number}/"

    _log_in(page, base, customer.email)
    page.goto(f"{base}/account/orders/")
    page.get_by_role("link", name=order.number).click()
    expect(page.get_by_role("heading", name=f"Sipariş {order.number}")).to_be_visible()
    expect(page.locator("ol.timeline li.current")).to_have_attribute("data-status", "confirmed")
    expect(page.locator("#order-live")).to_have_attribute("hx-trigger", "every 30s")

    StaffFactory(email="depo@example.com", language="tr")
    staff_context = browser.new_context(viewport=PHONE, locale="tr-TR")
    staff = staff_context.new_page()
    _log_in(staff, base, "depo@example.com")
    change = f"{base}/admin/orders/order/{order.pk}/change/"
    for status in ("preparing", "packed"):
        staff.goto(change)
        expect(staff.locator("button[name=step][value=delivered]")).to_have_count(0)
        staff.locator(f"button[name=step][value={status}]").click()
        expect(staff.locator(".messagelist")).to_be_visible()
        _current_step(page, order_url, status)

    staff.goto(change)
    staff.locator("a.button[href*='/ship/']").click()
    staff.get_by_label(f"Kargo firması {order.number}").select_option(label="Simüle Kargo")
    staff.get_by_label(f"Takip numarası {order.number}").fill("SK123456")
    staff.locator("button[name=ship]").click()
    expect(staff.locator("#shipments-group")).to_contain_text("SK123456")
    _current_step(page, order_url, "shipped")
    expect(page.get_by_role("link", name="SK123456")).to_have_attribute(
        "href", "https://kargo.example/t/SK123456"
    )

    for status in ("in_transit", "out_for_delivery", "delivered"):
        poll_carriers()  # the periodic task, driven by the test
        _current_step(page, order_url, status)
    expect(page.locator("#order-live")).not_to_have_attribute("hx-trigger", re.compile(".*"))
    expect(page.locator("ol.timeline li.done")).to_have_count(7)
    expect(page.locator("ol.timeline time")).to_have_count(7)
    expect(page.locator("#invoice-link")).to_be_visible()

    staff.goto(change)
    sent = staff.locator("table.messages-sent")
    for kind in ("order_confirmed", "order_shipped", "order_out_for_delivery", "order_delivered"):
        expect(sent.locator("tr", has_text=kind)).to_have_count(2)  # email and SMS
    staff.goto(f"{base}/admin/notifications/message/?subject_id={order.pk}")
    expect(staff.locator("#result_list tbody tr")).to_have_count(8)
    staff_context.close()
    assert carrier.shipments.get().status == "delivered"
    assert Message.objects.filter(subject_id=str(order.pk), channel="email").count() == 4


def test_a_guest_tracks_an_order_by_number_and_email(page: Page, live_server):
    shipping_setup()
    order = place(cart_with((stocked_variant(), 1)), email="misafir@example.com", language="tr")
    services.checkout_payment_start(order=order)
    for status in ("preparing", "packed"):
        services.order_step(order=order, to=status)
    services.order_ship(order=order, carrier=simulated_carrier(), tracking_number="MSF-1")

    page.goto(f"{live_server.url}/track/")
    page.get_by_label("Sipariş numarası").fill(order.number)
    page.get_by_label("E-posta adresi").fill("baska@example.com")
    page.locator("button[name=track]").click()
    expect(page.locator("#track-error")).to_be_visible()
    expect(page.locator("#tracked")).to_have_count(0)

    page.get_by_label("Sipariş numarası").fill(order.number)
    page.get_by_label("E-posta adresi").fill("misafir@example.com")
    page.locator("button[name=track]").click()
    expect(page.locator("#tracked")).to_contain_text("MSF-1")
    expect(page.locator("#order-status")).to_have_text("Kargoya verildi")


def test_a_digital_product_is_downloaded_from_the_order_page(page: Page, live_server):
    shipping_setup()
    customer = UserFactory(verified=True, email="okur@example.com", language="tr")
    order = place(
        cart_with((digital_variant(content=b"%PDF-1.4 siirler"), 1), user=customer),
        payment_method="card",
        language="tr",
    )
    pay(order)

    _log_in(page, live_server.url, customer.email)
    page.goto(f"{live_server.url}/orders/{order.number}/")
    expect(page.locator("ol.timeline li.current")).to_have_attribute("data-status", "delivered")
    with page.expect_download() as download_info:
        page.locator("ul.downloads a").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".pdf")
    with open(download.path(), "rb") as handle:
        assert handle.read() == b"%PDF-1.4 siirler"
