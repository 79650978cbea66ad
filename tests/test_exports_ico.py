"""The ICO record of processing, as CSV and XLSX, read back with csv and openpyxl."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from tests.exports_helpers import API, change

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
    start = rows.index(COLUMNS)
    return rows[:start], [dict(zip(COLUMNS, row, strict=True)) for row in rows[start + 1 :]]


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
    start = seed_csv.index(COLUMNS)
    table = seed_csv[start + 1 :]
    own_purposes = [p for p in register["purposes"] if p["kind"] == "processing"]
    assert len(table) == len(own_purposes) + len(register["sharing"]) + len(
        register["data_collections"]
    )
    assert all(len(row) == 30 for row in table)
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
    assert sheet.cell(row=rows.index(COLUMNS) + 1, column=1).font.bold


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
