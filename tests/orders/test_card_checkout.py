"""Paying an order by card over HTTP, with the fake Stripe server standing in for Stripe."""

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from crm.notifications.models import Message
from orders.links import order_pay_url
from orders.models import Order
from orders.states import OrderStatus
from payments.models import PaymentEvent
from payments.states import PaymentStatus
from tests.payments.browser_stand_in import authenticate_payment, confirm_card_setup

from .test_pages import ADDRESS, BILLING, add, checkout_form, digital, physical, place

pytestmark = [pytest.mark.stripe, pytest.mark.django_db]


def _secret(response) -> str:
    html = response.content.decode()
    match = re.search(r'data-client-secret="([^"]+)"', html)
    assert match, html[:2000]
    return match[1]


def _buy_digital_by_card(client) -> tuple[Order, str]:
    add(client, digital("39.90"), 1)
    response = place(client, None, payment_method="card", accept_digital_waiver="on", **BILLING)
    order = Order.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("orders:pay", args=[order.number])
    assert order.status == OrderStatus.PENDING_PAYMENT
    return order, response["Location"]


def _enter_card(client, fake_stripe: str, pay_url: str, card: str):
    page = client.get(pay_url)
    assert page.status_code == 200
    setup_intent = _secret(page).split("_secret_")[0]
    confirm_card_setup(fake_stripe, setup_intent, card)
    return client.post(pay_url, {"action": "pay", "setup_intent": setup_intent})


def test_a_guest_buys_a_digital_product_by_card(
    client, fake_stripe, django_capture_on_commit_callbacks
):
    order, pay_url = _buy_digital_by_card(client)
    with django_capture_on_commit_callbacks(execute=True):
        response = _enter_card(client, fake_stripe, pay_url, "visa")
    assert response["Location"] == reverse("orders:confirmation", args=[order.number])
    order.refresh_from_db()
    assert (order.status, order.payment_status) == (OrderStatus.CONFIRMED, PaymentStatus.PAID)
    capture = PaymentEvent.objects.get(kind=PaymentEvent.Kind.CAPTURE)
    assert capture.payment.order == order and capture.reference.startswith("ch_")
    assert Message.objects.filter(kind="order_confirmed", subject_id=str(order.pk)).exists()
    page = client.get(response["Location"]).content.decode()
    assert "your payment has been received" in page
    # Paid: the payment page only leads back to the order.
    assert client.get(pay_url)["Location"] == response["Location"]


def test_a_declined_card_is_retried_with_another_on_the_same_order(client, fake_stripe):
    order, pay_url = _buy_digital_by_card(client)
    declined = _enter_card(client, fake_stripe, pay_url, "declined")
    assert declined["Location"] == pay_url
    page = client.get(pay_url)
    assert "Your card was declined." in page.content.decode()
    order.refresh_from_db()
    assert order.status == OrderStatus.PENDING_PAYMENT
    confirm_card_setup(fake_stripe, _secret(page).split("_secret_")[0], "visa")
    paid = client.post(
        pay_url, {"action": "pay", "setup_intent": _secret(page).split("_secret_")[0]}
    )
    assert paid["Location"] == reverse("orders:confirmation", args=[order.number])
    order.refresh_from_db()
    assert order.payment_status == PaymentStatus.PAID
    assert list(order.payments.order_by("pk").values_list("status", flat=True)) == [
        PaymentStatus.FAILED,
        PaymentStatus.PAID,
    ]
    assert Order.objects.count() == 1


def test_three_d_secure_is_confirmed_and_read_back(client, fake_stripe):
    order, pay_url = _buy_digital_by_card(client)
    waiting = _enter_card(client, fake_stripe, pay_url, "3ds")
    assert waiting["Location"] == pay_url
    page = client.get(pay_url)
    secret = _secret(page)
    assert secret.startswith("pi_") and 'id="card-action"' in page.content.decode()
    authenticate_payment(fake_stripe, secret)
    checked = client.post(pay_url, {"action": "check"})
    assert checked["Location"] == reverse("orders:confirmation", args=[order.number])
    order.refresh_from_db()
    assert order.payment_status == PaymentStatus.PAID


def test_a_made_up_setup_intent_is_refused_with_a_message(client, fake_stripe):
    order, pay_url = _buy_digital_by_card(client)
    response = client.post(pay_url, {"action": "pay", "setup_intent": "seti_madeup"}, follow=True)
    assert "Your card could not be read" in response.content.decode()
    order.refresh_from_db()
    assert (
        order.status == OrderStatus.PENDING_PAYMENT
        and not order.payments.filter(status=PaymentStatus.PAID).exists()
    )


def test_another_visitor_cannot_open_the_payment_page_but_a_signed_link_can(client, fake_stripe):
    order, pay_url = _buy_digital_by_card(client)
    stranger = Client()
    assert stranger.get(pay_url).status_code == 404
    link = order_pay_url(number=order.number, language="en")
    assert stranger.get(link.replace("http://127.0.0.1:8000", "")).status_code == 200
    other = Client()
    assert other.get(f"{pay_url}?t=forged").status_code == 404


def test_an_order_refuses_more_cards_after_too_many_declines(client, fake_stripe, settings):
    settings.CARD_DECLINES_PER_ORDER = 2
    order, pay_url = _buy_digital_by_card(client)
    for _ in range(2):
        _enter_card(client, fake_stripe, pay_url, "declined")
    refused = _enter_card(client, fake_stripe, pay_url, "visa")
    assert refused["Location"] == pay_url
    assert "Too many cards were declined" in client.get(pay_url).content.decode()
    order.refresh_from_db()
    assert order.status == OrderStatus.PENDING_PAYMENT
    assert order.payments.count() == 2


def test_choosing_the_card_adds_no_query_to_placement(shipping):
    """The card is charged after placement, on the payment page: placing costs no more."""
    counts = {}
    for method in ("cod", "card"):
        shopper = Client()
        add(shopper, physical("120.00"), 1)
        data = {
            "email": "guest@example.com", "phone": "05321234567", "shipping_choice": "new",
            "billing_same": "on", "shipping_method": shipping.pk, "payment_method": method,
            "accept_terms": "on", "action": "place", **ADDRESS,
        }  # fmt: skip
        data.update(checkout_form(shopper, data)[1])
        with CaptureQueriesContext(connection) as queries:
            response = shopper.post(reverse("orders:checkout"), data)
        assert response.status_code == 302
        counts[method] = len(queries)
    assert counts["card"] <= counts["cod"], counts


def test_staff_refund_part_of_a_card_order_and_the_customer_sees_it_and_is_told(
    client, fake_stripe, django_capture_on_commit_callbacks
):
    from django.contrib.auth.models import Permission

    from tests.factories import StaffFactory

    order, pay_url = _buy_digital_by_card(client)
    _enter_card(client, fake_stripe, pay_url, "visa")
    payment = order.payments.get()
    staff = StaffFactory(is_superuser=False)
    staff.user_permissions.add(*Permission.objects.filter(codename="refund_payment"))
    admin = Client()
    admin.force_login(staff)
    with django_capture_on_commit_callbacks(execute=True):
        admin.post(
            reverse("admin:payments_payment_refund", args=[payment.pk]),
            {"amount": "10.00", "reason": "Goodwill"},
        )
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PARTIALLY_REFUNDED
    page = client.get(reverse("orders:confirmation", args=[order.number])).content.decode()
    assert "Refunded ₺10.00" in page
    told = Message.objects.filter(kind="payment_refunded", subject_id=str(order.pk))
    assert {m.channel for m in told} == {"email", "sms"}
    assert "10.00" in told.get(channel="email").body_text
