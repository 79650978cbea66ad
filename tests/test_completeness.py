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


def inferred_facts(register: dict[str, Any]) -> set[tuple[str, str, str]]:
    """(entity type, slug, fact key) of every inferred fact the register serves."""
    found = set()
    for key, section in content_of(register).items():
        states = [section] if key == "controller" else section
        if not isinstance(states, list):
            continue  # the schema version
        for state in states:
            entity_type = "controllers" if key == "controller" else key.replace("_", "-")
            for fact, entry in state["basis"].items():
                if entry["basis"] == "inferred":
                    found.add((entity_type, state["slug"], fact))
            for index, condition in enumerate(state.get("conditions") or []):
                for fact, entry in condition["basis"].items():
                    if entry["basis"] == "inferred":
                        found.add((entity_type, state["slug"], f"conditions.{index}.{fact}"))
    return found


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


def test_the_seeds_findings_rule_by_rule(client: TestClient, audit: dict[str, Any]) -> None:
    found = by_rule(audit)
    sharing = seed("sharing")
    categories = seed("data-categories")
    recipients = seed("recipients")
    controller = seed("controller")

    no_basis = {s["slug"] for s in sharing if not s.get("lawful_bases")}
    assert first_slugs(found["sharing-without-lawful-basis"]) == no_basis
    assert len(no_basis) == 35  # Article 6(1)(c) is read into three DfE arrangements only

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
    assert len(unstated) == 37
    # "we pass their details": which details the notice does not say.
    assert "youth-support-services-from-13" in unstated

    no_law = {s["slug"] for s in sharing if not s.get("legislation")}
    assert first_slugs(found["sharing-without-legislation"]) == no_law
    assert len(no_law) == 34

    processors = {r["slug"] for r in recipients if r["role"] == "processor"}
    assert first_slugs(found["processor-without-contract"]) == processors
    assert processors == {
        "data-processing-companies",
        "nexus",
        "fft-aspire",
        "sentinel-partners-limited",
        "welfare-call",
    }

    # No retention rule of the seed names a data category: none has a period.
    assert first_slugs(found["data-category-without-retention"]) == {c["slug"] for c in categories}
    assert len(found["data-category-without-retention"]) == 31

    with_purpose = {s["recipient"] for s in sharing if s.get("purposes")}
    assert with_purpose == {
        "department-for-education",
        "youth-support-services",
        "data-processing-companies",
        "nexus",
        "fft-aspire",
        "sentinel-partners-limited",
        "welfare-call",
    }
    assert (
        first_slugs(found["recipient-without-purpose"])
        == {r["slug"] for r in recipients} - with_purpose
    )
    assert len(found["recipient-without-purpose"]) == 26

    emails = found["email-address-not-stated"]
    assert controller["dpo"]["email"] is None
    assert any(REDACTED in s["quote"] for s in controller["sources"])
    assert [(f["entities"][0]["slug"], f["entities"][0]["field"]) for f in emails] == [
        (COUNCIL, "dpo.email"),
        ("youth-support-services-from-13", "conditions.1.contact_email"),
        ("youth-support-services-from-13", "conditions.2.contact_email"),
    ]
    assert all("redacted" in f["message"] for f in emails)

    # "secure network ... accessible only to staff who need to see it": read as measures.
    assert found["security-measures-not-described"] == []
    assert len(found["third-country-transfers-not-stated"]) == 1
    assert found["dpo-contact-missing"] == []  # phone and address are given

    counts = {rule["id"]: rule["findings"] for rule in audit["rules"]}
    assert counts == {
        "sharing-without-lawful-basis": 35,
        "special-category-without-article9-condition": 5,
        "dpo-contact-missing": 0,
        "sharing-without-data-categories": 37,
        "sharing-without-legislation": 34,
        "processor-without-contract": 5,
        "data-category-without-retention": 31,
        "recipient-without-purpose": 26,
        "email-address-not-stated": 3,
        "security-measures-not-described": 0,
        "third-country-transfers-not-stated": 1,
    }
    inferred = inferred_facts(client.get(f"{API}/register").json())
    assert audit["summary"] == {
        "findings": 177,
        "error": 40,
        "warning": 137,
        "info": 0,
        "to_confirm": len(inferred),
    }
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
        "data-processing-companies",
        "fft-aspire",
        "sentinel-partners-limited",
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
    assert len(by_rule(audit)["sharing-without-legislation"]) == 34


def run_cli(url: str, *argv: str, monkeypatch: pytest.MonkeyPatch) -> int:
    monkeypatch.setattr(cli.parser, "get_settings", lambda: make_settings(url))
    return cli.main(list(argv))


def test_the_command_prints_a_table_and_fails_on_errors(
    seeded_db: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run_cli(seeded_db, "audit", monkeypatch=monkeypatch) == 1
    out = capsys.readouterr().out
    assert out.startswith(f"Completeness audit of {COUNCIL} (")
    lines = out.splitlines()
    assert any(
        line.split()[:3] == ["error", "sharing-without-lawful-basis", "35"] for line in lines
    )
    assert any(line.split()[:3] == ["warning", "processor-without-contract", "5"] for line in lines)
    assert any("recipients/nexus" in line and "Nexus" in line for line in lines)
    assert lines[-1].startswith("FAILED: 40 error(s), 137 warning(s), 0 info; ")
    assert lines[-1].endswith(" inferred value(s) to confirm.")

    assert run_cli(seeded_db, "audit", "--json", monkeypatch=monkeypatch) == 1
    printed = json.loads(capsys.readouterr().out)
    assert printed["summary"]["findings"] == 177
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


COMPANIES = (
    "Companies who process child level data on behalf of schools and settings, Local "
    "Authorities and the Department for Education to provide anonymised and aggregated "
    "management information or to help us support particular groups of children. These "
    "data processors include"
)
LAW_REQUIRES = (
    "The law requires us to provide information about our pupils to the DfE as part of "
    "statutory data collections."
)
CAMBRIDGE = (
    "Write to : Data Protection Officer, Info and Records Team, OCT1224, Cambridgeshire "
    "County Council, Shire Hall, Cambridge, CB3 0AP"
)


INFERRED_HERE = {
    ("recipients", "nexus", "kind"),
    ("sharing", "police", "lawful_bases"),
    ("sharing", "police", "lawful_bases/article-6-1-c"),
    ("controllers", COUNCIL, "country"),
}


def infer_facts(app: FastAPI) -> None:
    def inferred(quote: str, reasoning: str) -> dict[str, Any]:
        return {"basis": "inferred", "quotes": [quote], "reasoning": reasoning}

    change(
        app,
        "recipients",
        "nexus",
        {"basis": {"kind": inferred(COMPANIES, "Listed among the companies that process data.")}},
    )
    change(
        app,
        "sharing",
        "police",
        {
            "lawful_bases": ["article-6-1-c"],
            "basis": {
                "lawful_bases": inferred(LAW_REQUIRES, "A legal obligation, read as below."),
                "lawful_bases/article-6-1-c": inferred(
                    LAW_REQUIRES, "'The law requires us' reads as a legal obligation."
                ),
            },
        },
    )
    change(
        app,
        "controllers",
        COUNCIL,
        {"basis": {"country": inferred(CAMBRIDGE, "The council's address is in England.")}},
    )


def test_inferences_to_confirm_are_listed_apart_from_the_gaps(
    app: FastAPI, write_client: TestClient, audit: dict[str, Any]
) -> None:
    seeded = {
        (i["entity"]["type"], i["entity"]["slug"], i["entity"]["field"])
        for i in audit["to_confirm"]
    }
    infer_facts(app)
    after = write_client.get(AUDIT).json()
    register = write_client.get(f"{API}/register").json()
    listed = {
        (i["entity"]["type"], i["entity"]["slug"], i["entity"]["field"])
        for i in after["to_confirm"]
    }
    assert listed == inferred_facts(register)
    assert listed == seeded | INFERRED_HERE
    assert after["summary"]["to_confirm"] == len(listed)
    by_fact = {(i["entity"]["slug"], i["entity"]["field"]): i for i in after["to_confirm"]}
    police = by_fact[("police", "lawful_bases/article-6-1-c")]
    assert police["entity"]["name"] == "The Police"
    assert police["value"] == "Article 6(1)(c) Legal obligation"
    assert police["quotes"] == [LAW_REQUIRES]
    assert police["reasoning"] == "'The law requires us' reads as a legal obligation."
    assert police["message"] == (
        "“The Police”: lawful bases = Article 6(1)(c) Legal obligation is the register's "
        "reading, not the notice's words ('The law requires us' reads as a legal obligation); "
        "confirm it."
    )
    nexus = by_fact[("nexus", "kind")]
    assert nexus["value"] == "company"
    # Inferences are no gaps: the police now has a lawful basis, and nothing else changed.
    gaps = by_rule(after)
    assert "police" not in first_slugs(gaps["sharing-without-lawful-basis"])
    before = {(f["rule"], f["entities"][0]["slug"]) for f in audit["findings"]}
    now = {(f["rule"], f["entities"][0]["slug"]) for f in after["findings"]}
    assert before - now == {("sharing-without-lawful-basis", "police")}
    assert now <= before
    assert after["summary"]["findings"] == len(after["findings"])


def test_the_command_lists_the_inferences_to_confirm(
    app: FastAPI,
    seeded_db: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    infer_facts(app)
    run_cli(seeded_db, "audit", monkeypatch=monkeypatch)
    out = capsys.readouterr().out
    section = out.split("To confirm (values the register infers; the notice does not state them):")
    assert len(section) == 2
    rows = [line.split(None, 2) for line in section[1].strip().splitlines()[1:-2]]
    run_cli(seeded_db, "audit", "--json", monkeypatch=monkeypatch)
    listed = json.loads(capsys.readouterr().out)["to_confirm"]
    assert {(r[0], r[1]) for r in rows} == {
        (f"{i['entity']['type']}/{i['entity']['slug']}", i["entity"]["field"]) for i in listed
    }
    printed = {(r[0], r[1]) for r in rows}
    assert {(f"{t}/{slug}", field) for t, slug, field in INFERRED_HERE} <= printed
    assert out.splitlines()[-1].endswith(f"; {len(listed)} inferred value(s) to confirm.")


def test_an_inferred_fact_of_a_sharing_condition_is_named_by_its_condition(
    app: FastAPI, write_client: TestClient
) -> None:
    slug = "youth-support-services-from-13"
    conditions = write_client.get(f"{API}/sharing/{slug}").json()["conditions"]
    right = conditions[1]
    assert right["kind"] == "restriction_right"
    transferred = "This right is transferred to the child/pupil once he/she reaches the age of 16."
    right["basis"] = {
        "until_age": {
            "basis": "inferred",
            "quotes": [transferred],
            "reasoning": "Once the right passes to the child at 16, a parent no longer holds it.",
        }
    }
    change(app, "sharing", slug, {"conditions": conditions})
    (inference,) = (
        i
        for i in write_client.get(AUDIT).json()["to_confirm"]
        if i["entity"]["field"] == "conditions.1.until_age"
    )
    assert inference["entity"] == {
        "type": "sharing",
        "slug": slug,
        "name": "Youth support services – pupils aged 13 and over",
        "field": "conditions.1.until_age",
    }
    assert inference["value"] == "16"
    assert inference["quotes"] == [transferred]
    assert inference["message"].startswith("“Youth support services – pupils aged 13 and over”: ")
    assert "condition 2, until age = 16" in inference["message"]
