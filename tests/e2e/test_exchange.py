"""An exchange in English on a phone: after delivery the customer picks another size of the
shirt in the returns portal, lands on the new order (which names the one it replaces), and
finds it on My orders."""

from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect

from orders.models import Order
from tests.factories import ProductFactory, UserFactory, VariantFactory
from tests.orders.helpers import shipping_setup
from tests.orders.returns_helpers import delivered_order

from .helpers import log_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_customer_picks_another_size_and_sees_the_replacement_on_my_orders(
    page: Page, live_server
):
    shipping_setup()
    shirt = ProductFactory(name_tr="Keten gömlek", name_en="Linen shirt")
    medium = VariantFactory(product=shirt, sku="SHIRT-M", price=Decimal("100.00"), position=1)
    VariantFactory(product=shirt, sku="SHIRT-L", price=Decimal("100.00"), position=2)
    customer = UserFactory(verified=True, email="exchange@example.com", language="en")
    order = delivered_order((medium, 1), user=customer, language="en")
    base = f"{live_server.url}/en"

    log_in(page, base, customer.email)
    page.goto(f"{base}/orders/{order.number}/")
    page.get_by_role("link", name="Exchange for another size or colour").click()
    expect(page.locator("#exchange-terms")).to_contain_text("another one of the same product")
    page.get_by_label("Instead of Linen shirt").select_option(label="SHIRT-L — ₺100.00")
    page.get_by_label("Why do you want another one?").select_option("wrong_size")
    page.get_by_role("button", name="Exchange these items").click()

    replacement = Order.objects.get(replacement_for=order)
    expect(page.locator("#order-number")).to_have_text(replacement.number)
    expect(page.locator("ul.messages")).to_contain_text(f"{order.number}-R1")
    page.locator("details.history summary").click()
    expect(page.locator("a.exchange-link")).to_have_text(order.number)

    page.goto(f"{base}/account/orders/")
    row = page.locator(".order-list li").filter(has_text=replacement.number)
    expect(row).to_contain_text("Exchange")
    expect(row).to_contain_text("Confirmed")
