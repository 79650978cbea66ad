"""What every export shares: filename, validators, stamps, errors, and the
register it is made from (now, ``as_of`` a past moment, a published version)."""

from __future__ import annotations

import csv
import io
import time
from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.exports_helpers import API, COUNCIL, change
from tests.helpers import assert_problem

EXPORTS = {
    f"{API}/register.jsonld": "jsonld",
    f"{API}/register.tilt.json": "tilt.json",
    "/tilt.json": "tilt.json",
    f"{API}/register.csv": "csv",
    f"{API}/register.xlsx": "xlsx",
    f"{API}/register/audit": "audit.json",
}
PATHS = list(EXPORTS)
SESSION_STARTED = datetime.now(UTC)


def stated_digest(path: str, response: Any) -> str:
    """The content digest an export states in its body."""
    if path.endswith(".jsonld"):
        (node,) = [n for n in response.json()["@graph"] if "dsr:contentDigest" in n]
        return str(node["dsr:contentDigest"])
    if path.endswith("tilt.json"):
        return str(response.json()["meta"]["x-digest"])
    if path.endswith(".csv"):
        rows = csv.reader(io.StringIO(response.content.decode("utf-8-sig")))
        return next(r[1] for r in rows if r and r[0] == "Content digest (SHA-256)")
    if path.endswith(".xlsx"):
        from openpyxl import load_workbook

        sheet = load_workbook(io.BytesIO(response.content)).active
        assert sheet is not None
        return next(
            str(r[1])
            for r in sheet.iter_rows(values_only=True)
            if r[0] == "Content digest (SHA-256)"
        )
    return str(response.json()["digest"])


@pytest.mark.parametrize("path", PATHS)
def test_every_export_names_its_file_and_states_its_stamps(client: TestClient, path: str) -> None:
    register = client.get(f"{API}/register").json()
    response = client.get(path)
    assert response.status_code == 200, response.text
    headers = response.headers
    assert headers["etag"].startswith('W/"')
    disposition = headers["content-disposition"]
    filename = f"{COUNCIL}-register-v{register['data_version']}.{EXPORTS[path]}"
    assert disposition.endswith(f'; filename="{filename}"')
    assert disposition.startswith("attachment" if path.endswith(("csv", "xlsx")) else "inline")
    assert headers["register-digest"] == register["digest"]
    assert headers["register-data-version"] == str(register["data_version"])
    generated = datetime.fromisoformat(headers["register-generated-at"])
    # Rendered by this test session (perhaps replayed from the response cache since).
    assert SESSION_STARTED <= generated <= datetime.now(UTC)
    assert stated_digest(path, response) == register["digest"]
    assert "public" in headers["cache-control"]


@pytest.mark.parametrize("path", PATHS)
def test_revalidation_answers_304_without_a_body(client: TestClient, path: str) -> None:
    first = client.get(path)
    again = client.get(path, headers={"If-None-Match": first.headers["etag"]})
    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["etag"] == first.headers["etag"]
    stale = client.get(path, headers={"If-None-Match": 'W/"0000"'})
    assert stale.status_code == 200


def test_a_change_changes_every_validator_and_digest(
    app: FastAPI, write_client: TestClient
) -> None:
    before = {path: write_client.get(path) for path in PATHS}
    change(app, "recipients", "nexus", {"contract_reference": "CCC-2026-17"})
    after = {path: write_client.get(path) for path in PATHS}
    for path in PATHS:
        assert after[path].headers["etag"] != before[path].headers["etag"], path
        assert after[path].headers["register-digest"] != before[path].headers["register-digest"]
        assert stated_digest(path, after[path]) == after[path].headers["register-digest"]


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize(
    ("params", "status"),
    [
        ({"colour": "blue"}, 422),
        ({"controller": "no-such-council"}, 404),
        ({"as_of": "yesterday"}, 422),
        ({"as_of": "2026-11-30T09:00:00Z", "version": "v1"}, 422),
        ({"version": "Not A Slug"}, 422),
        ({"version": "no-such-version"}, 404),
        ({"as_of": "2000-01-01T00:00:00Z"}, 404),
    ],
)
def test_bad_requests_are_problem_details(
    client: TestClient, path: str, params: dict[str, str], status: int
) -> None:
    assert_problem(client.get(path, params=params), status)


def moment() -> str:
    now = datetime.now(UTC).isoformat()
    time.sleep(0.01)  # the next change happens strictly later
    return now


def test_exports_of_a_past_moment_and_of_a_published_version(
    app: FastAPI, write_client: TestClient, auth: dict[str, str]
) -> None:
    published = write_client.post(
        f"{API}/versions", json={"name": "Education notice, November 2026"}, headers=auth
    )
    assert published.status_code == 201, published.text
    version = published.json()["slug"]
    then = write_client.get(f"{API}/register").json()
    past = moment()
    change(app, "recipients", "nexus", {"contract_reference": "CCC-2026-17"})
    now = write_client.get(f"{API}/register").json()
    assert now["digest"] != then["digest"]
    stamp = past[:19].replace("-", "").replace(":", "")
    for path, extension in EXPORTS.items():
        old = write_client.get(path, params={"as_of": past})
        assert old.status_code == 200, old.text
        assert old.headers["register-digest"] == then["digest"]
        assert stated_digest(path, old) == then["digest"]
        assert old.headers["register-as-of"] == datetime.fromisoformat(past).isoformat()
        assert (
            f'filename="{COUNCIL}-register-as-of-{stamp}Z.{extension}"'
            in (old.headers["content-disposition"])
        )
        frozen = write_client.get(path, params={"version": version})
        assert frozen.status_code == 200, frozen.text
        assert frozen.headers["register-version"] == version
        assert stated_digest(path, frozen) == then["digest"]
        assert f"-register-version-{version}.{extension}" in frozen.headers["content-disposition"]
        current = write_client.get(path)
        assert stated_digest(path, current) == now["digest"]
        assert len({old.headers["etag"], frozen.headers["etag"], current.headers["etag"]}) == 3
    negotiated = write_client.get(
        f"{API}/register", params={"as_of": past}, headers={"Accept": "application/ld+json"}
    )
    assert negotiated.headers["content-type"] == "application/ld+json"
    assert stated_digest(f"{API}/register.jsonld", negotiated) == then["digest"]


def test_past_exports_state_past_facts(app: FastAPI, write_client: TestClient) -> None:
    past = moment()
    change(app, "recipients", "nexus", {"contract_reference": "CCC-2026-17"})
    tilt_then = write_client.get(f"{API}/register.tilt.json", params={"as_of": past}).json()
    tilt_now = write_client.get(f"{API}/register.tilt.json").json()

    def nexus(document: dict[str, Any]) -> Any:
        return next(p for p in document["x-processors"] if p["slug"] == "nexus")

    assert nexus(tilt_then)["contractReference"] is None
    assert nexus(tilt_now)["contractReference"] == "CCC-2026-17"
    assert tilt_then["meta"]["modified"] == datetime.fromisoformat(past).isoformat()
    audit_then = write_client.get(f"{API}/register/audit", params={"as_of": past}).json()
    audit_now = write_client.get(f"{API}/register/audit").json()
    rule = "processor-without-contract"
    assert [r["findings"] for r in audit_then["rules"] if r["id"] == rule] == [5]
    assert [r["findings"] for r in audit_now["rules"] if r["id"] == rule] == [4]
