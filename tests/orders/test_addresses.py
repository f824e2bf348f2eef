"""The customer's address book: Turkish format, billing identity, defaults, privacy."""

import pytest

from orders.models import Address
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

VALID = {
    "label": "Ev",
    "full_name": "Ayşe Yılmaz",
    "phone": "0532 123 45 67",
    "country": "tr",
    "province": "istanbul",
    "district": "Kadıköy",
    "neighbourhood": "Caferağa Mah.",
    "street": "Moda Cad. No: 12 D: 3",
    "postal_code": "34710",
    "billing_type": "individual",
    "national_id": "10000000146",
    "company_name": "",
    "tax_office": "",
    "tax_number": "",
}


@pytest.fixture
def customer(client):
    user = UserFactory()
    client.force_login(user)
    return user


def test_first_address_becomes_both_defaults_and_is_normalised(client, customer):
    response = client.post("/en/account/addresses/new/", VALID, follow=True)
    assert "The address has been saved." in response.text
    address = Address.objects.get(user=customer)
    assert address.province == "İstanbul"
    assert address.country == "TR"
    assert address.phone == "+905321234567"
    assert address.is_default_shipping and address.is_default_billing
    assert "Caferağa Mah." in response.text


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("province", "Gotham", "Choose a province of Turkey."),
        ("postal_code", "347", "A Turkish postal code has 5 digits."),
        ("neighbourhood", "", "Enter the neighbourhood (mahalle)."),
        ("national_id", "10000000147", "Enter a valid 11-digit T.C. identity number."),
        ("phone", "123", "Enter a valid mobile phone number"),
    ],
)
def test_bad_turkish_address_gets_a_clear_message_and_saves_nothing(
    client, customer, field, value, message
):
    response = client.post("/en/account/addresses/new/", {**VALID, field: value})
    assert response.status_code == 200
    assert message in response.text
    assert not Address.objects.exists()


def test_company_invoice_needs_a_valid_tax_number(client, customer):
    company = {**VALID, "billing_type": "company", "company_name": "Dükkan A.Ş.", "tax_office": ""}
    response = client.post("/en/account/addresses/new/", {**company, "tax_number": "1234567891"})
    assert "Enter the tax office." in response.text
    assert "Enter a valid 10-digit tax number." in response.text
    assert not Address.objects.exists()


def test_foreign_addresses_need_no_turkish_fields(client, customer):
    foreign = {
        **VALID,
        "country": "DE",
        "province": "Berlin",
        "neighbourhood": "",
        "postal_code": "10115",
        "phone": "+49 151 23456789",
        "national_id": "",
    }
    client.post("/en/account/addresses/new/", foreign)
    assert Address.objects.get(user=customer).country == "DE"


def test_making_another_address_default_moves_the_role_and_delete_hands_it_on(client, customer):
    client.post("/en/account/addresses/new/", VALID)
    client.post(
        "/en/account/addresses/new/",
        {**VALID, "label": "İş", "default_shipping": "on"},
    )
    home, work = Address.objects.get(label="Ev"), Address.objects.get(label="İş")
    assert work.is_default_shipping and not home.is_default_shipping
    assert home.is_default_billing and not work.is_default_billing

    client.post(f"/en/account/addresses/{work.pk}/delete/")
    home.refresh_from_db()
    assert home.is_default_shipping and home.is_default_billing


def test_another_customers_address_is_a_404(client, customer):
    other = UserFactory()
    client.force_login(other)
    client.post("/en/account/addresses/new/", VALID)
    theirs = Address.objects.get(user=other)
    client.force_login(customer)
    assert client.get(f"/en/account/addresses/{theirs.pk}/").status_code == 404
    assert client.post(f"/en/account/addresses/{theirs.pk}/delete/").status_code == 404
    assert Address.objects.filter(pk=theirs.pk).exists()


def test_address_book_needs_a_login(client):
    response = client.get("/en/account/addresses/")
    assert response.status_code == 302
    assert "/account/login/" in response["Location"]
