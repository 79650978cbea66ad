"""The ICO record of processing, as CSV and XLSX, read back with csv and openpyxl."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from app.register.basis import REDACTED_EMAIL
from tests.exports_helpers import API, COUNCIL, change

# The template's 30 columns, in order, as listed in the shared reference README.
COLUMNS = [
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
]
NOT_STATED = "Not stated"
NOTE = "Register note: values inferred, open lists and facts not stated in the notice"
HEADER = [*COLUMNS, NOTE]
CAMBRIDGE = (
    "Write to : Data Protection Officer, Info and Records Team, OCT1224, Cambridgeshire "
    "County Council, Shire Hall, Cambridge, CB3 0AP"
)
COMPANIES = (
    "Companies who process child level data on behalf of schools and settings, Local "
    "Authorities and the Department for Education to provide anonymised and aggregated "
    "management information or to help us support particular groups of children. These "
    "data processors include"
)


def csv_rows(client: TestClient) -> list[list[str]]:
    response = client.get(f"{API}/register.csv")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"), newline="")))


def xlsx_rows(client: TestClient) -> tuple[list[list[str]], Any]:
    response = client.get(f"{API}/register.xlsx")
    assert response.status_code == 200, response.text
    workbook = load_workbook(io.BytesIO(response.content))
    sheet = workbook["Record of processing"]
    rows = [["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    return [strip(row) for row in rows], sheet


def strip(row: list[str]) -> list[str]:
    while row and row[-1] == "":
        row = row[:-1]
    return row


def split(rows: list[list[str]]) -> tuple[list[list[str]], list[dict[str, str]]]:
    """The header block, and the table's rows by column name."""
    start = rows.index(HEADER)
    return rows[:start], [dict(zip(HEADER, row, strict=True)) for row in rows[start + 1 :]]


def find(table: list[dict[str, str]], column: str, text: str) -> list[dict[str, str]]:
    return [row for row in table if text in row[column]]


@pytest.fixture(scope="module")
def seed_csv(client: TestClient) -> list[list[str]]:
    return csv_rows(client)


def test_header_block_and_stamps(client: TestClient, seed_csv: list[list[str]]) -> None:
    register = client.get(f"{API}/register").json()
    header, _table = split(seed_csv)
    assert header[0] == ["Record of processing activities (UK GDPR Article 30)"]
    assert header[1] == ["", "Name", "Address", "Email", "Telephone"]
    assert header[2] == [
        "Controller",
        "Cambridgeshire County Council",
        "Shire Hall, Cambridge, CB3 0AP",
        NOT_STATED,
        NOT_STATED,
    ]
    dpo = header[3]
    assert dpo[0] == "Data Protection Officer"
    assert dpo[3] == NOT_STATED  # the notice redacts the DPO's e-mail address
    assert dpo[4] == "01223 699137"
    assert header[4] == ["Representative", NOT_STATED, NOT_STATED, NOT_STATED, NOT_STATED]
    stamps = {row[0]: row[1] for row in header if len(row) == 2}
    assert stamps["Content digest (SHA-256)"] == register["digest"]
    assert stamps["Register data version"] == str(register["data_version"])
    assert stamps["Generated at"]


def test_one_row_per_processing_activity_under_the_30_columns(
    client: TestClient, seed_csv: list[list[str]]
) -> None:
    register = client.get(f"{API}/register").json()
    start = seed_csv.index(HEADER)
    table = seed_csv[start + 1 :]
    own_purposes = [p for p in register["purposes"] if p["kind"] == "processing"]
    assert len(table) == len(own_purposes) + len(register["sharing"]) + len(
        register["data_collections"]
    )
    assert all(len(row) == 31 for row in table)  # the template's 30, then the register note
    assert all(cell.strip() for row in table for cell in row), "no cell is left empty"
    for row in table:  # what the register never records
        for column in (16, 20, 21, 22, 23, 24, 25, 27, 28, 29):
            assert row[column] == NOT_STATED, (COLUMNS[column], row)


def test_cells_say_what_the_register_states(seed_csv: list[list[str]]) -> None:
    _header, table = split(seed_csv)
    recipients = "Categories of recipients"
    basis_column = "Article 6 lawful basis for processing personal data"
    (nexus,) = find(table, recipients, "Nexus (company)")
    assert nexus["Link to contract with processor"] == NOT_STATED
    assert nexus[basis_column] == NOT_STATED
    dfe_rows = find(table, "Purpose of processing", "Underpins school funding")
    (dfe,) = find(dfe_rows, basis_column, "2013")
    basis = dfe[basis_column]
    assert basis.startswith("Article 6(1)(c) Legal obligation (legislation cited: ")
    assert dfe[recipients].startswith("Department for Education")
    assert dfe["GDPR Article 6 lawful basis for processing"] == basis
    assert dfe["Legitimate interests for the processing (if applicable)"] == "Not applicable"
    assert dfe["Link to contract with processor"] == NOT_STATED  # DfE's role is not stated
    (youth,) = find(
        find(table, recipients, "Youth support services"),
        COLUMNS[1],
        "Provide youth support service and careers advice",
    )
    # "we pass their details": which details is not stated (name, address and
    # date of birth are what a parent may restrict the passing to).
    assert youth["Categories of personal data"] == NOT_STATED
    # With no category stated, whether special category data is shared is not stated either.
    assert youth["Article 9 condition for processing special category data"] == NOT_STATED
    assert youth["Link to contract with processor"] == "Not applicable"  # internal recipient
    assert youth["Business function"] == "Youth support service"
    assert youth["Link to record of consent"] == "Not applicable"  # shared without consent
    (welfare,) = find(table, recipients, "Welfare Call ltd (company)")
    assert (
        "Records relating to children who are looked after by the Local Authority: P75Y"
        in (welfare["Retention schedule (if possible)"])
    )
    assert welfare["Categories of individuals"] == "Looked After Children"
    assert "Right of access (Article 15)" in welfare["Rights available to individuals"]
    assert "Paper files" in welfare["Location of personal data"]
    assert "secure network" in welfare[COLUMNS[10]]  # read from "Storing this information"
    assert welfare[COLUMNS[7]] == NOT_STATED  # third-country transfers not stated
    (npd,) = find(table, "Business function", "The National Pupil Database")
    assert "Statistical purposes" in npd["Purpose of processing"]


def test_xlsx_holds_the_same_sheet(client: TestClient, seed_csv: list[list[str]]) -> None:
    rows, sheet = xlsx_rows(client)
    generated = [r for r in seed_csv if r and r[0] == "Generated at"]
    assert len(generated) == 1
    normalise = [r for r in seed_csv if not (r and r[0] == "Generated at")]
    assert [r for r in rows if not (r and r[0] == "Generated at")] == [strip(r) for r in normalise]
    assert sheet.cell(row=rows.index(HEADER) + 1, column=1).font.bold


def test_xlsx_layout_and_properties(client: TestClient) -> None:
    """The title stands out, the column names stay in view while scrolling
    (with the first column), and the file says who made it and when: the
    same moment as its "Generated at" row."""
    rows, sheet = xlsx_rows(client)
    start = rows.index(HEADER) + 1  # 1-based row of the column names
    assert sheet.title == "Record of processing"
    assert sheet["A1"].font.bold
    assert sheet["A1"].font.size == 14
    assert sheet.freeze_panes == f"B{start + 1}"
    assert all(c.alignment.wrap_text for c in sheet[start] if c.value)
    properties = sheet.parent.properties
    assert properties.creator == "Data Sharing Register"
    assert properties.title == "Record of processing activities (UK GDPR Article 30)"
    (generated,) = [row[1] for row in rows if row and row[0] == "Generated at"]
    assert properties.created.isoformat() == generated[:19]


def test_text_never_becomes_a_formula(app: FastAPI, write_client: TestClient) -> None:
    payload = '=HYPERLINK("https://example.org","x")'
    change(app, "recipients", "nexus", {"name": payload})
    rows = csv_rows(write_client)
    cells = [cell for row in rows for cell in row if payload in cell]
    assert cells
    assert all(not cell.startswith("=") for cell in cells)
    assert f"'{payload} (company)" in cells
    _rows, sheet = xlsx_rows(write_client)
    found = [
        c
        for row in sheet.iter_rows()
        for c in row
        if isinstance(c.value, str) and payload in c.value
    ]
    assert found
    assert all(c.data_type == "s" for c in found)


def activity_rows(register: dict[str, Any], table: list[dict[str, str]]) -> dict[str, Any]:
    """The table's rows of the sharing arrangements, by slug (rows follow the
    register: the controller's own purposes, the arrangements, the collections)."""
    own = [p for p in register["purposes"] if p["kind"] == "processing"]
    rows = table[len(own) : len(own) + len(register["sharing"])]
    return {s["slug"]: row for s, row in zip(register["sharing"], rows, strict=True)}


def test_the_note_names_the_facts_the_notice_leaves_unstated(
    client: TestClient, seed_csv: list[list[str]]
) -> None:
    register = client.get(f"{API}/register").json()
    _header, table = split(seed_csv)
    rows = activity_rows(register, table)
    recipients = {r["slug"]: r for r in register["recipients"]}
    for arrangement in register["sharing"]:
        note = rows[arrangement["slug"]][NOTE]
        unstated = unstated_in(note)
        for fact in ("data_categories", "lawful_bases", "purposes"):
            not_stated = arrangement["basis"][fact]["basis"] == "not_stated"
            assert (fact.replace("_", " ") in unstated) == not_stated, (arrangement["slug"], note)
        recipient = recipients[arrangement["recipient"]]
        role = recipient["basis"]["role"]["basis"]
        words = f"role of the recipient {recipient['name']}"
        assert (words in unstated) == (role == "not_stated")
        assert (f"Inferred: {words} = " in note) == (role == "inferred")
        inferred = [
            key
            for key, entry in arrangement["basis"].items()
            if entry["basis"] == "inferred" and key != "dpv_term"
        ]
        for key in inferred:
            assert f"Inferred: {key.split('/')[0].replace('_', ' ')} = " in note
    police = rows["police"]
    assert police["Categories of personal data"] == NOT_STATED
    assert "data categories" in unstated_in(police[NOTE])
    assert not any(REDACTED_EMAIL in cell for row in seed_csv for cell in row)


def unstated_in(note: str) -> list[str]:
    """The facts a register note names as not stated."""
    prefix = "Not stated in the notice: "
    lines = [line for line in note.splitlines() if line.startswith(prefix)]
    return lines[0].removeprefix(prefix).split("; ") if lines else []


def test_inferred_values_carry_their_reasoning(app: FastAPI, write_client: TestClient) -> None:
    kind_reasoning = "Listed among the companies the notice calls data processors."
    change(
        app,
        "recipients",
        "nexus",
        {
            "basis": {
                "kind": {"basis": "inferred", "quotes": [COMPANIES], "reasoning": kind_reasoning}
            }
        },
    )
    change(
        app,
        "sharing",
        "police",
        {
            "data_categories": ["name", "address"],
            "basis": {
                "data_categories": {
                    "basis": "stated",
                    "quotes": ["The Police and the NSPCC"],
                    "exhaustive": False,
                }
            },
        },
    )
    country_reasoning = "The council's address is in Cambridge, England."
    change(
        app,
        "controllers",
        COUNCIL,
        {
            "basis": {
                "country": {
                    "basis": "inferred",
                    "quotes": [CAMBRIDGE],
                    "reasoning": country_reasoning,
                }
            }
        },
    )
    register = write_client.get(f"{API}/register").json()
    rows = csv_rows(write_client)
    header, table = split(rows)
    assert [
        "Inferred by the register",
        f"country = GB: {country_reasoning.rstrip('.')} (from “{CAMBRIDGE}”)",
    ] in header
    by_slug = activity_rows(register, table)
    nexus = by_slug["nexus"]
    assert (
        f"Inferred: kind of the recipient Nexus = company: {kind_reasoning.rstrip('.')} "
        f"(from “{COMPANIES}”)"
    ) in nexus[NOTE].splitlines()
    police = by_slug["police"]
    assert police["Categories of personal data"] == "including Name; Address"
    assert (
        "Open list: data categories: the notice gives examples, not a complete list"
        in police[NOTE].splitlines()
    )
    assert "data categories" not in unstated_in(police[NOTE])

    xlsx, sheet = xlsx_rows(write_client)
    start = xlsx.index(HEADER)
    noted = {
        (cell.row - start - 2, HEADER[cell.column - 1]): cell.comment.text
        for row in sheet.iter_rows(min_row=start + 1)
        for cell in row
        if cell.comment is not None
    }
    index = table.index(nexus)
    assert kind_reasoning.rstrip(".") in noted[(index, "Categories of recipients")]
    # Cell notes sit only on the rows whose register note names an inferred value.
    inferred_rows = {i for i, row in enumerate(table) if "Inferred: " in row[NOTE]}
    assert {row for row, _column in noted} <= inferred_rows


def test_control_characters_do_not_break_the_workbook(
    app: FastAPI, write_client: TestClient
) -> None:
    change(app, "recipients", "nexus", {"description": "Nexus\x07 (bell)", "name": "Nexus\x1b"})
    rows, _sheet = xlsx_rows(write_client)
    assert any("Nexus\ufffd (company)" in cell for row in rows for cell in row)
    assert any("Nexus\x1b (company)" in cell for row in csv_rows(write_client) for cell in row)
