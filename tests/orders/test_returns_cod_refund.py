"""Cash paid at the door comes back by bank transfer to the IBAN the customer gives (the
Distance Contracts Regulation's default), or as store credit only when they choose it."""

import json

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import translation

from orders import services
from orders.models import Return
from payments.models import PaymentEvent, Refund, RefundAccount
from payments.services import balance_of
from shop.audit import audit_trail
from shop.exceptions import ShopError
from tests.factories import StaffFactory, UserFactory

from .helpers import shipping_setup, stocked_variant
from .returns_helpers import delivered_order

pytestmark = pytest.mark.django_db

IBAN = "TR33 0006 1005 1978 6457 8413 26"
PLAIN = "TR330006100519786457841326"


@pytest.fixture(autouse=True)
def _english():
    shipping_setup()
    with translation.override("en"):
        yield


def _signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _received(order_return: Return) -> Return:
    return services.return_receive(
        order_return=order_return, restock={order_return.lines.get().pk: "sellable"}
    )


def test_the_customer_gives_an_iban_and_the_refund_waits_for_the_bank_transfer():
    customer = UserFactory(verified=True, language="en")
    shirt = stocked_variant()
    order = delivered_order((shirt, 2), user=customer, language="en")
    line = order.lines.get()
    client = _signed_in(customer)
    url = reverse("orders:return", args=[order.number])

    form = client.get(url).content.decode()
    assert 'id="refund-destination"' in form and "Store credit" in form
    bad = client.post(
        url, {f"quantity_{line.pk}": "1", "account_holder": "Ayşe Yılmaz", "iban": "TR00 1234"}
    )
    assert bad.status_code == 400 and "This IBAN is not valid" in bad.content.decode()
    assert not Return.objects.exists() and not RefundAccount.objects.exists()
    half = client.post(url, {f"quantity_{line.pk}": "1", "iban": IBAN})
    assert half.status_code == 400 and "account holder" in half.content.decode()

    client.post(
        url,
        {
            f"quantity_{line.pk}": "1",
            "refund_to": "bank_transfer",
            "account_holder": "Ayşe Yılmaz",
            "iban": IBAN,
        },
    )

    order_return = Return.objects.get()
    account = order_return.refund_account
    assert (account.destination, account.account_last4) == ("bank_transfer", "1326")
    assert PLAIN not in account.account_encrypted  # encrypted at rest
    refund = services.return_refund(order_return=_received(order_return)).refund
    assert refund.status == Refund.Status.AWAITING_PAYOUT  # staff pay it out by hand
    assert refund.message.endswith("account ending 1326.")
    assert balance_of(user_id=customer.pk) == 0  # not store credit: the customer did not ask

    staff = StaffFactory()
    staff_client = _signed_in(staff)
    return_page = staff_client.get(
        reverse("admin:orders_return_change", args=[order_return.pk])
    ).content.decode()
    assert "1326" in return_page and PLAIN not in return_page  # the last 4 digits only
    assert 'name="refund_account"' not in return_page  # not editable
    payout = reverse("admin:payments_refund_payout", args=[refund.pk])
    page = staff_client.get(payout).content.decode()
    assert PLAIN in page and 'id="payout-account"' in page  # where the transfer is made
    viewed = audit_trail(target=refund).filter(action="refund.account_viewed")
    assert viewed.count() == 1 and viewed.get().actor == staff
    staff_client.post(payout, {"reference": "EFT-2026-7"})
    refund.refresh_from_db()
    assert refund.status == Refund.Status.SUCCEEDED
    # The IBAN is personal data: no ledger row holds it, not even in the provider's data.
    with connection.cursor() as cursor:
        # CAST, not ::text: the same SQL on SQLite (the embedded default) and PostgreSQL.
        cursor.execute("SELECT message, reference, CAST(raw AS TEXT) FROM payments_paymentevent")
        rows = json.dumps(cursor.fetchall())
    assert PLAIN not in rows and "1978 6457" not in rows
    assert PaymentEvent.objects.filter(kind="refund", refund=refund).count() == 1


def test_store_credit_only_when_the_customer_chooses_it():
    customer = UserFactory(verified=True, language="en")
    shirt = stocked_variant()
    order = delivered_order((shirt, 1), user=customer, language="en")
    client = _signed_in(customer)
    client.post(
        reverse("orders:return", args=[order.number]),
        {f"quantity_{order.lines.get().pk}": "1", "refund_to": "store_credit"},
    )
    order_return = Return.objects.get()
    refund = services.return_refund(order_return=_received(order_return)).refund
    assert refund.status == Refund.Status.SUCCEEDED
    assert balance_of(user_id=customer.pk) == order_return.amount


def test_a_guest_is_not_offered_store_credit_and_without_an_iban_staff_ask_for_one():
    order = delivered_order((stocked_variant(), 2), language="en")  # a guest
    order_return = services.return_request(order=order, quantities={order.lines.get().pk: 1})
    from orders.forms import ReturnForm

    form = ReturnForm(returnable=[], needs_reason=False, refund_choice=True, store_credit=False)
    assert [value for value, _label in form.fields["refund_to"].choices] == ["bank_transfer"]
    with pytest.raises(ShopError, match="needs an account"):
        services.return_request(
            order=order, quantities={order.lines.get().pk: 1}, refund_to="store_credit"
        )
    refund = services.return_refund(order_return=_received(order_return)).refund
    assert refund.status == Refund.Status.AWAITING_PAYOUT and "ask the customer" in refund.message


def test_staff_without_the_refund_permission_do_not_see_the_account():
    customer = UserFactory(verified=True)
    order = delivered_order((stocked_variant(), 1), user=customer)
    order_return = services.return_request(
        order=order,
        quantities={order.lines.get().pk: 1},
        refund_to="bank_transfer",
        account_holder="Ayşe Yılmaz",
        iban=IBAN,
    )
    refund = services.return_refund(order_return=_received(order_return)).refund
    clerk = StaffFactory(is_superuser=False)
    clerk.user_permissions.add(*Permission.objects.filter(codename__in=["view_refund"]))
    page = _signed_in(clerk).get(
        reverse("admin:payments_refund_payout", args=[refund.pk]), follow=True
    )
    assert PLAIN not in page.content.decode()
    assert not audit_trail(target=refund).filter(action="refund.account_viewed").exists()
