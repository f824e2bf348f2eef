"""Reading a mention CSV: UTF-8 (a spreadsheet's BOM allowed), comma or semicolon separated,
a header row naming the columns (rows.py). Returns the numbered rows or one file-level error."""

import csv
import io

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from .rows import missing_columns

MAX_BYTES = 5 * 1024 * 1024


class BadUpload(ValueError):
    """The file as a whole cannot be read (the message says why)."""


def csv_rows(upload: UploadedFile) -> list[tuple[int, dict[str, str]]]:
    """(line number, row) for each data row; the header is line 1."""
    if upload.size > MAX_BYTES:
        raise BadUpload(_("The file is larger than 5 MB; split it."))
    try:
        text = upload.read().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise BadUpload(_("The file is not UTF-8 text; save it as “CSV UTF-8”.")) from None
    if not text.strip():
        raise BadUpload(_("The file is empty."))
    try:
        dialect = csv.Sniffer().sniff(text.split("\n", 1)[0], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.DictReader(io.StringIO(text, newline=""), dialect=dialect)
    try:
        header = reader.fieldnames or []
        missing = missing_columns(header)
        if missing:
            raise BadUpload(
                _("The header row lacks the columns: %(columns)s.")
                % {"columns": ", ".join(missing)}
            )
        rows = []
        for row in reader:
            if not any((value or "").strip() for value in row.values() if isinstance(value, str)):
                continue  # a blank line
            rows.append((reader.line_num, {k: v for k, v in row.items() if k is not None}))
            if len(rows) > settings.COMPLAINTS_MENTIONS_IMPORT_MAX_ROWS:
                raise BadUpload(
                    _("More than %(count)d rows; split the file.")
                    % {"count": settings.COMPLAINTS_MENTIONS_IMPORT_MAX_ROWS}
                )
    except csv.Error as error:
        raise BadUpload(
            _("Line %(line)d cannot be read as CSV: %(error)s")
            % {"line": reader.line_num, "error": error}
        ) from None
    if not rows:
        raise BadUpload(_("The file has no rows under its header."))
    return rows
