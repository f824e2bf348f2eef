"""From the product page to the confirmation page on a phone: a guest in English, a signed-in
customer in Turkish. Cash on delivery, a coupon, shipping and VAT; then the order, its event
and its confirmation messages are looked up where staff would find them."""

import re
from decimal import Decimal

import pytest
from django.core import mail
from playwright.sync_api import Browser, Page, expect

from crm.notifications.models import Message
from orders.models import (
    Address,
    Carrier,
    Coupon,
    Order,
    OrderEvent,
    ShippingMethod,
    ShippingRate,
    ShippingRegion,
)
from tests.factories import (
    DEFAULT_PASSWORD,
    ProductFactory,
    StaffFactory,
    UserFactory,
    VariantFactory,
)

from .helpers import PHONE, add_to_cart, log_in, watch_for_errors

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def shop():
    """A digital e-book, two physical products, one carrier for Turkey and a welcome coupon."""
    ebook = ProductFactory(
        kind="digital", name_en="Poetry E-book", name_tr="Şiir E-kitabı",
        slug_en="poetry-e-book", slug_tr="siir-e-kitabi",
    )  # fmt: skip
    VariantFactory(product=ebook, price=Decimal("50.00"), on_hand=0)
    lamp = ProductFactory(
        name_en="Desk Lamp", name_tr="Masa Lambası", slug_en="desk-lamp", slug_tr="masa-lambasi"
    )
    VariantFactory(product=lamp, price=Decimal("120.00"), on_hand=10, weight_grams=1500)
    notebook = ProductFactory(
        name_en="Notebook", name_tr="Defter", slug_en="notebook", slug_tr="defter"
    )
    VariantFactory(product=notebook, price=Decimal("80.00"), on_hand=10, weight_grams=300)
    carrier = Carrier.objects.create(name="Yurtiçi Kargo")
    turkey = ShippingRegion.objects.create(name="Türkiye", countries="TR")
    method = ShippingMethod.objects.create(carrier=carrier, name_tr="Standart", name_en="Standard")
    ShippingRate.objects.create(
        method=method, region=turkey, max_weight_grams=30000, price=Decimal("49.90")
    )
    Coupon.objects.create(code="HOSGELDIN10", kind="percent", value=Decimal("10"))
    return method


def _assert_order_recorded(order: Order, browser: Browser, base_url: str) -> None:
    """The order, its event and its confirmation messages, as staff see them."""
    event = OrderEvent.objects.get(order=order, to_status="confirmed")
    assert event.from_status in ("", "pending_payment")
    messages = Message.objects.filter(kind="order_confirmed", subject_id=str(order.pk))
    by_channel = {message.channel: message for message in messages}
    assert set(by_channel) == {"email", "sms"}
    assert by_channel["email"].recipient == order.email
    assert by_channel["sms"].recipient == order.phone
    assert order.number in by_channel["email"].body_text
    assert order.number in by_channel["sms"].body_text
    assert {message.status for message in messages} == {"sent"}
    assert [m for m in mail.outbox if m.to == [order.email] and order.number in m.body]

    StaffFactory(email=f"staff-{order.pk}@example.com")
    context = browser.new_context(viewport=PHONE, locale="en-US")
    admin = context.new_page()
    admin.goto(f"{base_url}/en/admin/login/")  # the shop's rate-limited login
    admin.get_by_label("Email:", exact=True).fill(f"staff-{order.pk}@example.com")
    admin.get_by_label("Password").fill(DEFAULT_PASSWORD)
    admin.get_by_role("button", name="Sign In").click()
    expect(admin.get_by_role("heading", name="Shop administration")).to_be_visible()
    admin.goto(f"{base_url}/en/admin/orders/order/")
    admin.get_by_role("link", name=order.number).click()
    expect(admin.get_by_role("heading", name=re.compile("Order events"))).to_be_visible()
    events = admin.locator("#events-group")
    expect(events).to_contain_text("Confirmed")
    admin.goto(f"{base_url}/en/admin/notifications/message/?kind=order_confirmed")
    rows = admin.locator("#result_list tbody tr")
    expect(rows.filter(has_text=order.email)).to_have_count(1)
    expect(rows.filter(has_text=order.phone)).to_have_count(1)
    context.close()


def test_guest_checks_out_with_cash_on_delivery_in_english(
    page: Page, browser: Browser, live_server, shop
):
    errors = watch_for_errors(page)
    base = f"{live_server.url}/en"

    # A digital product alone: nothing to deliver, so cash on delivery is offered but disabled.
    add_to_cart(page, f"{base}/p/poetry-e-book/", quantity=1, count_after=1)
    expect(page.locator("#add-status")).to_contain_text("Added to your cart.")
    page.get_by_role("link", name="View cart").click()
    expect(page.get_by_role("heading", name="Your cart")).to_be_visible()
    page.get_by_role("link", name="Go to checkout").click()
    expect(page.get_by_role("heading", name="Checkout", level=1)).to_be_visible()
    page.wait_for_load_state("load")  # htmx is deferred: the province's change needs it set up
    expect(page.get_by_text("Delivery address", exact=True)).to_have_count(0)
    cod = page.locator("input[name=payment_method][value=cod]")
    expect(cod).to_be_disabled()
    expect(page.locator("#pm-cod-why")).to_have_text(
        "Cash on delivery is not available for digital products."
    )
    expect(cod).to_have_attribute("aria-describedby", "pm-cod-why")
    # A card pays for it instead (the card journey is tests/e2e/test_card_payment.py).
    expect(page.locator("input[name=payment_method][value=card]")).to_be_checked()

    # Back to the cart: remove it (htmx swaps the cart and the header count in place).
    page.locator("#cart-link").click()
    page.evaluate("window.__stillHere = true")
    page.get_by_role("button", name="Remove Poetry E-book").click()
    expect(page.get_by_text("Your cart is empty.")).to_be_visible()
    expect(page.locator("#cart-count")).to_have_text("0")
    assert page.evaluate("window.__stillHere === true")

    # Physical products, then the coupon.
    add_to_cart(page, f"{base}/p/desk-lamp/", quantity=2, count_after=2)
    add_to_cart(page, f"{base}/p/notebook/", quantity=1, count_after=3)
    page.locator("#cart-link").click()
    expect(page.locator(".cart-line")).to_have_count(2)
    page.get_by_label("Coupon code").fill("hosgeldin10")
    page.get_by_role("button", name="Apply").click()
    expect(page.get_by_text("The code has been applied.")).to_be_visible()
    expect(page.locator(".coupon")).to_contain_text("HOSGELDIN10")
    totals = page.locator("dl.totals")
    expect(totals).to_contain_text("Discount")
    expect(totals).to_contain_text("−₺32.00")  # 10% of 2 × 120 + 80
    expect(page.locator("#grand-total")).to_have_text("₺288.00")

    # Checkout: contact and delivery address; the province brings the shipping options in.
    page.get_by_role("link", name="Go to checkout").click()
    expect(page.get_by_role("heading", name="Checkout", level=1)).to_be_visible()
    page.wait_for_load_state("load")  # htmx is deferred: the province's change needs it set up
    expect(page.get_by_text("Enter your delivery address (province)")).to_be_visible()
    page.evaluate("window.__stillHere = true")
    contact = page.get_by_role("group", name="Contact")
    contact.get_by_label("Email:").fill("misafir@example.com")
    contact.get_by_label("Mobile phone:").fill("0532 123 45 67")
    delivery = page.get_by_role("group", name="Delivery address")
    delivery.get_by_label("Full name:").fill("Ayşe Yılmaz")
    delivery.get_by_label("Mobile phone:").fill("0532 123 45 67")
    delivery.get_by_label("Province:").fill("istanbul")
    delivery.get_by_label("District:").fill("Kadıköy")  # leaving the province refreshes (htmx)
    delivery.get_by_label("Neighbourhood:").fill("Moda")
    delivery.get_by_label("Street address:").fill("Caferağa Sok. 5/3")
    delivery.get_by_label("Postal code:").fill("34710")

    standard = page.get_by_role("radio", name=re.compile(r"Standard — ₺49\.90"))
    expect(standard).to_be_checked()
    assert page.evaluate("window.__stillHere === true"), "the page reloaded instead of swapping"
    expect(page.locator("#id_billing_same")).to_be_checked()
    cod = page.get_by_role("radio", name=re.compile("Cash on delivery"))
    expect(cod).to_be_enabled()
    cod.check()  # card comes first; choosing cash on delivery re-prices in place (htmx)
    expect(cod).to_be_checked()
    totals = page.locator("#checkout-live dl.totals")
    expect(totals).to_contain_text("Shipping₺49.90")
    expect(totals).to_contain_text("Cash on delivery fee₺19.90")
    expect(totals).to_contain_text("Discount−₺32.00")
    expect(totals.locator("dt.vat")).to_have_text("incl. VAT 20%")
    expect(page.locator("#grand-total")).to_have_text("₺357.80")  # 288 + 49.90 + 19.90

    # The contract documents can be read before accepting them.
    documents = page.locator("#checkout-live section.legal details")
    expect(documents).to_have_count(2)
    contract = documents.filter(has_text="Distance sales contract")
    contract.locator("summary").click()
    expect(contract.locator(".legal-text")).to_be_visible()
    expect(contract.locator(".legal-text")).to_contain_text("Ayşe Yılmaz")
    page.get_by_label("I have read and accept").check()
    page.get_by_role("button", name="Place order with obligation to pay").click()

    expect(page.get_by_role("heading", name="Thank you for your order")).to_be_visible()
    number = page.locator("#order-number").inner_text()
    expect(page).to_have_url(f"{base}/orders/{number}/")
    expect(page.get_by_text("Pay ₺357.80 to the courier at delivery")).to_be_visible()
    expect(page.locator("main")).to_contain_text("Cash on delivery fee")  # as the checkout said
    expect(page.locator("#cart-count")).to_have_text("0")
    assert errors == []

    order = Order.objects.get(number=number)
    assert order.user is None
    assert (order.email, order.phone, order.language) == (
        "misafir@example.com", "+905321234567", "en",
    )  # fmt: skip
    assert (order.status, order.payment_method, order.payment_status) == (
        "confirmed", "cod", "cod_due",
    )  # fmt: skip
    assert (order.coupon_code, order.discount, order.total) == (
        "HOSGELDIN10", Decimal("32.00"), Decimal("357.80"),
    )  # fmt: skip
    assert order.shipping_address["province"] == "İstanbul"
    assert sorted((line.product_name, line.quantity) for line in order.lines.all()) == [
        ("Desk Lamp", 2),
        ("Notebook", 1),
    ]
    _assert_order_recorded(order, browser, live_server.url)


def test_signed_in_customer_checks_out_from_a_saved_address_in_turkish(
    page: Page, browser: Browser, live_server, shop
):
    """Turkish pages; asserted on structure and values, not on words still being translated."""
    errors = watch_for_errors(page)
    customer = UserFactory(verified=True, email="musteri@example.com", language="tr")
    home = Address.objects.create(
        user=customer, label="Ev", full_name="Ayşe Yılmaz", phone="+905321234567",
        province="İzmir", district="Konak", neighbourhood="Alsancak",
        street="Kıbrıs Şehitleri Cad. 1", postal_code="35220",
        is_default_shipping=True, is_default_billing=True,
    )  # fmt: skip
    base = live_server.url

    log_in(page, base, customer.email)
    expect(page.locator("html")).to_have_attribute("lang", "tr")

    add_to_cart(page, f"{base}/p/masa-lambasi/", quantity=1, count_after=1)
    add_to_cart(page, f"{base}/p/defter/", quantity=3, count_after=4)
    page.locator("#cart-link").click()
    expect(page).to_have_url(f"{base}/cart/")
    expect(page.locator(".cart-line")).to_have_count(2)
    page.locator("#coupon-code").fill("HOSGELDIN10")
    page.locator("form.coupon-form button[type=submit]").click()
    expect(page.locator(".coupon strong")).to_have_text("HOSGELDIN10")
    expect(page.locator("#cart dl.totals")).to_contain_text("−₺36,00")  # 10% of 120 + 3 × 80
    expect(page.locator("#grand-total")).to_have_text("₺324,00")

    page.locator("#cart .summary a.button").click()
    expect(page).to_have_url(f"{base}/checkout/")
    expect(page.locator("#id_email")).to_have_value(customer.email)
    saved = page.locator(f"input[name=shipping_choice][value='{home.pk}']")
    expect(saved).to_be_checked()
    expect(page.locator("input[name=shipping_choice][value=new]")).not_to_be_checked()
    expect(page.locator(f"input[name=shipping_method][value='{shop.pk}']")).to_be_checked()
    page.locator("input[name=payment_method][value=cod]").check()
    expect(page.locator("input[name=payment_method][value=cod]")).to_be_checked()
    totals = page.locator("#checkout-live dl.totals")
    expect(totals).to_contain_text("₺49,90")  # shipping
    expect(totals).to_contain_text("₺19,90")  # cash on delivery fee
    expect(totals).to_contain_text("−₺36,00")
    expect(totals.locator("dd.vat")).to_have_count(1)
    expect(totals.locator("dt.vat")).to_contain_text("20")
    expect(page.locator("#grand-total")).to_have_text("₺393,80")  # 324 + 49.90 + 19.90

    # Switching to a new address and back re-renders the live part in place (htmx).
    page.evaluate("window.__stillHere = true")
    live = page.locator("#checkout-live")
    for choice in (page.locator("input[name=shipping_choice][value=new]"), saved):
        live.evaluate("node => node.setAttribute('data-stale', '')")
        choice.check()
        expect(page.locator("#checkout-live[data-stale]")).to_have_count(0)
    expect(page.locator(f"input[name=shipping_method][value='{shop.pk}']")).to_be_checked()
    expect(page.locator("#grand-total")).to_have_text("₺393,80")
    assert page.evaluate("window.__stillHere === true"), "the page reloaded instead of swapping"

    documents = page.locator("#checkout-live section.legal details")
    expect(documents).to_have_count(2)
    documents.first.locator("summary").click()
    expect(documents.first.locator(".legal-text")).to_contain_text("Kıbrıs Şehitleri Cad. 1")
    page.locator("#id_accept_terms").check()
    page.locator("button[name=action][value=place]").click()

    number_shown = page.locator("#order-number")
    expect(number_shown).to_have_text(re.compile(r"^DK-[A-Z0-9]{4}-[A-Z0-9]{4}$"))
    number = number_shown.inner_text()
    expect(page).to_have_url(f"{base}/orders/{number}/")
    expect(page.locator("html")).to_have_attribute("lang", "tr")
    expect(page.locator("main address")).to_contain_text("Kıbrıs Şehitleri Cad. 1")
    expect(page.locator("#cart-count")).to_have_text("0")
    assert errors == []

    order = Order.objects.get(number=number)
    assert (order.user, order.email, order.phone, order.language) == (
        customer, customer.email, "+905321234567", "tr",
    )  # fmt: skip
    assert (order.status, order.payment_method, order.payment_status) == (
        "confirmed", "cod", "cod_due",
    )  # fmt: skip
    assert (order.coupon_code, order.discount, order.total) == (
        "HOSGELDIN10", Decimal("36.00"), Decimal("393.80"),
    )  # fmt: skip
    assert order.shipping_address["province"] == "İzmir"
    assert order.billing_address["street"] == "Kıbrıs Şehitleri Cad. 1"
    assert Address.objects.filter(user=customer).count() == 1  # nothing new was saved
    _assert_order_recorded(order, browser, live_server.url)
