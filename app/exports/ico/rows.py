"""The record's cells: the header block and one row per processing activity
under the template's columns."""

from __future__ import annotations

from collections.abc import Iterable

from app.exports.common import NOT_STATED, Export
from app.exports.content import DATA_COLLECTION, PURPOSE, Activity, RegisterView, State
from app.exports.ico.notes import Notes, RowFact, cell_notes, controller_rows, row_facts, row_note
from app.exports.ico.template import (
    COLUMNS,
    CONTACT_COLUMNS,
    NOT_APPLICABLE,
    NOTE_COLUMN,
    TITLE,
)
from app.exports.readings import including
from app.register.basis import displayed


def _joined(values: Iterable[str]) -> str:
    return "; ".join(values) or NOT_STATED


def _contact_row(label: str, contact: State | None) -> list[str]:
    contact = contact or {}
    name = contact.get("name") or contact.get("team")
    values = [name, contact.get("address"), contact.get("email"), contact.get("phone")]
    return [label, *(v or NOT_STATED for v in values)]


class Rows:
    """The cells of one register's record: the header block and a row per activity."""

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
        rows.extend(controller_rows(self.view))
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

    def row(self, activity: Activity, facts: list[RowFact]) -> list[str]:
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
        return [str(displayed(cell)) for cell in (*cells, row_note(facts))]

    def table(self) -> list[list[str]]:
        return [row for row, _notes in self.noted_table()]

    def noted_table(self) -> list[tuple[list[str], Notes]]:
        """The table (column names first), each row with its cell notes."""
        noted: list[tuple[list[str], Notes]] = [([*COLUMNS, NOTE_COLUMN], {})]
        for activity in self.view.activities():
            facts = row_facts(self.view, activity)
            noted.append((self.row(activity, facts), cell_notes(facts)))
        return noted


def sheet(export: Export) -> tuple[list[list[str]], list[list[str]]]:
    """The header block and the table (column names first)."""
    rows = Rows(RegisterView(export.snapshot.content))
    return rows.header_block(export), rows.table()
