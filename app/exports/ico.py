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

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font
from starlette.requests import Request
from starlette.responses import Response

from app.exports.common import NOT_STATED, Export, ExportFormat, export_response
from app.exports.content import DATA_COLLECTION, PURPOSE, SHARING, Activity, RegisterView, State
from app.exports.readings import CONTROLLERS, Note, explained, fact_words, including, notes_of
from app.register.basis import CLASSIFICATIONS, BasisKind, displayed

CSV = ExportFormat("ico-csv", "text/csv; charset=utf-8", "csv")
XLSX = ExportFormat(
    "ico-xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"
)
NOT_APPLICABLE = "Not applicable"
TITLE = "Record of processing activities (UK GDPR Article 30)"

COLUMNS: tuple[str, ...] = (
    "Business function",
    "Purpose of processing",
    "Name and contact details of joint controller (if applicable)",
    "Categories of individuals",
    "Categories of personal data",
    "Categories of recipients",
    "Link to contract with processor",
    "Names of third countries or international organisations that personal data are "
    "transferred to (if applicable)",
    "Safeguards for exceptional transfers of personal data to third countries or "
    "international organisations (if applicable)",
    "Retention schedule (if possible)",
    "General description of technical and organisational security measures (if possible)",
    "Article 6 lawful basis for processing personal data",
    "Article 9 condition for processing special category data",
    "Legitimate interests for the processing (if applicable)",
    "Link to record of legitimate interests assessment (if applicable)",
    "Rights available to individuals",
    "Existence of automated decision-making, including profiling (if applicable)",
    "The source of the personal data (if applicable)",
    "Link to record of consent",
    "Location of personal data",
    "Data Protection Impact Assessment required?",
    "Data Protection Impact Assessment progress",
    "Link to Data Protection Impact Assessment",
    "Has a personal data breach occurred?",
    "Link to record of personal data breach",
    "Data Protection Act 2018 Schedule 1 Condition for processing",
    "GDPR Article 6 lawful basis for processing",
    "Link to retention and erasure policy document",
    "Is personal data retained and erased in accordance with the policy document?",
    "Reasons for not adhering to policy document (if applicable)",
)
CONTACT_COLUMNS = ("", "Name", "Address", "Email", "Telephone")
NOTE_COLUMN = "Register note: values inferred, open lists and facts not stated in the notice"
NOTHING_INFERRED = "No inferred values"
INFERRED_ROW = "Inferred by the register"

ENTITY_TYPES = {SHARING: "sharing", DATA_COLLECTION: "data-collections", PURPOSE: "purposes"}
FACT_COLUMNS: dict[str, tuple[int, ...]] = {
    "services": (0,),
    "purposes": (1,),
    "kind": (1,),
    "data_subjects": (3,),
    "data_categories": (4,),
    "recipient": (5,),
    "owner": (5,),
    "lawful_bases": (11, 26),
    "legislation": (11, 26),
    "consent": (18,),
}
"""The columns (0-based) whose value rests on an activity's fact."""
RECIPIENT_COLUMNS: dict[str, tuple[int, ...]] = {
    "role": (2, 5, 6),
    "kind": (5,),
    "contract_reference": (6,),
}
"""The columns whose value rests on a fact of the activity's recipient."""

Notes = dict[int, list[str]]


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


def _joined(values: Iterable[str]) -> str:
    return "; ".join(values) or NOT_STATED


def _contact_row(label: str, contact: State | None) -> list[str]:
    contact = contact or {}
    name = contact.get("name") or contact.get("team")
    values = [name, contact.get("address"), contact.get("email"), contact.get("phone")]
    return [label, *(v or NOT_STATED for v in values)]


class _Rows:
    def __init__(self, view: RegisterView) -> None:
        self.view = view
        c = view.controller
        self.security = c["security_measures"] or NOT_STATED
        transfers = c["third_country_transfers"]
        details = c["third_country_details"]
        if transfers == "none":
            self.countries, self.safeguards = "None", NOT_APPLICABLE
        elif transfers == "some":
            self.countries, self.safeguards = details or NOT_STATED, NOT_STATED
        else:
            self.countries = self.safeguards = NOT_STATED
        self.rights = _joined(
            f"{r['name']} ({r['gdpr_article']})" if r["gdpr_article"] else r["name"]
            for r in view.section("rights")
        )
        self.locations = _joined(s["name"] for s in view.section("storage_locations"))

    def header_block(self, export: Export) -> list[list[str]]:
        c = self.view.controller
        controller = {
            "name": c["name"],
            "address": c["address"],
            "email": c["email"],
            "phone": c["phone"],
        }
        rows: list[list[str]] = [
            [TITLE],
            list(CONTACT_COLUMNS),
            _contact_row("Controller", controller),
            _contact_row("Data Protection Officer", c["dpo"]),
            _contact_row("Representative", c["representative"]),
            [],
        ]
        rows.extend([label, value] for label, value in export.stamp_rows())
        rows.extend(self.controller_rows())
        rows.append([])
        return [[str(displayed(cell)) for cell in row] for row in rows]

    def recipient_cells(self, recipient: State | None) -> tuple[str, str, str]:
        """Recipient category, joint controller, contract link."""
        if recipient is None:
            return NOT_STATED, NOT_STATED, NOT_STATED
        role = recipient["role"]
        category = f"{recipient['name']} ({recipient['kind'].replace('_', ' ')})"
        if role == "not_stated":
            return category, NOT_STATED, NOT_STATED
        joint = recipient["name"] if role == "joint_controller" else NOT_APPLICABLE
        if role == "processor":
            contract = recipient["contract_reference"] or NOT_STATED
        else:
            contract = NOT_APPLICABLE
        return category, joint, contract

    def lawful_cells(self, activity: Activity) -> tuple[str, str, str, str]:
        """Article 6 basis, Article 9 condition, legitimate interests, LIA link."""
        view = self.view
        bases = view.legal_bases(activity)
        article6 = [b for b in bases if b["article"] == "article_6"]
        article9 = [b for b in bases if b["article"] == "article_9"]
        laws = view.names("legislation", activity.legislation)
        basis = "; ".join(f"{b['reference']} {b['name']}" for b in article6) or NOT_STATED
        if laws:
            basis += " (legislation cited: " + "; ".join(laws) + ")"
        special = view.special_categories(activity.data_categories)
        if article9:
            condition = "; ".join(f"{b['reference']} {b['name']}" for b in article9)
        elif activity.data_categories and not special:
            condition = NOT_APPLICABLE
        else:
            condition = NOT_STATED
        if any(b["slug"] == "article-6-1-f" for b in article6):
            interests = lia = NOT_STATED
        elif article6:
            interests = lia = NOT_APPLICABLE
        else:
            interests = lia = NOT_STATED
        return basis, condition, interests, lia

    def consent_cell(self, activity: Activity) -> str:
        consent = activity.state.get("consent", "not_stated")
        if consent == "without_consent_where_law_allows":
            return NOT_APPLICABLE
        return NOT_STATED

    def row(self, activity: Activity) -> list[str]:
        view = self.view
        services = view.names("services", activity.services)
        purposes = view.names("purposes", activity.purposes)
        subjects = view.names("data_subjects", activity.data_subjects)
        categories = [
            c["name"] + (" (special category)" if c["special_category"] else "")
            for c in view.resolve("data_categories", activity.data_categories)
        ]
        listed = activity.state.get("basis", {}).get("data_categories")
        recipient, joint, contract = self.recipient_cells(
            view.get("recipients", activity.recipient)
        )
        if activity.kind == PURPOSE:  # the register links purposes to no recipient
            recipient = joint = contract = NOT_STATED
        retention = [
            f"{r['name']}: {r['duration'] or 'period not stated'}"
            for r in view.retention_rules(activity)
        ]
        basis, condition, interests, lia = self.lawful_cells(activity)
        sources = [s["name"] for s in view.data_sources(activity)]
        function = _joined(services)
        if activity.kind == DATA_COLLECTION:
            function = f"National data collection: {activity.name}"
        cells = [
            function,
            _joined(purposes) if activity.kind != PURPOSE else activity.name,
            joint,
            _joined(subjects),
            including(categories, listed) or NOT_STATED,
            recipient,
            contract,
            self.countries,
            self.safeguards,
            _joined(retention),
            self.security,
            basis,
            condition,
            interests,
            lia,
            self.rights,
            NOT_STATED,
            _joined(sources),
            self.consent_cell(activity),
            self.locations,
            NOT_STATED,
            NOT_STATED,
            NOT_STATED,
            NOT_STATED,
            NOT_STATED,
            NOT_STATED,
            basis,
            NOT_STATED,
            NOT_STATED,
            NOT_STATED,
        ]
        assert len(cells) == len(COLUMNS)
        return [str(displayed(cell)) for cell in (*cells, self.note(activity))]

    # --- the basis of the row's values ----------------------------------------

    def row_notes(self, activity: Activity) -> list[tuple[Note, str, tuple[int, ...]]]:
        """The facts behind the row's values, each with its words and columns."""
        found = [
            (note, fact_words(self.view, note), FACT_COLUMNS.get(note.field, ()))
            for note in notes_of(ENTITY_TYPES[activity.kind], activity.state)
            if note.field not in CLASSIFICATIONS
            and (note.condition is None or note.basis is BasisKind.INFERRED)
        ]
        recipient = self.view.get("recipients", activity.recipient)
        if recipient is not None and activity.kind != PURPOSE:
            for note in notes_of("recipients", recipient):
                if note.field == "contract_reference" and recipient["role"] != "processor":
                    continue  # the column is not applicable
                if note.field in RECIPIENT_COLUMNS:
                    words = f"{fact_words(self.view, note)} of the recipient {recipient['name']}"
                    found.append((note, words, RECIPIENT_COLUMNS[note.field]))
        return found

    def note(self, activity: Activity) -> str:
        """The row's register note (see the module's docstring)."""
        lines, unstated = [], []
        for note, words, _columns in self.row_notes(activity):
            if note.basis is BasisKind.INFERRED:
                line = explained(self.view, note).removeprefix(fact_words(self.view, note))
                lines.append(f"Inferred: {words}{line}")
            elif note.basis is BasisKind.NOT_STATED:
                unstated.append(words)
            if note.exhaustive is False:
                lines.append(f"Open list: {words}: the notice gives examples, not a complete list")
        if unstated:
            lines.append("Not stated in the notice: " + "; ".join(unstated))
        return "\n".join(lines) or NOTHING_INFERRED

    def cell_notes(self, activity: Activity) -> Notes:
        """Per column, the reasoning of the inferred values it holds."""
        notes: Notes = {}
        for note, words, columns in self.row_notes(activity):
            if note.basis is BasisKind.INFERRED:
                line = explained(self.view, note).removeprefix(fact_words(self.view, note))
                for column in columns:
                    notes.setdefault(column, []).append(f"Inferred: {words}{line}")
        return notes

    def controller_rows(self) -> list[list[str]]:
        """The controller's facts the register infers, one row each."""
        c = self.view.controller
        return [
            [INFERRED_ROW, explained(self.view, note)]
            for note in notes_of(CONTROLLERS, c)
            if note.basis is BasisKind.INFERRED
        ]

    def table(self) -> list[list[str]]:
        return [[*COLUMNS, NOTE_COLUMN], *(self.row(a) for a in self.view.activities())]

    def table_notes(self) -> list[Notes]:
        """The cell notes of each row of the table (the column names' first)."""
        return [{}, *(self.cell_notes(a) for a in self.view.activities())]


def sheet(export: Export) -> tuple[list[list[str]], list[list[str]]]:
    """The header block and the table (column names first)."""
    rows = _Rows(RegisterView(export.snapshot.content))
    return rows.header_block(export), rows.table()


def render_csv(export: Export) -> bytes:
    header, table = sheet(export)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    for row in [*header, *table]:
        writer.writerow([neutralised(cell) for cell in row])
    # A byte order mark makes spreadsheet programs read the file as UTF-8.
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _cell_text(text: str) -> str:
    """Text a workbook can hold: control characters XML 1.0 forbids are shown
    as U+FFFD (openpyxl refuses them)."""
    return ILLEGAL_CHARACTERS_RE.sub("\ufffd", text)


def render_xlsx(export: Export) -> bytes:
    rows = _Rows(RegisterView(export.snapshot.content))
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


def csv_response(request: Request, export: Export) -> Response:
    return export_response(request, export, CSV, lambda: render_csv(export))


def xlsx_response(request: Request, export: Export) -> Response:
    return export_response(request, export, XLSX, lambda: render_xlsx(export))
