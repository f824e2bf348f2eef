"""What a shopper sees while filling the checkout and address forms: Turkish labels, one error
per thing to fix, and only the billing identity they chose."""

import re

import pytest
from django.urls import reverse
from django.utils import translation

from orders.models import Address, Order
from tests.factories import UserFactory

from .test_pages import ADDRESS, add, checkout_form, physical, place

pytestmark = pytest.mark.django_db

COMPANY = {
    "billing_type": "company",
    "company_name": "Yılmaz Ticaret Ltd. Şti.",
    "tax_office": "Kadıköy",
    "tax_number": "1234567890",
}


def errors_in(html: str) -> list[str]:
    """The field errors a shopper sees: every item of every error list on the page."""
    lists = re.findall(r'<ul class="errorlist"[^>]*>(.*?)</ul>', html, flags=re.S)
    return [item for block in lists for item in re.findall(r"<li>(.*?)</li>", block, flags=re.S)]


def test_turkish_checkout_labels_province_and_district_with_a_dotted_capital_i(client, shipping):
    add(client, physical(), 1)
    with translation.override("tr"):
        html = client.get("/checkout/").content.decode()
    assert ">İl:</label>" in html and ">İlçe:</label>" in html
    assert ">Il:" not in html and ">Ilçe:" not in html


def test_turkish_address_book_labels_province_and_district_with_a_dotted_capital_i(client):
    client.force_login(UserFactory(language="tr"))
    html = client.get("/account/addresses/new/").content.decode()
    assert ">İl:</label>" in html and ">İlçe:</label>" in html


def test_one_missing_delivery_field_shows_exactly_one_error(client, shipping):
    add(client, physical(), 1)
    response = place(client, shipping, **{"ship-district": ""})
    html = response.content.decode()
    assert response.status_code == 400
    assert errors_in(html) == ["This field is required."]
    assert re.search(r'id="bill-new"[^>]*\bopen\b', html) is None  # billing stays folded
    assert Order.objects.count() == 0


def test_a_separate_billing_address_shows_its_own_errors(client, shipping):
    add(client, physical(), 1)
    response = place(client, shipping, billing_same=None, **{"bill-full_name": "Deniz Kaya"})
    html = response.content.decode()
    assert response.status_code == 400
    assert len(errors_in(html)) >= 5  # the billing address is the customer's to fill now
    assert re.search(r'id="bill-new"[^>]*\bopen\b', html)


def test_company_fields_are_grouped_apart_from_the_individual_identity(client, shipping):
    add(client, physical(), 1)
    html = client.get(reverse("orders:checkout")).content.decode()
    company = html.split('class="identity-company"')[1].split("</div>\n</fieldset>")[0]
    assert 'name="ship-company_name"' in company and 'name="ship-tax_number"' in company
    assert 'name="ship-national_id"' not in company
    radio = r'<input type="radio" name="ship-billing_type" value="(\w+)"[^>]*checked'
    default = re.search(radio, html)
    assert default and default[1] == "individual"


def test_an_individual_invoice_keeps_no_company_details_typed_before_switching(client):
    customer = UserFactory()
    client.force_login(customer)
    data = {
        **{key.removeprefix("ship-"): value for key, value in ADDRESS.items()},
        **COMPANY,
        "billing_type": "individual",
        "national_id": "10000000146",
    }
    client.post("/en/account/addresses/new/", data)
    address = Address.objects.get(user=customer)
    assert (address.billing_type, address.national_id) == ("individual", "10000000146")
    assert (address.company_name, address.tax_office, address.tax_number) == ("", "", "")


def test_a_company_invoice_drops_a_national_id_typed_before_switching(client):
    customer = UserFactory()
    client.force_login(customer)
    data = {
        **{key.removeprefix("ship-"): value for key, value in ADDRESS.items()},
        **COMPANY,
        "national_id": "10000000146",
    }
    response = client.post("/en/account/addresses/new/", data)
    assert response.status_code == 302, errors_in(response.content.decode())
    address = Address.objects.get(user=customer)
    assert (address.billing_type, address.company_name, address.national_id) == (
        "company", "Yılmaz Ticaret Ltd. Şti.", "",
    )  # fmt: skip


def test_a_resubmit_racing_the_first_commit_still_lands_on_the_order(client, shipping, monkeypatch):
    """The second tap looked for the order just before the first committed it, and for the
    cart just after (closed): it must still show the order, never "Your cart is empty"."""
    from orders import selectors
    from orders.views import checkout as checkout_views

    add(client, physical(), 1)
    data = {
        "email": "guest@example.com", "phone": "05321234567", "shipping_choice": "new",
        "billing_same": "on", "shipping_method": shipping.pk, "payment_method": "cod",
        "accept_terms": "on", "action": "place", **ADDRESS,
    }  # fmt: skip
    data.update(checkout_form(client, data)[1])
    first = client.post(reverse("orders:checkout"), data)
    order = Order.objects.get()
    real = selectors.order_by_token
    calls = []

    def not_yet_committed_the_first_time(*, token: str):
        calls.append(token)
        return None if len(calls) == 1 else real(token=token)

    monkeypatch.setattr(
        checkout_views.selectors, "order_by_token", not_yet_committed_the_first_time
    )
    second = client.post(reverse("orders:checkout"), data)
    assert len(calls) == 2
    assert second.status_code == 302
    assert (
        second["Location"]
        == first["Location"]
        == reverse("orders:confirmation", args=[order.number])
    )
    assert Order.objects.count() == 1
