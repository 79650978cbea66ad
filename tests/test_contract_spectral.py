"""Spectral (``@stoplight/spectral-cli``, pinned by tests/contract/package-lock.json)
lints ``/openapi.json`` with the ``spectral:oas`` and OWASP API Security rulesets:
no error, no warning. The few rules turned off are listed, each with its reason,
in tests/contract/.spectral.yaml.

Locally the test skips when the npm packages are not installed
(``npm ci --prefix tests/contract``); in CI (``CI=true``) that is a failure.
"""

from __future__ import annotations

import json
import os
import subprocess
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.api.services import services_of
from app.config import PROJECT_ROOT
from app.main import create_app
from tests.conftest import make_settings

CONTRACT = PROJECT_ROOT / "tests" / "contract"
SPECTRAL = CONTRACT / "node_modules" / ".bin" / "spectral"
RULESET = CONTRACT / ".spectral.yaml"
# The ruleset's overrides name this file (relative to the ruleset).
DOCUMENT = CONTRACT / ".build" / "openapi.json"


def served_document() -> dict[str, Any]:
    app = create_app(make_settings("sqlite://"))
    services_of(app).engine.dispose()
    with TestClient(app) as client:
        document: dict[str, Any] = client.get("/openapi.json").json()
    return document


def spectral_findings(document: dict[str, Any]) -> list[dict[str, Any]]:
    if not SPECTRAL.exists():
        if os.environ.get("CI") == "true":
            pytest.fail("Spectral must run in CI: npm ci --prefix tests/contract")
        pytest.skip("Spectral is not installed: npm ci --prefix tests/contract")
    DOCUMENT.parent.mkdir(exist_ok=True)
    DOCUMENT.write_text(json.dumps(document))
    result = subprocess.run(
        [
            str(SPECTRAL),
            "lint",
            "--ruleset",
            str(RULESET),
            "--format",
            "json",
            "--quiet",
            "--fail-severity",
            "hint",
            str(DOCUMENT.relative_to(CONTRACT)),
        ],
        cwd=CONTRACT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.stdout.strip(), result.stderr
    findings: list[dict[str, Any]] = json.loads(result.stdout)
    return findings


def test_spectral_oas_and_owasp_find_nothing() -> None:
    findings = spectral_findings(served_document())
    summary = [f"{f['code']}: {f['message']} at {'.'.join(map(str, f['path']))}" for f in findings]
    assert findings == [], "\n".join(summary[:50])


def test_spectral_would_see_a_broken_contract() -> None:
    """The same run on a document with a write left open, an operation left
    undescribed and an unbounded query string reports each of them."""
    document = served_document()
    create = document["paths"]["/api/v1/services"]["post"]
    del create["security"]
    create["description"] = ""
    listing = document["paths"]["/api/v1/services"]["get"]
    next(p for p in listing["parameters"] if p["name"] == "cursor")["schema"] = {"type": "string"}
    codes = {f["code"] for f in spectral_findings(document)}
    assert {"owasp:api2:2023-write-restricted", "operation-description"} <= codes
    assert "request-string-limit" in codes


def test_every_rule_turned_off_has_its_reason() -> None:
    """Above each rule turned off (or its group, or its override's file list)
    stands a comment giving the reason."""
    lines = [line.strip() for line in RULESET.read_text().splitlines()]
    for number, line in enumerate(lines):
        if not line.endswith(": off"):
            continue
        above = number - 1
        while above >= 0 and (
            lines[above].endswith((": off", "rules:", "files:")) or lines[above].startswith('- "')
        ):
            above -= 1
        assert above >= 0, f"turned off without a reason: {line}"
        assert lines[above].startswith("#"), f"turned off without a reason: {line}"
