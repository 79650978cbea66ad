"""The record as an Excel workbook, each inferred value's reasoning as a cell note."""

from __future__ import annotations

import io
import re
from datetime import datetime

import xlsxwriter
from starlette.requests import Request
from starlette.responses import Response

from app.exports.common import Export, ExportFormat, export_response
from app.exports.content import RegisterView
from app.exports.ico.rows import Rows
from app.exports.ico.template import COLUMNS, TITLE

XLSX = ExportFormat(
    "ico-xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"
)
SHEET = "Record of processing"
AUTHOR = "Data Sharing Register"
# The control characters XML 1.0 forbids (tab, line feed and carriage return are allowed).
_ILLEGAL_IN_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_NOTE_SIZE = {"author": AUTHOR, "width": 400, "height": 200}


def _cell_text(text: str) -> str:
    """Text a workbook can hold: control characters XML 1.0 forbids are shown as U+FFFD."""
    return _ILLEGAL_IN_XML.sub("\ufffd", text)


def render_xlsx(export: Export) -> bytes:
    rows = Rows(RegisterView(export.snapshot.content))
    header, table = rows.header_block(export), rows.noted_table()
    out = io.BytesIO()
    # Every cell is written as text: nothing in a register is a formula, a
    # number or a link to follow.
    workbook = xlsxwriter.Workbook(
        out, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False}
    )
    # The file's creation time is the export's "Generated at", not another clock reading.
    created = datetime.fromisoformat(export.generated_at)
    workbook.set_properties({"author": AUTHOR, "title": TITLE, "created": created})
    sheet = workbook.add_worksheet(SHEET)
    title = workbook.add_format({"bold": True, "font_size": 14})
    names = workbook.add_format({"bold": True, "text_wrap": True, "valign": "top"})
    for r, row in enumerate(header):
        for c, cell in enumerate(row):
            sheet.write_string(r, c, _cell_text(cell), title if (r, c) == (0, 0) else None)
    first = len(header)
    for r, (row, row_notes) in enumerate(table, start=first):
        style = names if r == first else None
        for c, cell in enumerate(row):
            sheet.write_string(r, c, _cell_text(cell), style)
        for c, lines in row_notes.items():
            sheet.write_comment(r, c, _cell_text("\n".join(lines)), _NOTE_SIZE)
    sheet.freeze_panes(first + 1, 1)
    sheet.set_column(0, len(COLUMNS), 30)
    workbook.close()
    return out.getvalue()


def xlsx_response(request: Request, export: Export) -> Response:
    return export_response(request, export, XLSX, lambda: render_xlsx(export))
