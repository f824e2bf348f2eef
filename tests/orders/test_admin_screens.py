"""What staff read in the admin: the shop's name in the header, an order's addresses as address
blocks and its VAT as a table, never raw JSON."""

import re

import pytest
from django.urls import reverse

from tests.factories import StaffFactory
from tests.orders.helpers import cart_with, place, shipping_setup, stocked_variant, turkish_address

pytestmark = pytest.mark.django_db


def test_the_admin_header_and_title_name_the_shop(client, settings):
    client.force_login(StaffFactory())
    html = client.get("/en/admin/").content.decode()
    assert "Django administration" not in html and "Django site admin" not in html
    assert f">{settings.SITE_NAME}</a>" in html  # the header
    assert "<title>Shop administration | " in html
    assert "Shop administration" in html


def test_an_order_shows_its_addresses_and_vat_as_people_read_them(client):
    shipping_setup()
    company = turkish_address(
        billing_type="company",
        company_name="Yılmaz Ticaret Ltd. Şti.",
        tax_office="Kadıköy",
        tax_number="1234567890",
    )
    order = place(cart_with((stocked_variant(price="120.00"), 1)), billing_address=company)
    client.force_login(StaffFactory())
    html = client.get(reverse("admin:orders_order_change", args=[order.pk])).content.decode()

    assert "full_name" not in html and "&quot;0.20&quot;" not in html  # no JSON on the page
    delivery, billing = re.findall(r'<address class="order-address">(.*?)</address>', html, re.S)
    assert delivery.split("<br>")[:2] == ["Ayşe Yılmaz", "Moda"]
    assert "34710 Kadıköy / İstanbul" in delivery
    assert "Yılmaz Ticaret Ltd. Şti." in billing
    assert "Tax office / number: Kadıköy / 1234567890" in billing

    table = re.search(r'<table class="vat-table">(.*?)</table>', html, re.S).group(1)
    assert re.search(r"<th scope=\"row\">20%</th>\s*<td class=\"money\">₺[\d.,]+</td>", table)
    assert "Total VAT" in table
