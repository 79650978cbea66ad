"""The record as an Excel workbook, each inferred value's reasoning as a cell note."""

from __future__ import annotations

import io
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font
from starlette.requests import Request
from starlette.responses import Response

from app.exports.common import Export, ExportFormat, export_response
from app.exports.content import RegisterView
from app.exports.ico.rows import Rows
from app.exports.ico.template import COLUMNS, TITLE

XLSX = ExportFormat(
    "ico-xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"
)


def _cell_text(text: str) -> str:
    """Text a workbook can hold: control characters XML 1.0 forbids are shown
    as U+FFFD (openpyxl refuses them)."""
    return ILLEGAL_CHARACTERS_RE.sub("\ufffd", text)


def render_xlsx(export: Export) -> bytes:
    rows = Rows(RegisterView(export.snapshot.content))
    header, table, notes = rows.header_block(export), rows.table(), rows.table_notes()
    workbook = Workbook()
    ws: Any = workbook.active
    ws.title = "Record of processing"
    for row in header:
        ws.append([_cell_text(cell) for cell in row])
    ws.cell(row=1, column=1).font = Font(bold=True, size=14)
    first = len(header) + 1
    for row, row_notes in zip(table, notes, strict=True):
        ws.append([_cell_text(cell) for cell in row])
        for column, lines in row_notes.items():
            comment = Comment(_cell_text("\n".join(lines)), "Data Sharing Register")
            comment.width, comment.height = 400, 200
            ws.cell(row=ws.max_row, column=column + 1).comment = comment
    for row_cells in ws.iter_rows():
        for cell in row_cells:
            if cell.data_type == "f":  # text is never a formula here
                cell.data_type = "s"
    for cell in ws[first]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    ws.freeze_panes = ws.cell(row=first + 1, column=2)
    for index in range(1, len(COLUMNS) + 2):
        ws.column_dimensions[ws.cell(row=first, column=index).column_letter].width = 30
    workbook.properties.creator = "Data Sharing Register"
    workbook.properties.title = TITLE
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def xlsx_response(request: Request, export: Export) -> Response:
    return export_response(request, export, XLSX, lambda: render_xlsx(export))
