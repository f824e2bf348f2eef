"""Staff money actions seen from both sides, in a real browser on a phone.

English: a customer pays by e-check at checkout; the order page says "E-check clearing" until
staff clear the check in the admin, then "Paid"; the account number is kept nowhere in plain.
Turkish: staff refund part of a card order from the order's admin page (amount and reason);
the customer sees the refund on the order page, the refund is at the fake Stripe server, and
the message log has the refund message.
"""

import logging
import re
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from playwright.sync_api import Browser, Page, expect

from crm.notifications.models import Message
from orders import services as order_services
from orders.models import Order
from payments.models import Refund
from tests.factories import ProductFactory, StaffFactory, UserFactory, VariantFactory
from tests.orders.helpers import cart_with, place
from tests.payments.browser_stand_in import confirm_card_setup
from tests.payments.browser_stand_in import fake_stripe as stripe_client

from .helpers import PHONE, add_to_cart, log_in, watch_for_errors
from .test_card_payment import _no_card_number_kept

pytestmark = [pytest.mark.stripe, pytest.mark.django_db(transaction=True)]


def _book(price: str = "80.00"):
    product = ProductFactory(
        kind="digital", name_en="Poetry E-book", name_tr="Şiir E-kitabı",
        slug_en="poetry-e-book", slug_tr="siir-e-kitabi",
    )  # fmt: skip
    return VariantFactory(product=product, price=Decimal(price), on_hand=0)


def _staff(email: str, language: str, *money_permissions: str):
    """A staff member holding only the money permissions named, not a superuser."""
    staff = StaffFactory(email=email, language=language, is_superuser=False)
    staff.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="payments", codename__in=money_permissions
        ),
        *Permission.objects.filter(codename__in=["view_order", "change_order", "view_payment"]),
    )
    return staff


def test_an_echeck_order_shows_clearing_until_staff_clear_it_in_english(
    page: Page, browser: Browser, live_server, caplog
):
    caplog.set_level(logging.DEBUG)
    errors = watch_for_errors(page)
    _book()
    customer = UserFactory(verified=True, email="echeck@example.com", language="en")
    base = f"{live_server.url}/en"
    log_in(page, base, customer.email)

    add_to_cart(page, f"{base}/p/poetry-e-book/", quantity=1, count_after=1)
    page.goto(f"{base}/checkout/")
    billing = page.locator("#bill-new")
    billing.locator("input[name=bill-full_name]").fill("Ayşe Yılmaz")
    billing.locator("input[name=bill-phone]").fill("0532 123 45 67")
    billing.locator("input[name=bill-province]").fill("İstanbul")
    billing.locator("input[name=bill-district]").fill("Kadıköy")
    billing.locator("input[name=bill-neighbourhood]").fill("Moda")
    billing.locator("input[name=bill-street]").fill("Caferağa Sok. 5/3")
    billing.locator("input[name=bill-postal_code]").fill("34710")
    page.get_by_role("radio", name=re.compile("E-check")).check()
    checks = page.locator("#echeck-fields")
    checks.get_by_label("Account holder:", exact=True).fill("Ayşe Yılmaz")
    checks.get_by_label("IBAN:", exact=True).fill("TR33 0006 1005 1978 6457 8413 26")
    checks.get_by_label("Sign: type the account holder's full name").fill("ayşe yılmaz")
    checks.get_by_label(re.compile("I authorise Dükkan")).check()
    page.locator("#id_accept_terms").check()
    page.locator("#id_accept_digital_waiver").check()
    page.locator("button[name=action][value=place]").click()

    expect(page).to_have_url(re.compile(r"/en/orders/[^/]+/$"))
    number = page.url.rstrip("/").rsplit("/", 1)[1]
    order_url = page.url
    payment = page.locator("section[aria-labelledby=payments-heading]")
    expect(payment).to_contain_text("E-check clearing")
    expect(page.get_by_text("1326")).to_have_count(0)  # the account is never shown in full

    _staff("cek@example.com", "en", "decide_echeck")
    staff_context = browser.new_context(viewport=PHONE, locale="en-US")
    staff = staff_context.new_page()
    log_in(staff, base, "cek@example.com")
    order = Order.objects.get(number=number)
    staff.goto(f"{base}/admin/orders/order/{order.pk}/change/")
    staff.locator("#payments-group").get_by_role("link", name=re.compile(r"^#\d+$")).click()
    staff.locator("#echeck-link").click()
    staff.get_by_label("The money arrived: clear it").check()
    staff.get_by_role("button", name="Save").click()
    expect(staff.locator(".messagelist")).to_contain_text("Paid")
    staff_context.close()

    page.goto(order_url)
    expect(payment).to_contain_text("Paid")
    expect(payment).not_to_contain_text("E-check clearing")
    assert errors == []
    # The account number is nowhere in the database or the logs after the journey.
    _no_card_number_kept("TR330006100519786457841326", "1978 6457 8413", caplog=caplog)


def test_staff_refund_part_of_a_card_order_and_the_customer_sees_it_in_turkish(
    page: Page, browser: Browser, live_server, fake_stripe
):
    book = _book("120.00")
    customer = UserFactory(verified=True, email="iade@example.com", language="tr")
    # Paid by card beforehand (the card journey itself is tests/e2e/test_card_payment.py).
    order = place(cart_with((book, 1), user=customer), payment_method="card", language="tr")
    form = order_services.order_card_form(order=order, user=customer)
    confirm_card_setup(fake_stripe, form.setup.setup_intent_id, "visa")
    order_services.order_card_pay(
        order=order, setup_intent_id=form.setup.setup_intent_id, user=customer
    )
    payment = order.payments.get()
    assert payment.status == "paid"
    base = live_server.url

    _staff("kasa@example.com", "tr", "refund_payment")
    staff_context = browser.new_context(viewport=PHONE, locale="tr-TR")
    staff = staff_context.new_page()
    log_in(staff, base, "kasa@example.com")
    change = f"{base}/admin/orders/order/{order.pk}/change/"
    staff.goto(change)
    staff.locator(f"#refund-{payment.pk}").click()
    amount = staff.get_by_label("İade edilecek tutar")
    expect(amount).to_have_value("120.00")  # the refundable amount, prefilled
    amount.fill("45.00")
    staff.get_by_label("Neden").fill("Kargoda hasar gördü")
    staff.get_by_role("button", name="İade", exact=True).click()
    expect(staff).to_have_url(change)
    expect(staff.locator(".messagelist")).to_contain_text("₺45,00")
    sent = staff.locator("table.messages-sent")  # the order's message log
    expect(sent.locator("tr", has_text="payment_refunded")).to_have_count(2)  # email and SMS
    staff_context.close()

    log_in(page, base, customer.email)
    page.goto(f"{base}/orders/{order.number}/")
    expect(page.locator("span.refund")).to_contain_text("iade edildi")
    expect(page.locator("span.refund")).to_contain_text("45")
    refund = Refund.objects.get(payment=payment)
    assert (refund.amount, refund.reason) == (Decimal("45.00"), "Kargoda hasar gördü")
    at_stripe = stripe_client(fake_stripe).v1.refunds.retrieve(refund.reference)
    assert (at_stripe.amount, at_stripe.payment_intent) == (4500, payment.reference)
    sms = Message.objects.get(kind="payment_refunded", channel="sms", subject_id=str(order.pk))
    assert order.number in sms.body_text
