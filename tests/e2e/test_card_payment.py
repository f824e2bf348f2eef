"""Paying by card in a real browser on a phone, with the fake Stripe server's Stripe.js.

A guest (English) buys a digital product: a declined card shows the bank's message, then a
3-D Secure card is authenticated on the same order. A signed-in customer (Turkish) pays with
a plain card. Each ends on the confirmation page with the order paid, its ledger rows and its
messages; the card number appears nowhere in our database or logs.
"""

import logging
import re
from decimal import Decimal

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from crm.notifications.models import Message
from orders.models import Order
from payments.models import PaymentEvent
from tests.factories import ProductFactory, UserFactory, VariantFactory

from .helpers import add_to_cart, enter_card, log_in, watch_for_errors

pytestmark = [pytest.mark.stripe, pytest.mark.django_db(transaction=True)]

DECLINED, THREE_D_SECURE, VISA = "4000000000000341", "4000002500003155", "4242424242424242"


@pytest.fixture
def card_shop(fake_stripe, settings):
    """A digital album, with the page's Content Security Policy naming the fake Stripe server."""
    csp = {key: list(value) for key, value in settings.SECURE_CSP.items()}
    for directive in ("script-src", "connect-src", "frame-src"):
        csp[directive].append(fake_stripe)
    settings.SECURE_CSP = csp
    album = ProductFactory(
        kind="digital", name_en="Jazz Album", name_tr="Caz Albümü",
        slug_en="jazz-album", slug_tr="caz-albumu",
    )  # fmt: skip
    VariantFactory(product=album, price=Decimal("45.00"), on_hand=0)
    return fake_stripe


def _enter_card(page: Page, number: str) -> None:
    enter_card(page, number)
    page.locator("#card-pay").click()


def _no_card_number_kept(*numbers: str, caplog) -> None:
    dump = []
    call_command("dumpdata", "payments", "orders", stdout=_Collect(dump))
    text = "".join(dump) + caplog.text
    for number in numbers:
        assert number not in text


class _Collect:
    def __init__(self, into: list[str]) -> None:
        self.into = into

    def write(self, text: str) -> None:
        self.into.append(text)

    def flush(self) -> None:
        pass


def fill_guest_contact_and_billing(page: Page) -> None:
    """The English checkout's contact and billing fields of the guest buying the album."""
    page.get_by_label("Email:").first.fill("dinleyici@example.com")
    page.get_by_label("Mobile phone:").first.fill("0532 123 45 67")
    billing = page.get_by_role("group", name="Billing")
    billing.get_by_label("Full name:").fill("Deniz Kaya")
    billing.get_by_label("Mobile phone:").fill("0532 123 45 67")
    billing.get_by_label("Province:").fill("Ankara")
    billing.get_by_label("District:").fill("Çankaya")
    billing.get_by_label("Neighbourhood:").fill("Kızılay")
    billing.get_by_label("Street address:").fill("Atatürk Blv. 1")
    billing.get_by_label("Postal code:").fill("06420")


def test_a_guest_pays_by_card_after_a_decline_with_3d_secure_in_english(
    page: Page, live_server, card_shop, caplog
):
    caplog.set_level(logging.DEBUG)
    errors = watch_for_errors(page)
    base = f"{live_server.url}/en"
    add_to_cart(page, f"{base}/p/jazz-album/", quantity=1, count_after=1)
    page.goto(f"{base}/checkout/")
    fill_guest_contact_and_billing(page)
    card_choice = page.get_by_role("radio", name=re.compile("Credit or debit card"))
    expect(card_choice).to_be_checked()
    page.get_by_label("I have read and accept").check()
    page.locator("#id_accept_digital_waiver").check()
    page.get_by_role("button", name="Place order with obligation to pay").click()

    expect(page.get_by_role("heading", name="Pay by card")).to_be_visible()
    number = page.locator("#order-number").inner_text()
    _enter_card(page, DECLINED)
    expect(page.get_by_text("Your card was declined.")).to_be_visible()
    order = Order.objects.get(number=number)
    assert order.status == "pending_payment"

    _enter_card(page, THREE_D_SECURE)
    page.get_by_role("button", name="Complete authentication").click()  # the card's setup
    expect(page.locator("#card-action")).to_be_attached()
    page.get_by_role("button", name="Complete authentication").click()  # the payment
    expect(page.get_by_role("heading", name="Thank you for your order")).to_be_visible()
    expect(page.get_by_text("your payment has been received")).to_be_visible()
    expect(page).to_have_url(f"{base}/orders/{number}/")
    assert errors == []

    order.refresh_from_db()
    assert (order.status, order.payment_status) == ("confirmed", "paid")
    attempts = list(order.payments.order_by("pk").values_list("status", flat=True))
    assert attempts == ["failed", "paid"]
    kinds = set(PaymentEvent.objects.filter(payment__order=order).values_list("kind", flat=True))
    assert kinds == {"failure", "action_required", "capture"}
    sent = Message.objects.filter(kind="order_confirmed", subject_id=str(order.pk))
    assert {m.channel for m in sent} == {"email", "sms"}
    _no_card_number_kept(DECLINED, THREE_D_SECURE, caplog=caplog)


def test_a_signed_in_customer_pays_by_card_in_turkish(page: Page, live_server, card_shop, caplog):
    caplog.set_level(logging.DEBUG)
    errors = watch_for_errors(page)
    customer = UserFactory(verified=True, email="kart@example.com", language="tr")
    base = live_server.url
    log_in(page, base, customer.email)

    add_to_cart(page, f"{base}/p/caz-albumu/", quantity=1, count_after=1)
    page.goto(f"{base}/checkout/")
    billing = page.locator("#bill-new")
    billing.locator("input[name=bill-full_name]").fill("Deniz Kaya")
    billing.locator("input[name=bill-phone]").fill("0532 123 45 67")
    billing.locator("input[name=bill-province]").fill("İzmir")
    billing.locator("input[name=bill-district]").fill("Konak")
    billing.locator("input[name=bill-neighbourhood]").fill("Alsancak")
    billing.locator("input[name=bill-street]").fill("Kıbrıs Şehitleri Cad. 1")
    billing.locator("input[name=bill-postal_code]").fill("35220")
    expect(page.locator("input[name=payment_method][value=card]")).to_be_checked()
    page.locator("#id_accept_terms").check()
    page.locator("#id_accept_digital_waiver").check()
    page.locator("button[name=action][value=place]").click()

    expect(page.locator("#card-element input")).to_have_count(5)
    expect(page.locator("html")).to_have_attribute("lang", "tr")
    number = page.locator("#order-number").inner_text()
    _enter_card(page, VISA)
    expect(page).to_have_url(f"{base}/orders/{number}/")
    expect(page.locator(".messages .success")).to_be_visible()
    assert errors == []

    order = Order.objects.get(number=number)
    assert (order.user, order.status, order.payment_status) == (customer, "confirmed", "paid")
    assert customer.stripe_customer.customer_id.startswith("cus_")
    capture = PaymentEvent.objects.get(payment__order=order, kind="capture")
    assert capture.amount == Decimal("45.00") and capture.reference.startswith("ch_")
    assert Message.objects.filter(kind="order_confirmed", subject_id=str(order.pk)).count() == 2
    _no_card_number_kept(VISA, caplog=caplog)
