"""A cash refund nobody gave an account for (a goodwill refund by staff, a guest's return
without an IBAN) asks the customer on their order page: their bank account, or store credit."""

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from crm.notifications.models import Message
from orders.links import order_link_token
from orders.models import CreditNote
from payments.models import PaymentEvent, Refund, RefundAccount
from payments.services import balance_of, payment_refund
from shop.audit import audit_trail
from tests.factories import StaffFactory, UserFactory

from .helpers import shipping_setup, stocked_variant
from .returns_helpers import delivered_order

pytestmark = pytest.mark.django_db

IBAN = "TR33 0006 1005 1978 6457 8413 26"
PLAIN = "TR330006100519786457841326"
GOODWILL = Decimal("50.00")


@pytest.fixture(autouse=True)
def _english():
    shipping_setup()
    with translation.override("en"):
        yield


def _signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _goodwill_refund_by_staff(order) -> Refund:
    """Staff refund part of the collected cash from the admin, as they do for goodwill."""
    payment = order.payments.get()
    _signed_in(StaffFactory()).post(
        reverse("admin:payments_payment_refund", args=[payment.pk]),
        {"amount": str(GOODWILL), "reason": "Goodwill: late parcel", "key": "goodwill-1"},
    )
    return Refund.objects.get(payment=payment)


def _account_url(order, refund) -> str:
    return reverse("orders:refund_account", args=[order.number, refund.pk])


def _bank(refund, **data: str) -> dict:
    fields = {"refund_to": "bank_transfer", "account_holder": "Ayşe Yılmaz", "iban": IBAN, **data}
    return {f"refund-{refund.pk}-{name}": value for name, value in fields.items()}


def test_the_customer_gives_an_iban_for_a_goodwill_refund_and_staff_pay_it():
    customer = UserFactory(verified=True, language="en")
    order = delivered_order((stocked_variant(), 2), user=customer, language="en")
    refund = _goodwill_refund_by_staff(order)
    assert refund.status == Refund.Status.AWAITING_PAYOUT and "ask the customer" in refund.message

    # The customer is asked, once, with a link to the order page.
    asked = Message.objects.filter(kind="refund_account_needed", subject_id=str(order.pk))
    assert {m.channel for m in asked} == {"email", "sms"}
    email = asked.get(channel="email")
    assert "IBAN" in email.body_text and f"/orders/{order.number}/" in email.body_text

    client = _signed_in(customer)
    page_url = reverse("orders:confirmation", args=[order.number])
    page = client.get(page_url).content.decode()
    assert "Where should we send your ₺50.00 refund?" in page
    assert f'for="id_refund-{refund.pk}-iban"' in page  # every input has its label
    assert f'for="id_refund-{refund.pk}-account_holder"' in page
    assert "Store credit" in page and "csrfmiddlewaretoken" in page

    answer = client.post(_account_url(order, refund), _bank(refund))
    assert answer.status_code == 302
    refund.refresh_from_db()
    assert refund.status == Refund.Status.AWAITING_PAYOUT  # staff still pay it
    assert refund.account.account_last4 == "1326" and refund.message.endswith("ending 1326.")
    given = audit_trail(target=refund).get(action="refund.account_given")
    assert given.actor == customer and given.details["last4"] == "1326"
    assert PLAIN not in str(given.details) and "1978" not in str(given.details)
    after = client.get(page_url).content.decode()
    assert "Where should we send your" not in after  # answered: no form any more

    staff = _signed_in(StaffFactory())
    payout = reverse("admin:payments_refund_payout", args=[refund.pk])
    assert PLAIN in staff.get(payout).content.decode()
    staff.post(payout, {"reference": "EFT-2026-9"})
    refund.refresh_from_db()
    assert refund.status == Refund.Status.SUCCEEDED
    assert balance_of(user_id=customer.pk) == 0
    again = client.post(_account_url(order, refund), _bank(refund), follow=True)
    assert "not waiting for your bank account" in again.content.decode()
    assert RefundAccount.objects.filter(payment=refund.payment).count() == 1


def test_store_credit_pays_the_refund_into_the_balance_once():
    customer = UserFactory(verified=True, language="en")
    order = delivered_order((stocked_variant(), 2), user=customer, language="en")
    refund = payment_refund(
        payment=order.payments.get(), amount=GOODWILL, by=StaffFactory(), reason="Goodwill"
    )
    assert refund.status == Refund.Status.AWAITING_PAYOUT
    client = _signed_in(customer)
    data = {f"refund-{refund.pk}-refund_to": "store_credit"}

    first = client.post(_account_url(order, refund), data, follow=True)
    second = client.post(_account_url(order, refund), data, follow=True)

    assert "in your store credit" in first.content.decode()
    assert "not waiting for your bank account" in second.content.decode()
    refund.refresh_from_db()
    assert refund.status == Refund.Status.SUCCEEDED
    assert balance_of(user_id=customer.pk) == GOODWILL  # credited once
    assert PaymentEvent.objects.filter(kind="refund", refund=refund).count() == 1
    assert CreditNote.objects.filter(refund=refund).count() == 1  # as every refund gets
    assert audit_trail(target=refund).filter(action="refund.account_given").count() == 1
    told = Message.objects.filter(kind="payment_refunded", subject_id=str(order.pk))
    assert told.filter(channel="email").count() == 1


def test_a_guest_is_not_offered_store_credit():
    order = delivered_order((stocked_variant(), 2), language="en")  # a guest
    refund = payment_refund(payment=order.payments.get(), amount=GOODWILL, reason="Goodwill")
    email = Message.objects.get(kind="refund_account_needed", channel="email")
    assert "?t=" in email.body_text  # a guest opens the order with a signed link
    client = Client()
    page = client.get(
        reverse("orders:confirmation", args=[order.number]) + f"?t={order_link_token(order.number)}"
    ).content.decode()
    assert "Where should we send your" in page and "Store credit" not in page

    credit = client.post(
        _account_url(order, refund), {f"refund-{refund.pk}-refund_to": "store_credit"}
    )
    assert credit.status_code == 400
    refund.refresh_from_db()
    assert refund.status == Refund.Status.AWAITING_PAYOUT and not RefundAccount.objects.exists()

    client.post(_account_url(order, refund), _bank(refund))
    refund.refresh_from_db()
    assert refund.account.account_last4 == "1326"


def test_a_bad_iban_is_refused_with_a_clear_message_and_nothing_changes():
    customer = UserFactory(verified=True, language="en")
    order = delivered_order((stocked_variant(), 2), user=customer, language="en")
    refund = payment_refund(payment=order.payments.get(), amount=GOODWILL, reason="Goodwill")
    client = _signed_in(customer)

    bad = client.post(_account_url(order, refund), _bank(refund, iban="TR00 1234"))
    no_holder = client.post(_account_url(order, refund), _bank(refund, account_holder=" "))

    assert bad.status_code == 400 and "This IBAN is not valid" in bad.content.decode()
    assert no_holder.status_code == 400 and "account holder" in no_holder.content.decode()
    refund.refresh_from_db()
    assert refund.status == Refund.Status.AWAITING_PAYOUT and "ask the customer" in refund.message
    assert not RefundAccount.objects.exists()
    assert not audit_trail(target=refund).filter(action="refund.account_given").exists()


def test_another_customer_gets_404():
    owner = UserFactory(verified=True, language="en")
    order = delivered_order((stocked_variant(), 2), user=owner, language="en")
    refund = payment_refund(payment=order.payments.get(), amount=GOODWILL, reason="Goodwill")
    other = UserFactory(verified=True, language="en")
    other_order = delivered_order((stocked_variant(), 1), user=other, language="en")
    client = _signed_in(other)

    assert client.post(_account_url(order, refund), _bank(refund)).status_code == 404
    # Their own order's number with this refund's id: not theirs either.
    wrong = reverse("orders:refund_account", args=[other_order.number, refund.pk])
    assert client.post(wrong, _bank(refund)).status_code == 404
    assert not RefundAccount.objects.exists()


def test_a_refund_whose_account_was_given_with_the_return_asks_nothing():
    from orders import services

    customer = UserFactory(verified=True, language="en")
    order = delivered_order((stocked_variant(), 1), user=customer, language="en")
    order_return = services.return_request(
        order=order,
        quantities={order.lines.get().pk: 1},
        refund_to="bank_transfer",
        account_holder="Ayşe Yılmaz",
        iban=IBAN,
    )
    order_return = services.return_receive(
        order_return=order_return, restock={order_return.lines.get().pk: "sellable"}
    )
    refund = services.return_refund(order_return=order_return).refund
    assert refund.status == Refund.Status.AWAITING_PAYOUT
    assert not Message.objects.filter(kind="refund_account_needed").exists()
    page = _signed_in(customer).get(reverse("orders:confirmation", args=[order.number]))
    assert "Where should we send your" not in page.content.decode()


def test_a_turkish_customer_is_asked_in_turkish():
    customer = UserFactory(verified=True, language="tr")
    order = delivered_order((stocked_variant(), 2), user=customer, language="tr")
    payment_refund(payment=order.payments.get(), amount=GOODWILL, reason="Goodwill")
    email = Message.objects.get(kind="refund_account_needed", channel="email")
    assert "iadesini nereye gönderelim?" in email.subject_line
    assert "IBAN'ınızı" in email.body_text
    with translation.override("tr"):
        page = _signed_in(customer).get(reverse("orders:confirmation", args=[order.number]))
    assert "iadenizi nereye gönderelim?" in page.content.decode()
