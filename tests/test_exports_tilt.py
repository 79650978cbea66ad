"""The TILT export, validated against the vendored TILT JSON Schema."""

from __future__ import annotations

import json
import re
from functools import cache
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from jsonschema import Draft7Validator, FormatChecker

from app.exports.tilt import NOT_STATED_EMAIL, basis_reference, tilt_duration
from app.register.basis import REDACTED_EMAIL, REDACTED_EMAIL_WORDS
from tests.exports_helpers import API, COUNCIL, REFERENCE, change, seed

TILT = REFERENCE / "tilt"
# RFC 3986's characters of a URI reference (jsonschema checks "uri-reference"
# only with an optional package installed): "Not stated" is not one.
URI_REFERENCE = re.compile(r"^(?:[A-Za-z][A-Za-z0-9+.-]*:)?[A-Za-z0-9._~:/?#\[\]@!$&'()*+,;=%-]*$")


def format_checker() -> FormatChecker:
    checker = FormatChecker()  # every format jsonschema knows, "email" among them
    checker.checks("uri-reference")(
        lambda value: not isinstance(value, str) or bool(URI_REFERENCE.match(value))
    )
    return checker


@cache
def validator() -> Draft7Validator:
    schema = json.loads((TILT / "tilt-schema.json").read_text(encoding="utf-8"))
    Draft7Validator.check_schema(schema)
    return Draft7Validator(schema, format_checker=format_checker())


def errors(document: Any) -> list[str]:
    return [f"{list(e.absolute_path)}: {e.message}" for e in validator().iter_errors(document)]


def tilt(client: TestClient, path: str = f"{API}/register.tilt.json") -> dict[str, Any]:
    response = client.get(path)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/json"
    document: dict[str, Any] = response.json()
    return document


def test_the_validator_accepts_the_official_example_and_refuses_a_broken_one() -> None:
    example = json.loads((TILT / "tilt-example.json").read_text(encoding="utf-8"))
    assert errors(example) == []
    broken = {k: v for k, v in example.items() if k != "dataProtectionOfficer"}
    broken["controller"] = {**example["controller"], "country": "United Kingdom"}
    broken["meta"] = {**example["meta"], "url": "Not stated"}
    broken["rightToComplain"] = {**example["rightToComplain"], "email": "Not stated"}
    found = errors(broken)
    assert any("dataProtectionOfficer" in e for e in found)
    assert any("country" in e for e in found)
    assert any("'Not stated' is not a 'email'" in e for e in found)
    assert any("'Not stated' is not a 'uri-reference'" in e for e in found)


def test_the_seed_register_is_valid_tilt(client: TestClient) -> None:
    assert errors(tilt(client)) == []


def test_tilt_is_also_at_the_well_known_path(client: TestClient) -> None:
    api, well_known = tilt(client), tilt(client, "/tilt.json")
    for document in (api, well_known):
        for key in ("created", "modified", "x-generatedAt"):
            document["meta"].pop(key)
    assert api == well_known


def test_tilt_states_the_registers_facts(client: TestClient) -> None:
    register = client.get(f"{API}/register").json()
    document = tilt(client)
    meta = document["meta"]
    assert meta["_hash"] == register["digest"].removeprefix("sha256:")
    assert meta["x-digest"] == register["digest"]
    assert meta["version"] == register["data_version"]
    assert meta["x-dataVersion"] == register["data_version"]
    assert meta["language"] == "en"
    assert meta["url"] == ""  # the empty reference: the notice's address is not recorded
    assert "url" in meta["x-notStated"]
    assert document["controller"]["name"] == "Cambridgeshire County Council"
    assert document["controller"]["country"] == "GB"
    dpo = document["dataProtectionOfficer"]
    assert dpo["email"] == NOT_STATED_EMAIL
    assert dpo["x-notStated"] == ["email"]
    assert dpo["x-basis"]["dpo.email"]["basis"] == "not_stated"
    assert document["controller"]["representative"]["email"] == NOT_STATED_EMAIL
    assert dpo["phone"] == "01223 699137"

    disclosed = {entry["_id"]: entry for entry in document["dataDisclosed"]}
    assert set(disclosed) == {s["slug"] for s in register["sharing"]}
    dfe = disclosed["dfe-individual-pupils-regulations-2013"]
    assert dfe["legalBases"] == [
        {"reference": "UKGDPR-6-1-c", "description": "Article 6(1)(c) Legal obligation"}
    ]
    assert dfe["category"] == "Not stated"
    assert "category" in dfe["x-notStated"]
    assert [law["legislationGovUkId"] for law in dfe["x-legislation"]] == [
        "uksi/2013/2094",
        "uksi/2013/2094/regulation/3",
    ]
    youth = disclosed["youth-support-services-from-13"]
    assert youth["category"] == "Not stated"  # "we pass their details": which is not said
    assert "category" in youth["x-notStated"]
    assert youth["x-specialCategory"] is False
    assert [s["slug"] for s in youth["x-dataSubjects"]] == ["children-and-young-people"]
    assert youth["x-appliesFromAge"] == 13
    welfare = disclosed["welfare-call"]
    assert welfare["x-processor"] is True
    assert welfare["recipients"][0]["x-role"] == "processor"
    temporal = welfare["storage"][0]["temporal"]
    assert {
        "description": "Records relating to children who are looked after by the Local Authority",
        "ttl": "P75Y",
    } in temporal
    assert {p["slug"] for p in document["x-processors"]} == {
        "data-processing-companies",
        "nexus",
        "fft-aspire",
        "sentinel-partners-limited",
        "welfare-call",
    }
    special = {d["slug"] for d in document["x-specialCategoryData"]}
    assert special == {d["slug"] for d in register["data_categories"] if d["special_category"]}
    assert len(document["x-dataSubjects"]) == len(register["data_subjects"])
    assert document["rightToComplain"]["available"] is True
    assert document["rightToComplain"]["supervisoryAuthority"]["name"].startswith("Information")


def test_special_category_and_article_9_stay_valid(app: FastAPI, write_client: TestClient) -> None:
    change(app, "data-categories", "religion", {"article9_condition": "article-9-2-g"})
    change(
        app,
        "sharing",
        "police",
        {"data_categories": ["religion"], "lawful_bases": ["article-6-1-e"]},
    )
    change(app, "retention-rules", "looked-after-children-records", {"duration": "P1Y2W"})
    document = tilt(write_client)
    assert errors(document) == []
    police = next(d for d in document["dataDisclosed"] if d["_id"] == "police")
    assert [b["reference"] for b in police["legalBases"]] == ["UKGDPR-6-1-e", "UKGDPR-9-2-g"]
    assert police["x-specialCategory"] is True
    assert police["x-specialCategoryData"] == ["religion"]
    welfare = next(d for d in document["dataDisclosed"] if d["_id"] == "welfare-call")
    assert welfare["storage"][0]["temporal"][0]["ttl"] == "P1Y14D"


TTL = re.compile(
    validator().schema["properties"]["dataDisclosed"]["items"]["anyOf"][0]["properties"]["storage"][
        "items"
    ]["anyOf"][0]["properties"]["temporal"]["items"]["anyOf"][0]["properties"]["ttl"]["pattern"]
)


@pytest.mark.parametrize(
    ("duration", "expected"),
    [("P75Y", "P75Y"), ("P2W", "P14D"), ("P1Y2W3D", "P1Y17D"), ("P1WT12H", "P7DT12H")],
)
def test_durations_fit_tilts_pattern(duration: str, expected: str) -> None:
    assert tilt_duration(duration) == expected
    assert TTL.search(expected)


@pytest.mark.parametrize(
    ("reference", "expected"),
    [("Article 6(1)(c)", "UKGDPR-6-1-c"), ("Article 9(2)(g)", "UKGDPR-9-2-g")],
)
def test_lawful_basis_references_fit_tilts_pattern(reference: str, expected: str) -> None:
    assert basis_reference({"reference": reference}) == expected


def test_each_fact_carries_its_basis(client: TestClient) -> None:
    register = client.get(f"{API}/register").json()
    document = tilt(client)
    disclosed = {entry["_id"]: entry for entry in document["dataDisclosed"]}
    for arrangement in register["sharing"]:
        entry = disclosed[arrangement["slug"]]
        own = [s["quote"] for s in arrangement["sources"] if s["kind"] == "notice"]
        assert entry["x-sources"] == own
        facts = {k: v for k, v in entry["x-basis"].items() if not k.startswith("conditions.")}
        assert set(facts) == set(arrangement["basis"])
        for key, basis in facts.items():
            served = arrangement["basis"][key]
            assert basis["basis"] == served["basis"]
            assert (
                basis.get("quotes", own if served["basis"] == "stated" else []) == served["quotes"]
            )
        for index, condition in enumerate(arrangement["conditions"]):
            for key, served in condition["basis"].items():
                assert entry["x-basis"][f"conditions.{index}.{key}"]["basis"] == served["basis"]
    police = disclosed["police"]
    assert police["x-basis"]["data_categories"]["basis"] == "not_stated"
    assert police["category"] == "Not stated"
    youth = disclosed["youth-support-services-from-13"]
    assert youth["x-basis"]["conditions.1.contact_email"]["basis"] == "not_stated"
    for category in youth["x-dataCategories"]:
        served = youth["x-basis"][f"data_categories/{category['slug']}"]
        assert category["basis"] == served
    recipient = youth["recipients"][0]
    assert set(recipient["x-basis"]) == set(
        next(r for r in register["recipients"] if r["slug"] == "youth-support-services")["basis"]
    )
    special = {d["slug"]: d for d in document["x-specialCategoryData"]}
    assert special["ethnicity"]["basis"]["special_category"] == {
        "basis": "reference",
        "reference": "UK GDPR Article 9(1)",
    }
    assert {s["_id"] for s in document["sources"]} == {s["slug"] for s in seed("data-sources")}
    assert all("x-basis" in s for s in document["sources"])


def test_inferred_facts_and_open_lists_say_so(app: FastAPI, write_client: TestClient) -> None:
    quote = "The Police and the NSPCC"
    reasoning = "The police are a police force: a law enforcement body."
    change(
        app,
        "recipients",
        "police",
        {
            "kind": "police",
            "basis": {"kind": {"basis": "inferred", "quotes": [quote], "reasoning": reasoning}},
        },
    )
    change(
        app,
        "sharing",
        "police",
        {
            "data_categories": ["name", "address"],
            "basis": {
                "data_categories": {"basis": "stated", "quotes": [quote], "exhaustive": False}
            },
        },
    )
    words = "through the council's website"  # free text, not an address
    change(app, "controllers", COUNCIL, {"dpo": {"email": words}})
    document = tilt(write_client)
    assert errors(document) == []
    assert document["dataProtectionOfficer"]["email"] == NOT_STATED_EMAIL
    assert document["dataProtectionOfficer"]["x-email"] == words
    police = next(d for d in document["dataDisclosed"] if d["_id"] == "police")
    assert police["category"] == "including Name; Address"
    assert police["x-basis"]["data_categories"] == {
        "basis": "stated",
        "quotes": [quote],
        "exhaustive": False,
    }
    assert police["recipients"][0]["category"] == "police"
    assert police["recipients"][0]["x-basis"]["kind"] == {
        "basis": "inferred",
        "quotes": [quote],
        "reasoning": reasoning,
    }


def test_displayed_text_names_redacted_addresses_in_words(client: TestClient) -> None:
    document = tilt(client)
    youth = next(
        d for d in document["dataDisclosed"] if d["_id"] == "youth-support-services-from-13"
    )
    assert any(REDACTED_EMAIL_WORDS in c for c in youth["x-conditions"])
    assert not any(REDACTED_EMAIL in c for c in youth["x-conditions"])
    assert any(REDACTED_EMAIL in q for q in youth["x-sources"])  # quotes stay verbatim
