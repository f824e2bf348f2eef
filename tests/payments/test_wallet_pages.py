"""The customer's payment pages over HTTP: constant query counts, phones, Turkish, privacy."""

from decimal import Decimal

import pytest
from django.urls import reverse

from payments.models import SavedCard
from payments.services import balance_adjust, balance_top_up_create
from tests.factories import StaffFactory, UserFactory
from tests.orders.helpers import cart_with, place, stocked_variant

pytestmark = pytest.mark.django_db


def _digital(price: str):
    return stocked_variant(on_hand=0, price=price, product__kind="digital")


def _customer(cards: int, entries: int):
    customer = UserFactory(verified=True)
    for i in range(cards):
        SavedCard.objects.create(
            user=customer,
            payment_method_id=f"pm_{customer.pk}_{i}",
            brand="visa",
            last4=f"{4240 + i}",
            exp_month=12,
            exp_year=2031,
            is_default=i == 0,
        )
    staff = StaffFactory()
    for _ in range(entries):
        balance_adjust(user=customer, amount=Decimal("50.00"), reason="Credit", by=staff)
    return customer


@pytest.mark.parametrize("size", [1, 5])
def test_wallet_statement_tab_and_checkout_run_a_constant_number_of_queries(
    client, django_assert_max_num_queries, size, settings
):
    settings.TAB_SETTLE_THRESHOLD = "1000.00"
    customer = _customer(cards=size, entries=size)
    for _ in range(size):
        place(cart_with((_digital("10.00"), 1), user=customer), payment_method="stored_value")
        place(cart_with((_digital("10.00"), 1), user=customer), payment_method="micropayment")
    client.force_login(customer)
    with django_assert_max_num_queries(8):
        assert client.get(reverse("wallet:cards")).status_code == 200
    with django_assert_max_num_queries(8):
        assert client.get(reverse("wallet:balance")).status_code == 200
    with django_assert_max_num_queries(9):
        tab_page = client.get(reverse("wallet:tab"))
    current = tab_page.content.decode().split('id="current-tab"')[1].split("</section>")[0]
    assert current.count("<li>") == size  # the open tab lists its items
    cart_with((_digital("10.00"), 1), user=customer)
    with django_assert_max_num_queries(26):
        assert client.get(reverse("orders:checkout")).status_code == 200


def test_the_statement_shows_each_movement_with_the_balance_after_it_in_turkish(client):
    customer = _customer(cards=0, entries=2)
    order = place(cart_with((_digital("30.00"), 1), user=customer), payment_method="stored_value")
    client.force_login(customer)
    page = client.get("/account/balance/").content.decode()
    assert 'lang="tr"' in page and "Bakiye" in page
    assert order.number in page and "₺70,00" in page and "₺100,00" in page


def test_a_top_up_below_the_minimum_is_refused_on_the_page_and_makes_no_payment(client, settings):
    settings.BALANCE_TOP_UP_MIN = "20.00"
    customer = _customer(cards=0, entries=0)
    client.force_login(customer)
    response = client.post("/en/account/balance/", {"amount": "5"})
    assert response.status_code == 400
    assert "between ₺20.00 and" in response.content.decode()
    assert not customer.payments.exists()


def test_another_customers_top_up_is_a_404(client):
    owner, stranger = _customer(cards=0, entries=0), _customer(cards=0, entries=0)
    payment = balance_top_up_create(user=owner, amount=Decimal("50.00"))
    client.force_login(stranger)
    assert client.get(reverse("wallet:top_up_pay", args=[payment.pk])).status_code == 404


def test_the_pages_need_a_sign_in(client):
    for name in ("wallet:cards", "wallet:balance", "wallet:tab"):
        assert client.get(reverse(name)).status_code == 302


def test_staff_adjust_a_balance_in_the_admin_with_a_reason_and_are_recorded(client):
    customer = _customer(cards=0, entries=0)
    staff = StaffFactory()
    client.force_login(staff)
    url = "/en/admin/payments/balanceentry/add/"
    assert client.get(url).status_code == 200
    response = client.post(url, {"customer": customer.pk, "amount": "25.00", "reason": "Goodwill"})
    assert response.status_code == 302
    entry = customer.balance_account.entries.get()
    assert (entry.amount, entry.kind, entry.reason, entry.created_by) == (
        Decimal("25.00"), "adjustment", "Goodwill", staff
    )  # fmt: skip
    refused = client.post(url, {"customer": customer.pk, "amount": "-99", "reason": "Oops"})
    assert refused.status_code == 302
    assert customer.balance_account.entries.count() == 1
    page = client.get(f"/en/admin/payments/balanceaccount/{customer.balance_account.pk}/change/")
    assert "₺25.00" in page.content.decode()
