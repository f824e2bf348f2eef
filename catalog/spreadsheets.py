"""Staff export and import of variants as CSV or XLSX: names, price and stock, one row per SKU.

An import is checked whole before anything is written: every row is validated and every
problem reported with its line number (the spreadsheet's row number); a file with any bad row
changes nothing. Writes go through the catalog services (prices keep their history, stock
keeps its movements and never goes below what orders hold), in one transaction. Both formats
are read into the same rows first, so the checks and the report are the same for each; tablib
(with openpyxl) reads and writes XLSX.
"""

import csv
import datetime
import io
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

import tablib
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
# An XLSX file is a zip: refuse one that unpacks to far more than any real product list.
MAX_XLSX_UNPACKED_BYTES = 100 * 1024 * 1024
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
        dataset.append(
            [
                v.sku,
                product.name_tr,
                product.name_en,
                f"{v.price:.2f}",
                v.on_hand,
                v.allocated,
                product.status,
                product.category.name_tr,
            ]
        )
    return dataset


def export_file(*, file_format: str) -> bytes:
    """The export as a file: CSV (UTF-8 with a BOM, so spreadsheets read ğ, ş and ı) or XLSX."""
    dataset = export_dataset()
    if file_format == "xlsx":
        # escape: a cell starting with "=" is written as text, never as a formula.
        return dataset.export("xlsx", escape=True)
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
    """The upload is neither UTF-8 CSV nor a readable XLSX workbook."""


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


def _read_xlsx(data: bytes) -> tuple[list[str], list[list[str]]]:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(item.file_size for item in archive.infolist())
        if unpacked > MAX_XLSX_UNPACKED_BYTES:
            raise UnreadableFile(_("The workbook is too large once unpacked."))
        dataset = tablib.Dataset().load(io.BytesIO(data), format="xlsx")
    except UnreadableFile:
        raise
    except Exception as error:  # a damaged or foreign zip: openpyxl raises many kinds
        raise UnreadableFile(_("The file is not a readable XLSX workbook.")) from error
    header = [_cell(name) for name in dataset.headers or []]
    return header, [[_cell(value) for value in row] for row in dataset]


def _read_rows(data: bytes) -> tuple[list[str], list[dict[str, str]]]:
    """The header (trimmed column names) and the rows, as text, of a CSV or XLSX file."""
    if data.startswith(XLSX_MAGIC):
        header, values = _read_xlsx(data)
        header = [name.strip() for name in header]
        rows = [dict(zip(header, row, strict=False)) for row in values]
        return header, rows
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise UnreadableFile(_("The file is not UTF-8 text.")) from error
    reader = csv.DictReader(io.StringIO(text))
    header = [name.strip() for name in reader.fieldnames or []]
    reader.fieldnames = header
    return header, list(reader)


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
    if "sku" not in header:
        plan.errors.append((1, _("The first line must name the columns, including “sku”.")))
        return plan
    if len(rows) > MAX_ROWS:
        plan.errors.append((0, _("At most %(count)s rows per file.") % {"count": MAX_ROWS}))
        return plan
    skus = [(row.get("sku") or "").strip() for row in rows]
    variants = {
        v.sku: v
        for v in Variant.objects.select_related("product").filter(sku__in=[s for s in skus if s])
    }
    seen: set[str] = set()
    for line, (row, sku) in enumerate(zip(rows, skus, strict=True), start=2):
        if not any(value.strip() for value in row.values() if isinstance(value, str)):
            continue  # an empty line (a spreadsheet's formatted but blank row)
        problems, changes = [], {}
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
                if not stock_text.isdigit() or int(stock_text) > 10**9:
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
