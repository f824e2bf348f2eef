"""The catalog spreadsheets against hostile files: formulas in the export, zip bombs, NUL bytes,
odd digits and huge cells in the import."""

import csv
import io
import tracemalloc
import zipfile
from decimal import Decimal

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from catalog.models import Product, Variant
from tests.factories import ProductFactory, StaffFactory, VariantFactory

pytestmark = pytest.mark.django_db
URL = "/en/admin/catalog/product/import-csv/"
HOSTILE_NAMES = ["==1+1", '=HYPERLINK("http://x")', "+90 212", "-5 indirim", "@SUM(A1)", "\tx"]


@pytest.fixture
def staff(client):
    client.force_login(StaffFactory())
    return client


def _errors(page) -> str:
    assert page.status_code == 200
    return page.text


def _csv(rows: list[list[str]]) -> SimpleUploadedFile:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return SimpleUploadedFile("products.csv", out.getvalue().encode(), content_type="text/csv")


def _xlsx_with_sheet(sheet_xml: bytes) -> SimpleUploadedFile:
    """A real workbook whose first sheet is replaced by the given XML (deflated, as Excel does)."""
    book = openpyxl.Workbook()
    book.active.append(["sku", "name_tr"])
    plain = io.BytesIO()
    book.save(plain)
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(plain.getvalue())) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for name in source.namelist():
            body = sheet_xml if name == "xl/worksheets/sheet1.xml" else source.read(name)
            target.writestr(name, body)
    return SimpleUploadedFile("products.xlsx", out.getvalue())


def _sheet(rows_xml: bytes, dimension: str = "") -> bytes:
    ns = b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    dim = f'<dimension ref="{dimension}"/>'.encode() if dimension else b""
    header = b'<row r="1"><c t="inlineStr"><is><t>sku</t></is></c></row>'
    data = b"<sheetData>" + header + rows_xml + b"</sheetData>"
    return b"<worksheet " + ns + b">" + dim + data + b"</worksheet>"


# --- Export: no live formulas, and our own export imports back unchanged ---------------------


def test_the_csv_export_quotes_every_cell_a_spreadsheet_would_run_as_a_formula(staff):
    for i, name in enumerate(HOSTILE_NAMES):
        VariantFactory(sku=f"F-{i}", product=ProductFactory(name_tr=name))
    text = staff.get("/en/admin/catalog/product/export-csv/").content.decode("utf-8-sig")
    names = {row["sku"]: row["name_tr"] for row in csv.DictReader(io.StringIO(text))}
    assert [names[f"F-{i}"] for i in range(len(HOSTILE_NAMES))] == [
        "'" + name for name in HOSTILE_NAMES
    ]


def test_the_xlsx_export_holds_text_never_a_formula(staff):
    VariantFactory(sku="F-1", product=ProductFactory(name_tr="==1+1"))
    response = staff.get("/en/admin/catalog/product/export-xlsx/")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert sheet.cell(2, 2).value == "'==1+1"
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_importing_our_own_export_gives_back_the_original_names(staff, file_format):
    # (A name starting with a tab is escaped too, but the import trims spaces round every cell.)
    names = [*HOSTILE_NAMES[:-1], "'=already quoted", "''-twice", "'plain quote", "Kırmızı Lamba"]
    for i, name in enumerate(names):
        VariantFactory(sku=f"F-{i}", product=ProductFactory(name_tr=name))
    exported = staff.get(f"/en/admin/catalog/product/export-{file_format}/").content
    upload = SimpleUploadedFile(f"products.{file_format}", exported)
    assert "The file changes nothing." in staff.post(URL, {"file": upload}).text


def test_an_import_of_an_escaped_name_stores_the_name_without_the_quote(staff):
    variant = VariantFactory(sku="F-1", product=ProductFactory(name_tr="Eski"))
    page = staff.post(URL, {"file": _csv([["sku", "name_tr"], ["F-1", "'=1+1"]]), "apply": "1"})
    assert "1 variant updated." in page.text or page.status_code == 302
    assert Product.objects.get(pk=variant.product_id).name_tr == "=1+1"


# --- Import limits: refused before the workbook is read --------------------------------------


def test_a_zip_bomb_is_refused_before_it_is_unpacked(staff):
    cells = b'<row><c t="inlineStr"><is><t>x</t></is></c></row>' * 1_500_000  # ~70 MB of XML
    bomb = _xlsx_with_sheet(_sheet(cells))
    assert bomb.size < 1_000_000
    tracemalloc.start()
    try:
        page = staff.post(URL, {"file": bomb, "apply": "1"})
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert "The workbook is too large once unpacked." in _errors(page)
    assert peak < 40 * 1024 * 1024


def test_a_sheet_with_more_cells_than_the_limit_is_refused_while_it_is_read(staff, settings):
    settings.CATALOG_IMPORT_MAX_CELLS = 1000
    VariantFactory(sku="LAMP-1", price=Decimal("100.00"))
    rows = b'<row><c t="inlineStr"><is><t>LAMP-1</t></is></c></row>' * 1500
    page = staff.post(URL, {"file": _xlsx_with_sheet(_sheet(rows)), "apply": "1"})
    assert "The workbook is too large: at most 20000 rows and 1000 cells." in _errors(page)


def test_a_sheet_whose_dimension_is_huge_is_refused_before_any_row(staff):
    rows = b'<row r="2"><c r="A2" t="inlineStr"><is><t>LAMP-1</t></is></c></row>'
    sheet = _sheet(rows, dimension="A1:XFD1048576")
    page = staff.post(URL, {"file": _xlsx_with_sheet(sheet), "apply": "1"})
    assert "The workbook is too large" in _errors(page)


# --- Import: hostile cells are row errors, never a 500 ----------------------------------------


def test_a_nul_byte_a_superscript_two_and_a_huge_cell_are_row_errors_in_a_csv(staff):
    for sku in ("A-1", "A-2", "A-3"):
        VariantFactory(sku=sku, on_hand=5, price=Decimal("10.00"))
    rows = [
        ["sku", "name_tr", "on_hand"],
        ["A-1\x00", "Lamba", "5"],
        ["A-2", "Lamba", "²"],
        ["A-3", "L" * 100_000, "5"],
    ]
    text = _errors(staff.post(URL, {"file": _csv(rows), "apply": "1"}))
    assert "sku holds a control character (such as NUL)." in text
    assert "On hand “²” is not a whole number." in text
    assert "name_tr is longer than 1000 characters." in text
    assert "L" * 2000 not in text  # the huge cell is not copied into the page
    assert Variant.objects.filter(on_hand=5).count() == 3


def test_a_superscript_two_and_a_4_mb_cell_are_row_errors_in_a_workbook(staff):
    # (XML cannot hold a NUL: such a workbook is refused as unreadable.)
    for sku in ("A-2", "A-3"):
        VariantFactory(sku=sku, on_hand=5, price=Decimal("10.00"))
    book = openpyxl.Workbook()
    for row in (["sku", "name_tr", "on_hand"], ["A-2", "Lamba", "²"], ["A-3", "L" * 4_000_000]):
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    upload = SimpleUploadedFile("products.xlsx", out.getvalue())
    text = _errors(staff.post(URL, {"file": upload, "apply": "1"}))
    assert "On hand “²” is not a whole number." in text
    assert "name_tr is longer than 1000 characters." in text
    assert Variant.objects.filter(on_hand=5).count() == 2


def test_a_csv_cell_longer_than_any_reader_takes_is_a_line_error(staff):
    VariantFactory(sku="A-1", on_hand=5)
    upload = _csv([["sku", "name_tr"], ["A-1", "ok"], ["A-1", "L" * 4_000_000]])
    text = _errors(staff.post(URL, {"file": upload, "apply": "1"}))
    assert "This line cannot be read: a cell is far too long or a quote is not closed." in text


def test_a_huge_or_binary_column_name_is_an_error_on_the_first_line(staff):
    VariantFactory(sku="A-1", on_hand=5)
    upload = _csv([["sku", "x" * 5000, "a\x00b"], ["A-1", "y" * 2000, "z"]])
    text = _errors(staff.post(URL, {"file": upload, "apply": "1"}))
    assert "Column 2 is longer than 1000 characters." in text
    assert "Column 3 holds a control character (such as NUL)." in text
    assert "x" * 2000 not in text
