"""Staff export and import of variants as CSV or XLSX: names, price and stock, one row per SKU.

An import is checked whole before anything is written: every row is validated and every
problem reported with its line number (the spreadsheet's row number); a file with any bad row
changes nothing. Writes go through the catalog services (prices keep their history, stock
keeps its movements and never goes below what orders hold), in one transaction. Both formats
are read into the same rows first, so the checks and the report are the same for each; tablib
writes XLSX and openpyxl (read-only, streamed) reads it, within size and cell limits.
Text cells a spreadsheet would run as a formula are exported with a quote before them.
"""

import csv
import datetime
import io
import re
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

import openpyxl
import tablib
from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from shop.models import User

from . import services
from .exceptions import StockError
from .models import StockMovement, Variant

COLUMNS = ["sku", "name_tr", "name_en", "price", "on_hand", "allocated", "status", "category"]
EDITABLE = {"name_tr", "name_en", "price", "on_hand"}
MAX_ROWS = 20_000
MAX_BYTES = 5 * 1024 * 1024
# A spreadsheet reads a cell starting with one of these as a formula (OWASP "CSV injection"):
# the export puts a single quote before such a cell, and the import takes it off again.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Control characters have no place in a product list (PostgreSQL refuses NUL outright).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
XLSX_MAGIC = b"PK\x03\x04"


def export_dataset() -> tablib.Dataset:
    """Every variant with its product's names, price, stock, status and category."""
    dataset = tablib.Dataset(headers=COLUMNS, title="products")
    variants = (
        Variant.objects.select_related("product__category")
        .only(
            "sku",
            "price",
            "on_hand",
            "allocated",
            "product__name_tr",
            "product__name_en",
            "product__status",
            "product__category__name_tr",
        )
        .order_by("product_id", "position", "pk")
    )
    for v in variants.iterator(chunk_size=2000):
        product = v.product
        row = [
            v.sku,
            product.name_tr,
            product.name_en,
            f"{v.price:.2f}",
            v.on_hand,
            v.allocated,
            product.status,
            product.category.name_tr,
        ]
        dataset.append([cell_escape(value) if isinstance(value, str) else value for value in row])
    return dataset


def cell_escape(text: str) -> str:
    """The text a spreadsheet shows as text: a quote before what it would read as a formula.

    A text that already starts with quotes before such a character gets one more, so that
    `cell_unescape` gives back exactly what was exported.
    """
    return "'" + text if text.lstrip("'").startswith(FORMULA_STARTS) else text


def cell_unescape(text: str) -> str:
    """The text `cell_escape` was given (a quote before a formula character is taken off)."""
    if text.startswith("'") and text.lstrip("'").startswith(FORMULA_STARTS):
        return text[1:]
    return text


def export_file(*, file_format: str) -> bytes:
    """The export as a file: CSV (UTF-8 with a BOM, so spreadsheets read ğ, ş and ı) or XLSX.

    Every text cell is escaped (`cell_escape`), so neither format holds a live formula.
    """
    dataset = export_dataset()
    if file_format == "xlsx":
        return dataset.export("xlsx")
    return ("\ufeff" + dataset.export("csv")).encode()


@dataclass
class RowChange:
    line: int
    sku: str
    changes: dict[str, tuple[object, object]]  # column -> (now, after)


@dataclass
class ImportPlan:
    changes: list[RowChange] = field(default_factory=list)
    errors: list[tuple[int, str]] = field(default_factory=list)  # (line, what is wrong)


def _decimal(text: str) -> Decimal:
    value = Decimal(text.replace(",", "."))
    if not value.is_finite():
        raise InvalidOperation
    return value


class UnreadableFile(ValueError):
    """The upload is neither UTF-8 CSV nor a readable XLSX workbook, or it is too big."""


class UnreadableLine(ValueError):
    """A CSV line the reader cannot take apart (an overlong cell, a quote never closed)."""

    def __init__(self, line: int) -> None:
        super().__init__(line)
        self.line = line


def _cell(value: object) -> str:
    """A spreadsheet cell as the text a CSV would hold (149.9 -> '149.9', 8.0 -> '8')."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    return str(value)


def _too_big() -> UnreadableFile:
    return UnreadableFile(
        _("The workbook is too large: at most %(rows)s rows and %(cells)s cells.")
        % {"rows": MAX_ROWS, "cells": settings.CATALOG_IMPORT_MAX_CELLS}
    )


def _read_xlsx(data: bytes) -> list[list[str]]:
    """The rows of the first sheet, streamed; refused before they are read if they are too many.

    The zip members' sizes bound what unpacking can produce (zipfile stops at the declared size),
    and cells are counted while streaming, so a small file cannot grow a worker without limit.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(item.file_size for item in archive.infolist())
    except Exception as error:  # not a zip at all, or a damaged one
        raise UnreadableFile(_("The file is not a readable XLSX workbook.")) from error
    if unpacked > settings.CATALOG_IMPORT_MAX_UNPACKED_BYTES:
        raise UnreadableFile(_("The workbook is too large once unpacked."))
    max_cells = settings.CATALOG_IMPORT_MAX_CELLS
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        try:
            sheet = book.active
            # The sheet's own dimension, when it has one, refuses a huge sheet before any row.
            if (sheet.max_row or 0) * (sheet.max_column or 0) > max_cells:
                raise _too_big()
            rows, cells = [], 0
            for values in sheet.iter_rows(values_only=True):
                cells += len(values)
                if cells > max_cells or len(rows) > MAX_ROWS:
                    raise _too_big()
                rows.append([_cell(value) for value in values])
        finally:
            book.close()
    except UnreadableFile:
        raise
    except Exception as error:  # a damaged or foreign workbook: openpyxl raises many kinds
        raise UnreadableFile(_("The file is not a readable XLSX workbook.")) from error
    return rows


def _read_rows(data: bytes) -> tuple[list[str], list[dict[str, str]]]:
    """The header (trimmed column names) and the rows, as text, of a CSV or XLSX file.

    A quote the export put before a formula character is taken off again (`cell_unescape`).
    """
    if data.startswith(XLSX_MAGIC):
        values = _read_xlsx(data)
        header = [cell_unescape(name.strip()) for name in (values[0] if values else [])]
        rows = [
            dict(zip(header, [cell_unescape(v) for v in row], strict=False)) for row in values[1:]
        ]
        return header, rows
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise UnreadableFile(_("The file is not UTF-8 text.")) from error
    reader = csv.reader(io.StringIO(text))
    try:
        values = list(reader)
    except csv.Error:
        raise UnreadableLine(reader.line_num) from None
    header = [cell_unescape(name.strip()) for name in (values[0] if values else [])]
    rows = []
    for row in values[1:]:
        if not row:
            continue  # a blank line, as csv.DictReader skips it
        rows.append(dict(zip(header, [cell_unescape(v) for v in row], strict=False)))
    return header, rows


def _cell_problems(row: dict[str, str]) -> list[str]:
    """What makes a row unreadable whatever its columns mean: control characters, huge cells."""
    problems = []
    longest = settings.CATALOG_IMPORT_MAX_CELL_CHARS
    for column, value in row.items():
        if _CONTROL.search(value):
            problems.append(
                _("%(column)s holds a control character (such as NUL).") % {"column": column}
            )
        elif len(value) > longest:
            problems.append(
                _("%(column)s is longer than %(count)s characters.")
                % {"column": column, "count": longest}
            )
    return problems


def import_check(*, data: bytes) -> ImportPlan:
    """What this file would change, or each of its problems by line; writes nothing."""
    plan = ImportPlan()
    if len(data) > MAX_BYTES:
        plan.errors.append((0, _("The file is larger than 5 MB.")))
        return plan
    try:
        header, rows = _read_rows(data)
    except UnreadableFile as error:
        plan.errors.append((0, str(error)))
        return plan
    except UnreadableLine as error:
        plan.errors.append(
            (
                error.line,
                _("This line cannot be read: a cell is far too long or a quote is not closed."),
            )
        )
        return plan
    if "sku" not in header:
        plan.errors.append((1, _("The first line must name the columns, including “sku”.")))
        return plan
    # Column names appear in the row errors: a huge or binary one is refused on its own line.
    names = {_("Column %(number)s") % {"number": i}: name for i, name in enumerate(header, 1)}
    if bad_names := _cell_problems(names):
        plan.errors.extend((1, problem) for problem in bad_names)
        return plan
    if len(rows) > MAX_ROWS:
        plan.errors.append((0, _("At most %(count)s rows per file.") % {"count": MAX_ROWS}))
        return plan
    unreadable = [_cell_problems(row) for row in rows]
    skus = [
        "" if problems else (row.get("sku") or "").strip()
        for row, problems in zip(rows, unreadable, strict=True)
    ]
    variants = {
        v.sku: v
        for v in Variant.objects.select_related("product").filter(sku__in=[s for s in skus if s])
    }
    seen: set[str] = set()
    for line, (row, sku, bad_cells) in enumerate(zip(rows, skus, unreadable, strict=True), start=2):
        if not any(value.strip() for value in row.values()):
            continue  # an empty line (a spreadsheet's formatted but blank row)
        if bad_cells:  # nothing else is looked at in a row that cannot be read
            plan.errors.extend((line, problem) for problem in bad_cells)
            continue
        problems: list[str] = []
        changes = {}
        variant = variants.get(sku)
        if not sku:
            problems.append(_("The SKU is empty."))
        elif sku in seen:
            problems.append(_("SKU %(sku)s appears more than once.") % {"sku": sku})
        elif variant is None:
            problems.append(_("No variant has the SKU %(sku)s.") % {"sku": sku})
        seen.add(sku)
        if variant is not None:
            for column in ("name_tr", "name_en"):
                value = (row.get(column) or "").strip()
                if value and len(value) > 200:
                    problems.append(
                        _("%(column)s is longer than 200 characters.") % {"column": column}
                    )
                elif value and value != getattr(variant.product, column):
                    changes[column] = (getattr(variant.product, column), value)
            price_text = (row.get("price") or "").strip()
            if price_text:
                try:
                    price = _decimal(price_text)
                    if price <= 0 or price != price.quantize(Decimal("0.01")) or price >= 10**10:
                        raise InvalidOperation
                except InvalidOperation:
                    problems.append(
                        _("The price “%(value)s” is not a positive amount.") % {"value": price_text}
                    )
                else:
                    price = price.quantize(Decimal("0.01"))  # "120" and 120.0 mean 120.00
                    if price != variant.price:
                        changes["price"] = (variant.price, price)
            stock_text = (row.get("on_hand") or "").strip()
            if stock_text:
                # isdigit() alone takes "²" and other digits int() refuses: ASCII only.
                whole = stock_text.isascii() and stock_text.isdigit() and len(stock_text) <= 10
                if not whole or int(stock_text) > 10**9:
                    problems.append(
                        _("On hand “%(value)s” is not a whole number.") % {"value": stock_text}
                    )
                elif int(stock_text) != variant.on_hand:
                    delta = int(stock_text) - variant.on_hand
                    try:
                        services.stock_adjust_check(
                            variant=variant, delta=delta, reason=StockMovement.Reason.CORRECTION
                        )
                    except StockError as error:
                        problems.append(str(error))
                    else:
                        changes["on_hand"] = (variant.on_hand, int(stock_text))
        for problem in problems:
            plan.errors.append((line, problem))
        if not problems and changes:
            plan.changes.append(RowChange(line=line, sku=sku, changes=changes))
    return plan


def import_apply(*, data: bytes, by: User) -> ImportPlan:
    """Check the file again and, only if every row is good, make its changes in one transaction
    through the services. Raises nothing: the plan's errors say why nothing was changed."""
    plan = import_check(data=data)
    if plan.errors or not plan.changes:
        return plan
    with transaction.atomic():
        variants = {
            v.sku: v
            for v in Variant.objects.select_related("product").filter(
                sku__in=[row.sku for row in plan.changes]
            )
        }
        for row in plan.changes:
            variant = variants[row.sku]
            names = {c: after for c, (_now, after) in row.changes.items() if c.startswith("name_")}
            if names:
                product = variant.product
                for column, value in names.items():
                    setattr(product, column, value)
                product.save(update_fields=[*names, "updated_at"])
            if "price" in row.changes:
                services.variant_set_price(variant=variant, price=row.changes["price"][1])
            if "on_hand" in row.changes:
                now, after = row.changes["on_hand"]
                services.stock_adjust(
                    variant=variant,
                    delta=after - now,
                    reason=StockMovement.Reason.CORRECTION,
                    by=by,
                    note=_("Spreadsheet import, line %(line)s") % {"line": row.line},
                )
            services.product_refresh_listing(product_id=variant.product_id)
    return plan
