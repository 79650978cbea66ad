"""The ICO's record of processing activities (controller template), as CSV and XLSX.

Same layout in both: the template's header block (controller, DPO and
representative: name, address, e-mail, telephone), the export's stamps, then
one row per processing activity under the template's 30 columns, in its
order. A cell the register cannot fill says "Not stated"; "Not applicable"
only where the register's own facts rule the column out (e.g. a contract
link for a recipient that is not a processor).

After the template's columns, one more (``NOTE_COLUMN``) says which of the
row's values the notice does not state as such: each value the register
infers, with its reasoning and the quotes it rests on; lists the notice
only gives examples of; and the facts the notice leaves unstated. In the
workbook, each cell holding an inferred value also carries the reasoning as
a cell note. Facts of the controller the register infers follow the stamps.
"""

from app.exports.ico.csv_file import CSV, csv_response, neutralised, render_csv
from app.exports.ico.rows import sheet
from app.exports.ico.template import COLUMNS, NOTE_COLUMN
from app.exports.ico.workbook import XLSX, render_xlsx, xlsx_response

__all__ = [
    "COLUMNS",
    "CSV",
    "NOTE_COLUMN",
    "XLSX",
    "csv_response",
    "neutralised",
    "render_csv",
    "render_xlsx",
    "sheet",
    "xlsx_response",
]
