"""Staff manage the catalog in the admin; stock changes there go through stock_adjust."""

import pytest

from catalog.models import Product, StockMovement
from catalog.services import product_set_status
from tests.factories import ProductFactory, StaffFactory, VariantFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(client):
    user = StaffFactory()
    client.force_login(user)
    return user


def test_staff_adjust_stock_with_a_reason(client, staff):
    variant = VariantFactory(on_hand=4)
    response = client.post(
        "/en/admin/catalog/stockmovement/add/",
        {"variant": variant.pk, "delta": "6", "reason": "receipt", "note": "supplier delivery"},
        follow=True,
    )
    assert response.status_code == 200
    variant.refresh_from_db()
    assert variant.on_hand == 10
    movement = StockMovement.objects.get()
    assert (movement.reason, movement.created_by, movement.note) == (
        "receipt",
        staff,
        "supplier delivery",
    )


def test_staff_cannot_take_stock_below_the_allocated_units(client, staff):
    variant = VariantFactory(on_hand=4, allocated=3)
    response = client.post(
        "/en/admin/catalog/stockmovement/add/",
        {"variant": variant.pk, "delta": "-2", "reason": "damage", "note": ""},
    )
    assert response.status_code == 200
    assert "On hand cannot go below the 3 units promised to orders." in response.text
    variant.refresh_from_db()
    assert variant.on_hand == 4
    assert not StockMovement.objects.exists()


def test_catalog_admin_screens_open(client, staff):
    variant = VariantFactory()
    for url in [
        "/en/admin/catalog/product/",
        f"/en/admin/catalog/product/{variant.product_id}/change/",
        "/en/admin/catalog/category/",
        "/en/admin/catalog/stockmovement/add/",
    ]:
        assert client.get(url).status_code == 200, url


def test_staff_renaming_a_slug_in_the_admin_keeps_the_old_url_working(client, staff):
    variant = VariantFactory(product__slug_en="old-name", product__slug_tr="eski-ad")
    product = variant.product
    response = client.get(f"/en/admin/catalog/product/{product.pk}/change/")
    form = response.context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and not isinstance(v, list)}
    data.update(
        {
            "slug_en": "new-name",
            "slug_tr": "",  # blank: made from the Turkish name
            "category": product.category_id,
            "product_type": product.product_type_id,
            "variants-TOTAL_FORMS": 0,
            "variants-INITIAL_FORMS": 0,
            "images-TOTAL_FORMS": 0,
            "images-INITIAL_FORMS": 0,
            "files-TOTAL_FORMS": 0,
            "files-INITIAL_FORMS": 0,
        }
    )
    saved = client.post(f"/en/admin/catalog/product/{product.pk}/change/", data)
    assert saved.status_code == 302, saved.context["adminform"].form.errors
    product.refresh_from_db()
    assert product.slug_en == "new-name"
    assert product.slug_tr.startswith("urun-")
    moved = client.get("/en/p/old-name/")
    assert (moved.status_code, moved["Location"]) == (301, "/en/p/new-name/")
    assert client.get("/p/eski-ad/").status_code == 301


def test_staff_archive_and_activate_selected_products_in_bulk(client, staff):
    chosen, other = ProductFactory(status="active"), ProductFactory(status="active")
    url = "/en/admin/catalog/product/"

    response = client.post(url, {"action": "archive", "_selected_action": [chosen.pk]}, follow=True)
    assert "1 product archived." in response.text
    chosen.refresh_from_db()
    other.refresh_from_db()
    assert (chosen.status, other.status) == ("archived", "active")

    client.post(url, {"action": "activate", "_selected_action": [chosen.pk]})
    chosen.refresh_from_db()
    assert chosen.status == "active"


def test_product_status_service_changes_only_the_given_products():
    drafts = [ProductFactory(status="draft") for _ in range(2)]
    untouched = ProductFactory(status="draft")

    count = product_set_status(
        products=Product.objects.filter(pk__in=[p.pk for p in drafts]), status="active"
    )

    assert count == 2
    assert set(Product.objects.filter(status="active")) == set(drafts)
    untouched.refresh_from_db()
    assert untouched.status == "draft"
    with pytest.raises(ValueError):
        product_set_status(products=Product.objects.all(), status="sold-out")


def test_a_stock_change_of_nothing_is_refused_by_the_form(client, staff):
    variant = VariantFactory(on_hand=4)
    response = client.post(
        "/en/admin/catalog/stockmovement/add/",
        {"variant": variant.pk, "delta": "0", "reason": "receipt", "note": ""},
    )
    assert "A stock adjustment must change the quantity." in response.text
    assert not StockMovement.objects.exists()
