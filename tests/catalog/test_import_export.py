"""Staff export variants as CSV and import changes: checked whole, applied through services."""

import csv
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from catalog.models import PriceHistory, StockMovement, Variant
from tests.factories import ProductFactory, StaffFactory, VariantFactory

pytestmark = pytest.mark.django_db
URL = "/en/admin/catalog/product/import-csv/"


@pytest.fixture
def staff(client):
    client.force_login(StaffFactory())
    return client


def _csv(*rows: list) -> SimpleUploadedFile:
    out = io.StringIO()
    csv.writer(out).writerows([["sku", "name_tr", "price", "on_hand"], *rows])
    return SimpleUploadedFile("products.csv", out.getvalue().encode(), content_type="text/csv")


def test_staff_export_every_variant_as_csv(staff):
    VariantFactory(sku="LAMP-1", product=ProductFactory(name_tr="Kırmızı Lamba"), price="149.90")
    response = staff.get("/en/admin/catalog/product/export-csv/")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0]["sku"] == "LAMP-1"
    assert (rows[0]["name_tr"], rows[0]["price"]) == ("Kırmızı Lamba", "149.90")


def test_a_preview_changes_nothing_and_applying_goes_through_the_services(staff):
    variant = VariantFactory(sku="LAMP-1", price=Decimal("100.00"), on_hand=5)
    preview = staff.post(URL, {"file": _csv(["LAMP-1", "Yeni Lamba", "120.00", "8"])})
    assert "Preview" in preview.text and "100.00 → 120.00" in preview.text
    variant.refresh_from_db()
    assert (variant.price, variant.on_hand) == (Decimal("100.00"), 5)

    applied = staff.post(
        URL, {"file": _csv(["LAMP-1", "Yeni Lamba", "120.00", "8"]), "apply": "1"}, follow=True
    )
    assert "1 variant updated." in applied.text
    variant.refresh_from_db()
    assert (variant.price, variant.on_hand) == (Decimal("120.00"), 8)
    assert variant.product.name_tr == "Yeni Lamba"
    assert PriceHistory.objects.filter(variant=variant, price=Decimal("120.00")).exists()
    movement = StockMovement.objects.get(variant=variant)
    assert (movement.delta, movement.reason) == (3, "correction")


def test_a_file_with_bad_rows_changes_nothing_and_reports_each_row(staff):
    good = VariantFactory(sku="GOOD-1", price=Decimal("100.00"), on_hand=5)
    VariantFactory(sku="HELD-1", on_hand=5, allocated=4)
    response = staff.post(
        URL,
        {
            "file": _csv(
                ["GOOD-1", "", "90.00", "7"],
                ["NOPE-9", "", "10", ""],
                ["GOOD-1", "", "", ""],
                ["HELD-1", "", "abc", "2"],
            ),
            "apply": "1",
        },
    )
    text = response.text
    assert "Nothing was changed" in text
    assert "No variant has the SKU NOPE-9." in text
    assert "SKU GOOD-1 appears more than once." in text
    assert "The price “abc” is not a positive amount." in text
    assert "On hand cannot go below the 4 units promised to orders." in text
    for line in ("<td>3</td>", "<td>4</td>", "<td>5</td>"):
        assert line in text
    good.refresh_from_db()
    assert (good.price, good.on_hand) == (Decimal("100.00"), 5)
    assert not StockMovement.objects.exists()
    assert Variant.objects.get(sku="HELD-1").on_hand == 5


def test_a_file_without_a_sku_column_is_refused(staff):
    upload = SimpleUploadedFile("x.csv", b"name,price\nLamp,10\n", content_type="text/csv")
    assert "including “sku”" in staff.post(URL, {"file": upload, "apply": "1"}).text


def test_only_staff_with_change_rights_may_import(client):
    client.force_login(StaffFactory(is_superuser=False))
    assert client.get(URL).status_code in (302, 403)
