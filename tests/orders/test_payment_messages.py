"""Messages about paying: "complete your payment" before expiry, "payment received" after."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from crm.notifications.models import Message
from orders.models import Order
from orders.tasks import remind_unpaid_orders
from payments.services import payment_capture, payment_start

from .helpers import cart_with, place, shipping_setup, stocked_variant

pytestmark = pytest.mark.django_db


def digital_variant():
    return stocked_variant(on_hand=0, product__kind="digital")


def _by_card(cart, **overrides) -> Order:
    return place(
        cart,
        payment_method="card",
        shipping_address=None,
        accepted_digital_waiver=True,
        **overrides,
    )


def _expiring_in(order: Order, minutes: int) -> Order:
    Order.objects.filter(pk=order.pk).update(expires_at=timezone.now() + timedelta(minutes=minutes))
    return Order.objects.get(pk=order.pk)


def test_a_card_order_about_to_expire_gets_one_reminder_with_a_pay_link(settings, fake_stripe):
    settings.ORDER_PAYMENT_REMINDER_MINUTES = 10
    soon = _expiring_in(
        _by_card(cart_with((digital_variant(), 1)), email="kart@example.com"),
        5,
    )
    later = _expiring_in(_by_card(cart_with((digital_variant(), 1))), 25)

    assert remind_unpaid_orders() == 1
    assert remind_unpaid_orders() == 1  # run again: the message is not sent twice

    reminders = Message.objects.filter(kind="payment_reminder")
    assert {(m.channel, m.subject_id) for m in reminders} == {
        ("email", str(soon.pk)),
        ("sms", str(soon.pk)),
    }
    email = reminders.get(channel="email")
    assert email.recipient == "kart@example.com"
    link = next(word for word in email.body_text.split() if "/pay/?t=" in word)
    assert soon.number in link and later.number not in email.body_text
    # The link opens the payment page in another browser, where the guest has no session.
    path = link.split("://", 1)[1].split("/", 1)[1]
    page = Client().get(f"/{path}")
    assert page.status_code == 200 and soon.number in page.content.decode()


def test_cash_on_delivery_orders_get_no_reminder(settings):
    shipping_setup()
    order = place(cart_with((stocked_variant(), 1)))
    _expiring_in(order, 5)
    assert remind_unpaid_orders() == 0
    assert not Message.objects.filter(kind="payment_reminder").exists()


def test_cash_collected_after_confirmation_sends_payment_received_once():
    shipping_setup()
    order = place(cart_with((stocked_variant(), 1)), email="kapida@example.com")
    payment = payment_start(payment=order.payments.get())
    payment_capture(payment=payment, details={"collected_by": "kurye"})
    payment_capture(payment=payment, details={"collected_by": "kurye"})
    received = Message.objects.filter(kind="payment_received", subject_id=str(order.pk))
    assert {m.channel for m in received} == {"email", "sms"}
    assert order.number in received.get(channel="email").body_text
