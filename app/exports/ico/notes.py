"""The register note of each row and the cell notes of the workbook: which
values the register infers, which lists are open, which facts the notice
leaves unstated."""

from __future__ import annotations

from dataclasses import dataclass

from app.exports.content import DATA_COLLECTION, PURPOSE, SHARING, Activity, RegisterView
from app.exports.ico.template import INFERRED_ROW, NOTHING_INFERRED
from app.exports.readings import CONTROLLERS, Note, explained, fact_words, notes_of
from app.register.basis import CLASSIFICATIONS, BasisKind

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


@dataclass(frozen=True)
class RowFact:
    """A fact behind one of a row's values."""

    note: Note
    words: str
    """The fact named for people (for a recipient's fact, with the recipient)."""
    columns: tuple[int, ...]
    inferred: str | None
    """For an inferred value, the line saying so, with its reasoning and quotes."""


def row_facts(view: RegisterView, activity: Activity) -> list[RowFact]:
    """The facts behind the row's values, each with its words and columns;
    read once a row, for its register note and its cell notes alike."""
    found = [
        _fact(view, note, fact_words(view, note), FACT_COLUMNS.get(note.field, ()))
        for note in notes_of(ENTITY_TYPES[activity.kind], activity.state)
        if note.field not in CLASSIFICATIONS
        and (note.condition is None or note.basis is BasisKind.INFERRED)
    ]
    recipient = view.get("recipients", activity.recipient)
    if recipient is not None and activity.kind != PURPOSE:
        for note in notes_of("recipients", recipient):
            if note.field == "contract_reference" and recipient["role"] != "processor":
                continue  # the column is not applicable
            if note.field in RECIPIENT_COLUMNS:
                words = f"{fact_words(view, note)} of the recipient {recipient['name']}"
                found.append(_fact(view, note, words, RECIPIENT_COLUMNS[note.field]))
    return found


def _fact(view: RegisterView, note: Note, words: str, columns: tuple[int, ...]) -> RowFact:
    inferred = None
    if note.basis is BasisKind.INFERRED:
        reasoning = explained(view, note).removeprefix(fact_words(view, note))
        inferred = f"Inferred: {words}{reasoning}"
    return RowFact(note, words, columns, inferred)


def row_note(facts: list[RowFact]) -> str:
    """The row's register note (see the package's docstring)."""
    lines, unstated = [], []
    for fact in facts:
        if fact.inferred is not None:
            lines.append(fact.inferred)
        elif fact.note.basis is BasisKind.NOT_STATED:
            unstated.append(fact.words)
        if fact.note.exhaustive is False:
            lines.append(f"Open list: {fact.words}: the notice gives examples, not a complete list")
    if unstated:
        lines.append("Not stated in the notice: " + "; ".join(unstated))
    return "\n".join(lines) or NOTHING_INFERRED


def cell_notes(facts: list[RowFact]) -> Notes:
    """Per column, the reasoning of the inferred values it holds."""
    notes: Notes = {}
    for fact in facts:
        if fact.inferred is not None:
            for column in fact.columns:
                notes.setdefault(column, []).append(fact.inferred)
    return notes


def controller_rows(view: RegisterView) -> list[list[str]]:
    """The controller's facts the register infers, one row each."""
    c = view.controller
    return [
        [INFERRED_ROW, explained(view, note)]
        for note in notes_of(CONTROLLERS, c)
        if note.basis is BasisKind.INFERRED
    ]
