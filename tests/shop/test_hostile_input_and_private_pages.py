"""The requests from the security report answer 400/404 instead of 500, and pages with one
person's data carry `Cache-Control: private, no-store`."""

import pytest
from django.test import Client

from tests.factories import OrderFactory, StaffFactory, UserFactory, VariantFactory, make_category

pytestmark = pytest.mark.django_db


def _staff() -> Client:
    client = Client()
    client.force_login(StaffFactory())
    return client


def test_nul_bytes_in_the_path_query_or_form_are_refused_with_400(client):
    assert client.get("/orders/%00/").status_code == 400
    assert client.get("/en/products/", {"q": "lamp\x00"}).status_code == 400
    assert client.post("/checkout/", {"token": "1.2\x00"}).status_code == 400
    assert client.post("/checkout/", {"action": "refresh", "email\x00": "x"}).status_code == 400
    assert client.get("/en/products/", {"q": "lamba"}).status_code == 200


@pytest.mark.parametrize("changelist", ["/admin/orders/order/", "/en/admin/catalog/product/"])
def test_admin_changelist_filters_with_nul_are_refused(changelist):
    staff = _staff()
    assert staff.get(changelist, {"status__exact": "\x00"}).status_code == 400
    assert staff.get(changelist, {"status__exact": "nonsense"}).status_code in (200, 302)


def test_admin_category_children_with_a_non_number_is_not_found():
    root = make_category("Kitaplar")
    staff = _staff()
    assert staff.get("/admin/catalog/category/children/not-a-number/").status_code == 404
    assert staff.get(f"/admin/catalog/category/children/{root.pk}/").status_code == 200


def test_order_list_with_a_huge_year_goes_back_to_the_unfiltered_list():
    staff = _staff()
    response = staff.get("/en/admin/orders/order/", {"placed_at__year": "9" * 30})
    assert response.status_code == 302
    assert response["Location"].endswith("?e=1")


def _is_private(response) -> bool:
    directives = {d.strip() for d in response.get("Cache-Control", "").split(",")}
    return {"private", "no-store"} <= directives


def test_account_order_cart_and_checkout_pages_are_private(client):
    VariantFactory()
    user = UserFactory(verified=True)
    order = OrderFactory(user=user)
    client.force_login(user)
    for path in [
        "/en/account/",
        "/en/account/orders/",
        "/en/account/addresses/",
        "/en/account/messages/",
        "/en/account/email/",
        "/en/account/password/change/",
        "/en/cart/",
        "/en/checkout/",  # an empty cart: redirected, still never cached
        f"/en/orders/{order.number}/",
    ]:
        response = client.get(path)
        assert response.status_code in (200, 302), path
        assert _is_private(response), path
    assert _is_private(Client().get("/en/account/login/"))


def test_catalog_pages_stay_cacheable(client):
    response = client.get("/en/products/")
    assert response.status_code == 200
    assert not _is_private(response)
