"""The completeness audit: the seed's findings pinned rule by rule (derived
from the seed files, read here independently), the API, and the command."""

from __future__ import annotations

import json
from collections import defaultdict
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from app import cli
from tests.conftest import make_settings
from tests.exports_helpers import API, COUNCIL, change, content_of, seed
from tests.helpers import assert_problem

AUDIT = f"{API}/register/audit"
REDACTED = "[email protected]"


def by_rule(audit: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    found: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for finding in audit["findings"]:
        found[finding["rule"]].append(finding)
    return found


def first_slugs(findings: list[dict[str, Any]]) -> set[str]:
    return {f["entities"][0]["slug"] for f in findings}


@pytest.fixture(scope="module")
def audit(client: TestClient) -> dict[str, Any]:
    response = client.get(AUDIT)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def test_the_seeds_findings_rule_by_rule(audit: dict[str, Any]) -> None:
    found = by_rule(audit)
    sharing = seed("sharing")
    categories = seed("data-categories")
    recipients = seed("recipients")
    controller = seed("controller")

    no_basis = {s["slug"] for s in sharing if not s.get("lawful_bases")}
    assert first_slugs(found["sharing-without-lawful-basis"]) == no_basis
    assert len(no_basis) == 32  # only the two DfE arrangements state Article 6(1)(c)

    special = {c["slug"] for c in categories if c.get("special_category")}
    assert first_slugs(found["special-category-without-article9-condition"]) == special
    assert special == {
        "ethnicity",
        "religion",
        "sexual-orientation",
        "special-educational-needs-and-disabilities",
        "health-and-wellbeing",
    }

    unstated = {s["slug"] for s in sharing if not s.get("data_categories")}
    assert first_slugs(found["sharing-without-data-categories"]) == unstated
    assert len(unstated) == 32
    assert "youth-support-services-from-13" not in unstated

    no_law = {s["slug"] for s in sharing if not s.get("legislation")}
    assert first_slugs(found["sharing-without-legislation"]) == no_law
    assert len(no_law) == 30

    processors = {r["slug"] for r in recipients if r["role"] == "processor"}
    assert first_slugs(found["processor-without-contract"]) == processors
    assert processors == {"nexus", "fft-aspire", "casey", "welfare-call"}

    # No retention rule of the seed names a data category: none has a period.
    assert first_slugs(found["data-category-without-retention"]) == {c["slug"] for c in categories}
    assert len(found["data-category-without-retention"]) == 31

    with_purpose = {s["recipient"] for s in sharing if s.get("purposes")}
    assert with_purpose == {
        "department-for-education",
        "youth-support-services",
        "nexus",
        "fft-aspire",
        "casey",
        "welfare-call",
    }
    assert (
        first_slugs(found["recipient-without-purpose"])
        == {r["slug"] for r in recipients} - with_purpose
    )
    assert len(found["recipient-without-purpose"]) == 25

    emails = found["email-address-not-stated"]
    assert controller["dpo"]["email"] is None
    assert any(REDACTED in s["quote"] for s in controller["sources"])
    assert [(f["entities"][0]["slug"], f["entities"][0]["field"]) for f in emails] == [
        (COUNCIL, "dpo.email"),
        ("youth-support-services-from-13", "conditions.1.contact_email"),
        ("youth-support-services-from-13", "conditions.2.contact_email"),
    ]
    assert all("redacted" in f["message"] for f in emails)

    assert [f["entities"][0]["field"] for f in found["security-measures-not-described"]] == [
        "security_measures"
    ]
    assert len(found["third-country-transfers-not-stated"]) == 1
    assert found["dpo-contact-missing"] == []  # phone and address are given

    counts = {rule["id"]: rule["findings"] for rule in audit["rules"]}
    assert counts == {
        "sharing-without-lawful-basis": 32,
        "special-category-without-article9-condition": 5,
        "dpo-contact-missing": 0,
        "sharing-without-data-categories": 32,
        "sharing-without-legislation": 30,
        "processor-without-contract": 4,
        "data-category-without-retention": 31,
        "recipient-without-purpose": 25,
        "email-address-not-stated": 3,
        "security-measures-not-described": 1,
        "third-country-transfers-not-stated": 1,
    }
    assert audit["summary"] == {"findings": 164, "error": 37, "warning": 127, "info": 0}
    assert audit["passed"] is False


def test_every_finding_names_real_entities_in_plain_english(
    client: TestClient, audit: dict[str, Any]
) -> None:
    register = client.get(f"{API}/register").json()
    names = {
        (key.replace("_", "-"), state["slug"]): state["name"]
        for key, states in content_of(register).items()
        if isinstance(states, list)
        for state in states
    }
    names[("controllers", COUNCIL)] = register["controller"]["name"]
    severities = {rule["id"]: rule["severity"] for rule in audit["rules"]}
    for finding in audit["findings"]:
        assert finding["severity"] == severities[finding["rule"]]
        assert finding["entities"]
        for entity in finding["entities"]:
            assert names[(entity["type"], entity["slug"])] == entity["name"]
        assert finding["message"].endswith(".")
        assert "_" not in finding["message"].replace(finding["entities"][0]["name"], "")
    nexus = next(
        f
        for f in audit["findings"]
        if f["rule"] == "processor-without-contract" and f["entities"][0]["slug"] == "nexus"
    )
    assert nexus["message"] == (
        "“Nexus” processes data for the controller but no contract (Article 28(3)) is referenced."
    )
    assert audit["digest"] == register["digest"]
    assert audit["data_version"] == register["data_version"]


def test_fixing_the_register_clears_its_findings(app: FastAPI, write_client: TestClient) -> None:
    change(app, "recipients", "nexus", {"contract_reference": "Contract CCC-2026-17"})
    change(app, "controllers", COUNCIL, {"dpo": {"email": "dpo@cambridgeshire.gov.uk"}})
    found = by_rule(write_client.get(AUDIT).json())
    assert first_slugs(found["processor-without-contract"]) == {
        "fft-aspire",
        "casey",
        "welfare-call",
    }
    assert [f["entities"][0]["field"] for f in found["email-address-not-stated"]] == [
        "conditions.1.contact_email",
        "conditions.2.contact_email",
    ]
    for category in seed("data-categories"):
        if category.get("special_category"):
            change(
                app, "data-categories", category["slug"], {"article9_condition": "article-9-2-g"}
            )
    for arrangement in seed("sharing"):
        if not arrangement.get("lawful_bases"):
            change(app, "sharing", arrangement["slug"], {"lawful_bases": ["article-6-1-e"]})
    audit = write_client.get(AUDIT).json()
    assert audit["passed"] is True
    assert audit["summary"]["error"] == 0
    # Public task rests on a law (Article 6(3)): the arrangements citing none remain warnings.
    assert len(by_rule(audit)["sharing-without-legislation"]) == 30


def run_cli(url: str, *argv: str, monkeypatch: pytest.MonkeyPatch) -> int:
    monkeypatch.setattr(cli, "get_settings", lambda: make_settings(url))
    return cli.main(list(argv))


def test_the_command_prints_a_table_and_fails_on_errors(
    seeded_db: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run_cli(seeded_db, "audit", monkeypatch=monkeypatch) == 1
    out = capsys.readouterr().out
    assert out.startswith(f"Completeness audit of {COUNCIL} (")
    lines = out.splitlines()
    assert any(
        line.split()[:3] == ["error", "sharing-without-lawful-basis", "32"] for line in lines
    )
    assert any(line.split()[:3] == ["warning", "processor-without-contract", "4"] for line in lines)
    assert any("recipients/nexus" in line and "Nexus" in line for line in lines)
    assert lines[-1] == "FAILED: 37 error(s), 127 warning(s), 0 info."

    assert run_cli(seeded_db, "audit", "--json", monkeypatch=monkeypatch) == 1
    printed = json.loads(capsys.readouterr().out)
    assert printed["summary"]["findings"] == 164
    assert run_cli(seeded_db, "audit", "--controller", "nobody", monkeypatch=monkeypatch) == 2
    assert "cannot audit" in capsys.readouterr().err


def test_the_command_passes_a_register_without_errors(
    app: FastAPI,
    seeded_db: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    for category in seed("data-categories"):
        if category.get("special_category"):
            change(
                app, "data-categories", category["slug"], {"article9_condition": "article-9-2-h"}
            )
    for arrangement in seed("sharing"):
        if not arrangement.get("lawful_bases"):
            change(app, "sharing", arrangement["slug"], {"lawful_bases": ["article-6-1-c"]})
    assert run_cli(seeded_db, "audit", monkeypatch=monkeypatch) == 0
    assert capsys.readouterr().out.splitlines()[-1].startswith("PASSED: 0 error(s)")


def test_audit_errors_are_problem_details(client: TestClient) -> None:
    assert_problem(client.get(AUDIT, params={"controller": "nobody"}), 404)
    assert_problem(client.get(AUDIT, params={"severity": "error"}), 422)
