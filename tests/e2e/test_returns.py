"""A return in Turkish on a phone: after delivery the customer withdraws one line of two from
the order's page within the period, staff receive and refund it in the admin, and the customer
sees the partial refund and the credit note on the order's page."""

import pytest
from playwright.sync_api import Browser, Page, expect

from orders.models import Return
from tests.factories import StaffFactory, UserFactory
from tests.orders.helpers import shipping_setup, stocked_variant
from tests.orders.returns_helpers import delivered_order

from .helpers import PHONE
from .test_fulfilment import _log_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_customer_returns_one_line_and_sees_the_partial_refund_and_credit_note(
    page: Page, browser: Browser, live_server
):
    shipping_setup()
    customer = UserFactory(verified=True, email="iade@example.com", language="tr")
    shirt = stocked_variant(product__name_tr="Keten gömlek", product__name_en="Linen shirt")
    mug = stocked_variant(price="40.00", product__name_tr="Kupa", product__name_en="Mug")
    order = delivered_order((shirt, 1), (mug, 1), user=customer, language="tr")
    base = live_server.url
    order_url = f"{base}/orders/{order.number}/"

    _log_in(page, base, customer.email)
    page.goto(order_url)
    page.get_by_role("link", name="İade talep et").click()
    expect(page.locator("#return-kind")).to_contain_text("gerekçe göstermeden")
    page.get_by_label("Keten gömlek").fill("1")
    # Paid in cash: a bank transfer unless she chooses store credit, as she does here.
    page.get_by_label("Mağaza kredisi (ön ödemeli bakiyem)").check()
    page.get_by_role("button", name="Cayma bildirimini gönder").click()
    order_return = Return.objects.get(order=order)
    expect(page.locator("#returns .return-code")).to_have_text(order_return.number)
    expect(page.locator("#order-status")).to_have_text("İade talep edildi")
    expect(page.get_by_role("link", name="İade talep et")).to_be_visible()  # the mug may follow

    StaffFactory(email="iadeler@example.com", language="tr")
    staff_context = browser.new_context(viewport=PHONE, locale="tr-TR")
    staff = staff_context.new_page()
    _log_in(staff, base, "iadeler@example.com")
    staff.goto(f"{base}/admin/orders/return/?due=open")
    staff.get_by_role("link", name=order_return.number).click()
    staff.get_by_label("1 × Keten gömlek").select_option("sellable")
    staff.locator("button[name=act][value=receive]").click()
    expect(staff.locator(".messagelist")).to_contain_text("Teslim alındı ve incelendi")
    staff.locator("button[name=act][value=refund]").click()
    expect(staff.locator(".messagelist")).to_contain_text("İade edildi")
    staff_context.close()

    page.goto(order_url)
    expect(page.locator("#order-status")).to_have_text("Teslim edildi")
    expect(page.locator("#returns .return-refund")).to_contain_text("iade edildi")
    expect(page.locator(".payments")).to_contain_text("Kısmen iade edildi")
    credit_note = page.locator("a.credit-note-link")
    expect(credit_note).to_have_count(1)
    response = page.request.get(base + credit_note.get_attribute("href"))
    assert response.ok and response.body().startswith(b"%PDF")
