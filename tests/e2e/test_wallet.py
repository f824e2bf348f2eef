"""The wallet, the balance and the tab in a real browser on a phone, with the fake Stripe.js.

English: a customer saves a card in "My wallet", buys a past order again in one click from
"My orders", tops up the balance with the saved card and pays an order from the balance.
Turkish: three small digital items go on the tab; the third reaches the threshold, the tab is
settled with one charge and "My tab" shows it paid.
English: a tab whose settlement was declined is paid on "My tab" with another card that asks
for 3-D Secure.
"""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect

from orders import services as order_services
from orders.models import Order
from payments.models import Payment, PaymentPurpose, Tab
from payments.services import balance_of, tab_settle
from tests.factories import ProductFactory, UserFactory, VariantFactory
from tests.orders.helpers import cart_with, place, turkish_address
from tests.payments.test_wallet_and_tab import save_card

from .helpers import add_to_cart, enter_card, log_in, watch_for_errors

pytestmark = [pytest.mark.stripe, pytest.mark.django_db(transaction=True)]

VISA = "4242424242424242"


@pytest.fixture
def card_shop(fake_stripe, settings) -> str:
    """The page's Content Security Policy names the fake Stripe server."""
    csp = {key: list(value) for key, value in settings.SECURE_CSP.items()}
    for directive in ("script-src", "connect-src", "frame-src"):
        csp[directive].append(fake_stripe)
    settings.SECURE_CSP = csp
    return fake_stripe


def _item(name_en: str, name_tr: str, slug: str, price: str):
    product = ProductFactory(
        kind="digital", name_en=name_en, name_tr=name_tr, slug_en=slug, slug_tr=slug
    )
    return VariantFactory(product=product, price=Decimal(price), on_hand=0)


def _customer(language: str):
    customer = UserFactory(verified=True, email=f"cuzdan-{language}@example.com", language=language)
    order_services.address_save(
        address=turkish_address(user=customer), default_shipping=True, default_billing=True
    )
    return customer


def test_save_a_card_buy_again_top_up_and_pay_from_the_balance_in_english(
    page: Page, live_server, card_shop
):
    errors = watch_for_errors(page)
    customer = _customer("en")
    song = _item("Night Song", "Gece Şarkısı", "night-song", "25.00")
    past = place(cart_with((song, 1), user=customer), payment_method="card", language="en")
    _item("Short Story", "Kısa Öykü", "short-story", "40.00")
    base = f"{live_server.url}/en"
    log_in(page, base, customer.email)

    page.goto(f"{base}/account/addresses/")
    page.get_by_role("link", name="My wallet").click()
    page.get_by_role("link", name="Add a card").click()
    enter_card(page, VISA)
    page.get_by_role("button", name="Save the card").click()
    expect(page.get_by_text("Your card ending 4242 is saved.")).to_be_visible()
    expect(page.get_by_text("Default card")).to_be_visible()

    page.goto(f"{base}/account/orders/")
    page.get_by_role("button", name=f"Buy again {past.number}").click()
    expect(page.get_by_role("heading", name="Buy now")).to_be_visible()
    expect(page.locator("#express-card")).to_have_text(re.compile("4242"))
    page.locator("#buy-now").click()
    expect(page.get_by_role("heading", name="Thank you for your order")).to_be_visible()
    again = Order.objects.exclude(pk=past.pk).get()
    assert (again.payment_method, again.payment_status) == ("wallet", "paid")

    page.goto(f"{base}/account/balance/")
    page.get_by_role("button", name="₺100.00").click()
    page.locator("#saved-pay").click()
    expect(page.get_by_text("Your balance has been topped up.")).to_be_visible()
    expect(page.locator("#balance")).to_have_text("₺100.00")

    add_to_cart(page, f"{base}/p/short-story/", quantity=1, count_after=1)
    page.goto(f"{base}/checkout/")
    page.get_by_role("radio", name=re.compile("Prepaid balance")).check()
    page.wait_for_load_state("networkidle")  # the page is refreshed for the chosen method
    page.locator("#id_accept_terms").check()
    page.locator("#id_accept_digital_waiver").check()
    page.locator("button[name=action][value=place]").click()
    expect(page.get_by_role("heading", name="Thank you for your order")).to_be_visible()
    page.goto(f"{base}/account/balance/")
    expect(page.locator("#balance")).to_have_text("₺60.00")
    assert errors == []
    assert balance_of(user_id=customer.pk) == Decimal("60.00")
    paid = Order.objects.get(payment_method="stored_value")
    assert (paid.status, paid.payment_status) == ("confirmed", "paid")


def test_three_small_items_on_the_tab_settle_at_the_threshold_in_turkish(
    page: Page, live_server, card_shop, settings
):
    settings.TAB_SETTLE_THRESHOLD = "100.00"
    errors = watch_for_errors(page)
    customer = _customer("tr")
    save_card(card_shop, customer)
    items = [
        _item("Song", "Şarkı", "sarki", "30.00"),
        _item("Article", "Makale", "makale", "30.00"),
        _item("Template", "Şablon", "sablon", "45.00"),
    ]
    base = live_server.url
    log_in(page, base, customer.email)
    for slug in ("sarki", "makale", "sablon"):
        add_to_cart(page, f"{base}/p/{slug}/", quantity=1, count_after=1)
        page.goto(f"{base}/checkout/")
        page.locator("input[name=payment_method][value=micropayment]").check()
        page.wait_for_load_state("networkidle")
        page.locator("#id_accept_terms").check()
        page.locator("#id_accept_digital_waiver").check()
        page.locator("button[name=action][value=place]").click()
        expect(page.locator("#order-number")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "tr")

    page.goto(f"{base}/account/tab/")
    expect(page.get_by_role("heading", name="Açık hesabım")).to_be_visible()
    paid_tab = page.locator(".paid-tab")
    expect(paid_tab).to_have_count(1)
    expect(paid_tab.locator(".tab-total")).to_have_text("₺105,00")
    expect(paid_tab.locator("li")).to_have_count(3)
    assert errors == []
    assert Tab.objects.get().status == "settled"
    settlement = Payment.objects.get(purpose=PaymentPurpose.TAB_SETTLEMENT)
    assert settlement.status == "paid" and settlement.amount == Decimal("105.00")
    assert (
        Payment.objects.filter(purpose="order", status="paid", method="micropayment").count() == 3
    )
    assert len(items) == 3


def test_a_declined_tab_is_paid_on_my_tab_with_a_3d_secure_card_in_english(
    page: Page, live_server, card_shop, settings
):
    settings.TAB_SETTLE_THRESHOLD = "1000.00"
    errors = watch_for_errors(page)
    customer = _customer("en")
    save_card(card_shop, customer, "declined")
    orders = [
        place(
            cart_with((_item(name, name, slug, "20.00"), 1), user=customer),
            payment_method="micropayment",
        )
        for name, slug in (("Poem", "poem"), ("Sketch", "sketch"))
    ]
    tab_settle(tab_id=Tab.objects.get().pk)  # the periodic job: the saved card is declined
    assert Tab.objects.get().status == "blocked"
    base = f"{live_server.url}/en"
    log_in(page, base, customer.email)

    page.goto(f"{base}/account/tab/")
    expect(page.get_by_text("The payment of your tab was declined.")).to_be_visible()
    page.get_by_role("link", name="Pay the tab with another card").click()
    enter_card(page, "4000002760003184")
    page.get_by_role("button", name="Pay ₺40.00").click()
    page.get_by_role("button", name="Complete authentication").click()  # the card's setup
    expect(page.locator("#card-action")).to_be_attached()
    page.get_by_role("button", name="Complete authentication").click()  # the payment
    expect(page.get_by_text("Thank you: your tab is paid.")).to_be_visible()
    expect(page.locator(".paid-tab .tab-total")).to_have_text("₺40.00")
    assert errors == []
    assert Tab.objects.get().status == "settled"
    for order in orders:
        order.refresh_from_db()
        assert order.payment_status == "paid"
