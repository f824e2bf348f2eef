"""Staff export variants as CSV and import changes: checked whole, applied through services."""

import csv
import io
from decimal import Decimal

import openpyxl
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


def _xlsx(*rows: list) -> SimpleUploadedFile:
    """The same rows as a workbook, numbers typed as numbers (as a spreadsheet saves them)."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["sku", "name_tr", "price", "on_hand"])
    for row in rows:
        sheet.append([_as_typed(value) for value in row])
    out = io.BytesIO()
    book.save(out)
    return SimpleUploadedFile("products.xlsx", out.getvalue())


def _as_typed(value: str) -> object:
    try:
        return int(value)
    except ValueError:
        try:
            return float(value)
        except ValueError:
            return value or None


FORMATS = {"csv": _csv, "xlsx": _xlsx}


def test_staff_export_every_variant_as_csv(staff):
    VariantFactory(sku="LAMP-1", product=ProductFactory(name_tr="Kırmızı Lamba"), price="149.90")
    response = staff.get("/en/admin/catalog/product/export-csv/")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0]["sku"] == "LAMP-1"
    assert (rows[0]["name_tr"], rows[0]["price"]) == ("Kırmızı Lamba", "149.90")


@pytest.mark.parametrize("file_format", FORMATS)
def test_a_preview_changes_nothing_and_applying_goes_through_the_services(staff, file_format):
    upload = FORMATS[file_format]
    variant = VariantFactory(sku="LAMP-1", price=Decimal("100.00"), on_hand=5)
    preview = staff.post(URL, {"file": upload(["LAMP-1", "Yeni Lamba", "120.00", "8"])})
    assert "Preview" in preview.text and "100.00 → 120.00" in preview.text
    variant.refresh_from_db()
    assert (variant.price, variant.on_hand) == (Decimal("100.00"), 5)

    applied = staff.post(
        URL, {"file": upload(["LAMP-1", "Yeni Lamba", "120.00", "8"]), "apply": "1"}, follow=True
    )
    assert "1 variant updated." in applied.text
    variant.refresh_from_db()
    assert (variant.price, variant.on_hand) == (Decimal("120.00"), 8)
    assert variant.product.name_tr == "Yeni Lamba"
    assert PriceHistory.objects.filter(variant=variant, price=Decimal("120.00")).exists()
    movement = StockMovement.objects.get(variant=variant)
    assert (movement.delta, movement.reason) == (3, "correction")


@pytest.mark.parametrize("file_format", FORMATS)
def test_a_file_with_bad_rows_changes_nothing_and_reports_each_row(staff, file_format):
    good = VariantFactory(sku="GOOD-1", price=Decimal("100.00"), on_hand=5)
    VariantFactory(sku="HELD-1", on_hand=5, allocated=4)
    response = staff.post(
        URL,
        {
            "file": FORMATS[file_format](
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


def test_staff_export_every_variant_as_xlsx_edit_it_in_a_spreadsheet_and_import_it_back(staff):
    variant = VariantFactory(
        sku="LAMP-1", product=ProductFactory(name_tr="Kırmızı Lamba"), price="149.90", on_hand=5
    )
    response = staff.get("/en/admin/catalog/product/export-xlsx/")
    assert response["Content-Disposition"] == 'attachment; filename="products.xlsx"'
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    sheet = book.active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0][:4] == ["sku", "name_tr", "name_en", "price"]
    lamp = next(i for i, row in enumerate(rows) if row[0] == "LAMP-1") + 1
    assert sheet.cell(lamp, 2).value == "Kırmızı Lamba"

    assert "The file changes nothing." in staff.post(URL, {"file": _upload(book)}).text

    sheet.cell(lamp, 4).value = 135.5  # the price, typed as a number
    sheet.cell(lamp, 5).value = 9.0  # on hand, as a spreadsheet may store a whole number
    preview = staff.post(URL, {"file": _upload(book)}).text
    assert "149.90 → 135.50" in preview and "5 → 9" in preview
    applied = staff.post(URL, {"file": _upload(book), "apply": "1"}, follow=True)
    assert "1 variant updated." in applied.text
    variant.refresh_from_db()
    assert (variant.price, variant.on_hand) == (Decimal("135.50"), 9)
    assert PriceHistory.objects.filter(variant=variant, price=Decimal("135.50")).exists()
    assert StockMovement.objects.get(variant=variant).delta == 4


def test_an_exported_workbook_never_holds_a_formula(staff):
    VariantFactory(sku="HL-1", product=ProductFactory(name_tr='=HYPERLINK("http://x")'))
    response = staff.get("/en/admin/catalog/product/export-xlsx/")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert sheet.cell(2, 2).value == '\'=HYPERLINK("http://x")'  # as text, quoted (OWASP)
    assert not any(cell.data_type == "f" for row in sheet.iter_rows() for cell in row)


def _upload(book: openpyxl.Workbook) -> SimpleUploadedFile:
    out = io.BytesIO()
    book.save(out)
    return SimpleUploadedFile("products.xlsx", out.getvalue())


def test_a_damaged_or_oversized_workbook_is_refused_with_a_clear_message(staff, settings):
    variant = VariantFactory(sku="LAMP-1", price=Decimal("100.00"))
    broken = SimpleUploadedFile("products.xlsx", b"PK\x03\x04 not really a workbook")
    page = staff.post(URL, {"file": broken, "apply": "1"})
    assert page.status_code == 200
    assert "The file is not a readable XLSX workbook." in page.text

    settings.CATALOG_IMPORT_MAX_UNPACKED_BYTES = 1000
    page = staff.post(URL, {"file": _xlsx(["LAMP-1", "", "90.00", ""]), "apply": "1"})
    assert "The workbook is too large once unpacked." in page.text
    variant.refresh_from_db()
    assert variant.price == Decimal("100.00")
