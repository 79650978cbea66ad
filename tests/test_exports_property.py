"""Property: every export of any register is well-formed (valid TILT, JSON-LD
whose DPV IRIs all exist, the ICO sheet's 30 columns) and the audit's
findings are consistent. Pure functions of the content: no database."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from rdflib import Graph, URIRef

from app.completeness import report
from app.exports import ico, jsonld, tilt
from app.exports.common import Export
from app.exports.content import RegisterView
from app.register import entities as e
from app.register.basis import complete
from app.register.document import section_key
from app.snapshots.current import Snapshot
from tests.exports_helpers import dpv_terms
from tests.register_strategies import normalised, registers
from tests.test_exports_tilt import validator

TILT = validator()  # with format checks (e-mail, URI reference)
PROPERTY = settings(
    max_examples=25,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def with_basis(content: dict[str, Any]) -> dict[str, Any]:
    """Each state's basis completed as the register serves it."""
    content["controller"]["basis"] = complete(e.CONTROLLERS.schema, content["controller"])
    for entity_type in (e.LAWFUL_BASES, *e.SCOPED_TYPES):
        for state in content[section_key(entity_type)]:
            state["basis"] = complete(entity_type.schema, state)
            for condition in state.get("conditions") or []:
                condition["basis"] = complete(e.CONDITION_SHAPE.schema, condition)
    return content


def export_of(generated: dict[str, Any]) -> Export:
    content = with_basis(normalised(generated))
    snapshot = Snapshot(content["controller"]["slug"], content, {"data_version": 7})
    return Export(snapshot)


@pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning")
@PROPERTY
@given(generated=registers())
def test_every_export_of_any_register_is_well_formed(generated: dict[str, Any]) -> None:
    export = export_of(generated)
    view = RegisterView(export.snapshot.content)

    document = tilt.build(export)
    assert [e.message for e in TILT.iter_errors(document)] == []
    assert len(document["dataDisclosed"]) == len(view.section("sharing"))

    graph = Graph()
    graph.parse(data=json.dumps(jsonld.build(export, "http://register.test/")), format="json-ld")
    used = {str(n) for t in graph for n in t if isinstance(n, URIRef)}
    assert {i for i in used if i.startswith("https://w3id.org/dpv")} <= dpv_terms()

    assert ico.render_xlsx(export).startswith(b"PK")
    rows = list(csv.reader(io.StringIO(ico.render_csv(export).decode("utf-8-sig"))))
    start = rows.index([*ico.COLUMNS, ico.NOTE_COLUMN])
    table = rows[start + 1 :]
    assert len(table) == len(view.activities())
    assert all(len(row) == 31 and all(cell for cell in row) for row in table)
    assert not any(cell.startswith(("=", "@")) for row in rows for cell in row)

    result = report.run(export).as_dict()
    assert result["summary"]["findings"] == len(result["findings"])
    assert sum(rule["findings"] for rule in result["rules"]) == len(result["findings"])
    assert result["passed"] == (result["summary"]["error"] == 0)
    known = {
        (key, s["slug"])
        for key in ("sharing", "recipients", "data_categories")
        for s in view.section(key)
    }
    for finding in result["findings"]:
        first = finding["entities"][0]
        if first["type"] != "controllers":
            assert (first["type"].replace("-", "_"), first["slug"]) in known
