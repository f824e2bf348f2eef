"""The "where is my order" assistant's answers (issue 30) say what the order's page says: the
same status and dates, the carrier's last event and tracking link, whether it can still be
cancelled or returned (and until when), and where the refund stands; each names its source and
the date of the fact it rests on."""

from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from orders import assistant, services
from orders.assistant import CANCEL, REFUND, RETURN, WHERE, day, when
from orders.models import Order
from orders.tasks import poll_carriers
from payments.services import (
    balance_adjust,
    echeck_bounce,
    echeck_create,
    payment_create,
    payment_start,
)
from shop.money import format_money
from tests.factories import OrderFactory, StaffFactory, UserFactory
from tests.payments.test_echeck import _details

from .fulfilment_helpers import packed_order, simulated_carrier
from .helpers import cart_with, place, shipping_setup, stocked_variant
from .helpers import signed_in_client as _signed_in
from .returns_helpers import delivered_order

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _delivery():
    shipping_setup()


def _answer(order: Order, topic: str) -> assistant.Answer:
    return assistant.order_answer(order=assistant.order_for_answers(order_id=order.pk), topic=topic)


def _page(order: Order, path: str = "orders:confirmation") -> str:
    client = _signed_in(order.user) if order.user_id else Client()
    response = client.get(reverse(path, args=[order.number]))
    assert response.status_code == 200
    return " ".join(response.content.decode().split())


def _confirmed(customer=None) -> Order:
    order = place(cart_with((stocked_variant(), 1), user=customer or UserFactory(verified=True)))
    services.checkout_payment_start(order=order)
    return Order.objects.get(pk=order.pk)


def _at(order: Order, status: str):
    return order.events.filter(to_status=status).order_by("-pk").first().created_at


def test_a_confirmed_order_says_since_when_and_that_it_can_be_cancelled_as_the_page_does():
    order = _confirmed()
    page = _page(order)
    since = when(_at(order, "confirmed"))

    where = _answer(order, WHERE)
    assert "Confirmed" in where.text and since in where.text and since in page
    assert where.source == "order timeline" and where.as_of == _at(order, "confirmed")
    assert where.meta()["as_of_shown"] == since

    cancel = _answer(order, CANCEL)
    assert cancel.action == "cancel"
    preview = "You have paid nothing yet, so there is nothing to refund"
    assert preview in cancel.text and preview in page
    assert reverse("orders:cancel", args=[order.number]) in page
    assert assistant.order_topics(order=order) == [WHERE, CANCEL, RETURN]


def test_a_packed_order_cannot_be_cancelled_in_the_answer_nor_on_the_page(settings):
    order = packed_order(user=UserFactory(verified=True))
    page = _page(order)
    cancel = _answer(order, CANCEL)
    assert cancel.action == ""
    said = "This order can no longer be cancelled: it is already packed"
    assert said in cancel.text and said in page
    assert f"within {settings.WITHDRAWAL_DAYS} days of delivery" in cancel.text
    where = _answer(order, WHERE)
    assert "Packed" in where.text and when(_at(order, "packed")) in page
    assert when(_at(order, "packed")) in where.text
    ret = _answer(order, RETURN)
    assert ret.action == "" and not ret.link


def test_a_shipped_order_answers_with_the_carriers_last_event_and_tracking_link():
    customer = UserFactory(verified=True)
    order = packed_order(user=customer)
    carrier = simulated_carrier(name="Yurtiçi")
    services.order_ship(order=order, carrier=carrier, tracking_number="YK-123")
    poll_carriers()  # the carrier reports the parcel on its way
    order = Order.objects.get(pk=order.pk)
    event = order.shipments.get().events.filter(applied=True).order_by("-happened_at").first()
    assert order.status in ("shipped", "in_transit")

    answer = _answer(order, WHERE)
    page = _page(order)
    assert answer.source == "carrier's tracking (Yurtiçi)"
    assert answer.as_of == event.happened_at
    assert when(event.happened_at) in answer.text and when(event.happened_at) in page
    assert "YK-123" in answer.text and "YK-123" in page
    assert answer.link == "https://kargo.example/t/YK-123" and answer.link in page
    assert event.get_status_display() in answer.text and event.get_status_display() in page
    assert _answer(order, CANCEL).action == ""


def test_delivered_inside_the_period_the_return_answer_links_the_return_page_until_its_end():
    order = delivered_order(user=UserFactory(verified=True))
    delivered = _at(order, "delivered")
    ends = delivered + timedelta(days=14)
    answer = _answer(order, RETURN)
    assert answer.action == "return"
    assert answer.link == reverse("orders:return", args=[order.number])
    assert day(ends) in answer.text and when(delivered) in answer.text
    assert answer.as_of == delivered and answer.source == "order timeline"
    page = _page(order)
    assert answer.link in page and when(delivered) in page
    form = _page(order, "orders:return")
    assert f"You may withdraw until {day(ends)}" in form
    assert RETURN in assistant.order_topics(order=order)
    assert CANCEL not in assistant.order_topics(order=order)
    assert day(ends) in _answer(order, WHERE).text


def test_delivered_outside_the_period_there_is_no_return_button_and_the_end_is_named():
    order = delivered_order(user=UserFactory(verified=True))
    delivered = _at(order, "delivered")
    with time_machine.travel(timezone.now() + timedelta(days=20)):
        answer = _answer(order, RETURN)
        form = _page(order, "orders:return")
    assert answer.action == "" and answer.link != reverse("orders:return", args=[order.number])
    assert "ended on " + day(delivered + timedelta(days=14)) in answer.text
    assert "You may withdraw until" not in form  # the page too: a claim with a reason only


def test_cancelled_with_the_refund_sent_says_when_it_came_back_as_the_page_does(
    django_capture_on_commit_callbacks,
):
    customer = UserFactory(verified=True)
    balance_adjust(user=customer, amount=Decimal("500.00"), reason="Hoş geldin", by=StaffFactory())
    order = place(cart_with((stocked_variant(), 1), user=customer), payment_method="stored_value")
    with django_capture_on_commit_callbacks(execute=True):
        services.order_cancel_by_customer(order=order, by=customer)
    order = Order.objects.get(pk=order.pk)
    refund = order.payments.get().refunds.get()
    assert (order.status, refund.status) == ("cancelled", "succeeded")

    page = _page(order)
    money = format_money(refund.amount, refund.currency)
    answer = _answer(order, REFUND)
    assert f"Refunded {money} · {day(refund.updated_at)}" in page
    assert money in answer.text and day(refund.updated_at) in answer.text
    assert "prepaid balance" in answer.text
    assert answer.source == "payment record" and answer.as_of == refund.updated_at
    assert REFUND in assistant.order_topics(order=order)
    where = _answer(order, WHERE)
    assert "cancelled on " + when(_at(order, "cancelled")) in where.text
    assert when(_at(order, "cancelled")) in page
    assert _answer(order, CANCEL).action == ""


def test_a_bounced_echeck_puts_the_order_on_hold_and_nothing_is_refunded():
    total = Decimal("480.00")
    order = OrderFactory(user=UserFactory(verified=True), payment_method="echeck", total=total)
    payment = payment_create(order=order, method="echeck", amount=total, currency="TRY")
    echeck_create(payment=payment, details=_details())
    payment = payment_start(payment=payment)
    payment = echeck_bounce(payment=payment, reason="Karşılıksız", by=StaffFactory())
    order = Order.objects.get(pk=order.pk)
    page = _page(order)
    money = format_money(total, "TRY")
    assert "Bounced" in page and money in page

    where = _answer(order, WHERE)
    assert "bounced" in where.text and money in where.text
    assert where.source == "payment record" and where.as_of == payment.updated_at
    assert where.link == reverse("orders:pay", args=[order.number])
    refund = _answer(order, REFUND)
    assert "nothing to refund" in refund.text and when(payment.updated_at) in refund.text
    assert REFUND in assistant.order_topics(order=order)


def test_every_answer_names_its_source_and_date_in_turkish_too():
    from django.utils import translation

    order = _confirmed()
    with translation.override("tr"):
        for topic in assistant.order_topics(order=order):
            answer = _answer(order, topic)
            meta = answer.meta()
            assert meta["source"] and meta["as_of"] and meta["as_of_shown"]
        assert _answer(order, WHERE).source == "sipariş geçmişi"
