"""The record as CSV, with cells a spreadsheet program would run as formulas
neutralised."""

from __future__ import annotations

import csv
import io
import re

from starlette.requests import Request
from starlette.responses import Response

from app.exports.common import Export, ExportFormat, export_response
from app.exports.ico.rows import sheet

CSV = ExportFormat("ico-csv", "text/csv; charset=utf-8", "csv")
FORMULA_START = ("=", "@", "\t", "\r")
PHONE_LIKE = re.compile(r"^[+-][0-9 ()+./-]*$")


def neutralised(value: str) -> str:
    """Text a spreadsheet program would run as a formula gets a leading
    apostrophe (OWASP's advice for CSV injection); phone numbers stay as they are."""
    if value.startswith(FORMULA_START) or (
        value.startswith(("+", "-")) and not PHONE_LIKE.match(value)
    ):
        return "'" + value
    return value


def render_csv(export: Export) -> bytes:
    header, table = sheet(export)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    for row in [*header, *table]:
        writer.writerow([neutralised(cell) for cell in row])
    # A byte order mark makes spreadsheet programs read the file as UTF-8.
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def csv_response(request: Request, export: Export) -> Response:
    return export_response(request, export, CSV, lambda: render_csv(export))
