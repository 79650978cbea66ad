"""Importing a register document: over HTTP and with ``sharing-register import``."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from app import cli
from app.api.services import services_of
from app.main import create_app
from app.register.models import Recipient
from app.routes import exports as exports_router
from app.trail.models import AuditEvent
from tests.conftest import make_key, make_settings
from tests.exports_helpers import API, COUNCIL, content_of
from tests.helpers import assert_problem

IMPORT = f"{API}/register/import"


@pytest.fixture(scope="module")
def seed_document(client: TestClient) -> dict[str, Any]:
    document: dict[str, Any] = client.get(f"{API}/register").json()
    return document


@pytest.fixture
def empty_app(empty_db: str) -> Iterator[FastAPI]:
    application = create_app(make_settings(empty_db))
    yield application
    services_of(application).engine.dispose()


def events(app: FastAPI) -> int:
    with services_of(app).sessions() as session:
        return int(session.scalar(select(func.count()).select_from(AuditEvent)) or 0)


def entries(document: dict[str, Any]) -> int:
    return 1 + sum(len(v) for k, v in content_of(document).items() if isinstance(v, list))


def test_round_trip_into_a_fresh_database_gives_the_same_register(
    empty_app: FastAPI, seed_document: dict[str, Any]
) -> None:
    key = make_key(empty_app, "register:write")
    with TestClient(empty_app) as fresh:
        assert_problem(fresh.get(f"{API}/register"), 404)
        response = fresh.post(
            IMPORT, json=seed_document, headers={"Authorization": f"Bearer {key}"}
        )
        assert response.status_code == 200, response.text
        result = response.json()
        assert result["controller"] == COUNCIL
        assert result["created"] == entries(seed_document)
        assert result["updated"] == result["deleted"] == 0
        assert result["digest"] == seed_document["digest"]
        assert events(empty_app) == result["created"]
        again = fresh.get(f"{API}/register").json()
        assert again["digest"] == seed_document["digest"]
        assert content_of(again) == content_of(seed_document)
        for path in (f"{API}/register.jsonld", f"{API}/register.csv", "/tilt.json"):
            assert fresh.get(path).headers["register-digest"] == seed_document["digest"]
        twice = fresh.post(IMPORT, json=seed_document, headers={"Authorization": f"Bearer {key}"})
        assert twice.json()["changed"] == 0
        assert events(empty_app) == result["created"]


def test_import_updates_an_existing_controller_in_place(
    app: FastAPI, write_client: TestClient, auth: dict[str, str], seed_document: dict[str, Any]
) -> None:
    with services_of(app).sessions() as session:
        nexus_id = session.scalar(select(Recipient.id).where(Recipient.slug == "nexus"))
    document = json.loads(json.dumps(seed_document))
    del document["digest"]  # an edited document no longer matches its digest
    nexus = next(r for r in document["recipients"] if r["slug"] == "nexus")
    nexus["contract_reference"] = "CCC-2026-17"
    removed = "early-years-childcare-and-playwork-qualifications-and-training"
    document["services"] = [s for s in document["services"] if s["slug"] != removed]
    document["storage_locations"].append(
        {
            "slug": "cloud-backup",
            "name": "Cloud backup",
            "description": None,
            "sources": [{"kind": "notice", "quote": "Databases", "reference": None}],
            "position": 99,
        }
    )
    before = events(app)
    response = write_client.post(IMPORT, json=document, headers=auth)
    assert response.status_code == 200, response.text
    assert response.json() | {"digest": None} == {
        "controller": COUNCIL,
        "created": 1,
        "updated": 1,
        "deleted": 1,
        "changed": 3,
        "digest": None,
    }
    assert events(app) == before + 3
    with services_of(app).sessions() as session:
        changed = session.scalars(
            select(AuditEvent).where(AuditEvent.seq > before).order_by(AuditEvent.seq)
        ).all()
        assert {(e.action, e.slug) for e in changed} == {
            ("update", "nexus"),
            ("delete", removed),
            ("create", "cloud-backup"),
        }
        assert {e.actor_type for e in changed} == {"api_key"}
        assert len({e.request_id for e in changed}) == 1
        assert session.scalar(select(Recipient.id).where(Recipient.slug == "nexus")) == nexus_id
    register = write_client.get(f"{API}/register").json()
    assert register["digest"] == response.json()["digest"]
    assert next(r for r in register["recipients"] if r["slug"] == "nexus")["contract_reference"]


def test_removing_an_entry_the_document_still_refers_to_is_refused(
    app: FastAPI, write_client: TestClient, auth: dict[str, str], seed_document: dict[str, Any]
) -> None:
    before = write_client.get(f"{API}/register").json()["digest"]
    document = json.loads(json.dumps(seed_document))
    del document["digest"]
    # Data categories of the document still name the traded services.
    document["services"] = [s for s in document["services"] if s["slug"] != "traded-services"]
    body = assert_problem(write_client.post(IMPORT, json=document, headers=auth), 422)
    (error,) = body["errors"]
    assert "traded-services" in str(error)
    assert "data-categories traded-services-participation-records (services)" in error["msg"]
    assert write_client.get(f"{API}/register").json()["digest"] == before


def test_a_bad_document_loads_nothing(
    app: FastAPI, write_client: TestClient, auth: dict[str, str], seed_document: dict[str, Any]
) -> None:
    before = write_client.get(f"{API}/register").json()["digest"]
    tampered = json.loads(json.dumps(seed_document))
    tampered["services"][0]["name"] = "Changed after export"
    body = assert_problem(write_client.post(IMPORT, json=tampered, headers=auth), 422)
    assert [e["field"] for e in body["errors"]] == ["digest"]

    broken = {k: v for k, v in seed_document.items() if k not in ("digest", "rights")}
    broken["servicez"] = []
    broken["schema_version"] = "0.9"
    body = assert_problem(write_client.post(IMPORT, json=broken, headers=auth), 422)
    assert {e["field"] for e in body["errors"]} == {"rights", "servicez", "schema_version"}

    invalid = json.loads(json.dumps(seed_document))
    del invalid["digest"]
    invalid["services"].append({"slug": "Not A Slug", "name": "x", "sources": []})
    invalid["sharing"][0]["recipient"] = "no-such-recipient"
    body = assert_problem(write_client.post(IMPORT, json=invalid, headers=auth), 422)
    where = {(e["where"], e["field"]) for e in body["errors"]}
    assert ("document: services", "slug") in where
    assert ("document: services", "sources") in where
    assert write_client.get(f"{API}/register").json()["digest"] == before

    valid_shape_bad_reference = json.loads(json.dumps(seed_document))
    del valid_shape_bad_reference["digest"]
    valid_shape_bad_reference["sharing"][0]["recipient"] = "no-such-recipient"
    body = assert_problem(
        write_client.post(IMPORT, json=valid_shape_bad_reference, headers=auth), 422
    )
    assert body["errors"][0]["field"] == "recipient"
    assert "no-such-recipient" in body["errors"][0]["msg"]
    assert write_client.get(f"{API}/register").json()["digest"] == before


def test_import_needs_the_write_scope_and_json(
    app: FastAPI, write_client: TestClient, auth: dict[str, str], seed_document: dict[str, Any]
) -> None:
    assert_problem(write_client.post(IMPORT, json=seed_document), 401)
    reader = make_key(app, "keys:admin", name="admin only")
    assert_problem(
        write_client.post(
            IMPORT, json=seed_document, headers={"Authorization": f"Bearer {reader}"}
        ),
        403,
    )
    text = write_client.post(IMPORT, content=b"{}", headers={**auth, "Content-Type": "text/plain"})
    assert_problem(text, 415)
    not_json = write_client.post(
        IMPORT, content=b"{not json", headers={**auth, "Content-Type": "application/json"}
    )
    assert "not valid JSON" in assert_problem(not_json, 422)["errors"][0]["msg"]
    array = write_client.post(IMPORT, json=[1, 2], headers=auth)
    assert_problem(array, 422)
    assert_problem(
        write_client.post(IMPORT, params={"x": "1"}, json=seed_document, headers=auth), 422
    )
    # ?controller= guards against importing another controller's document.
    other = write_client.post(
        IMPORT, params={"controller": "another-council"}, json=seed_document, headers=auth
    )
    assert assert_problem(other, 422)["errors"][0]["field"] == "controller.slug"
    same = write_client.post(
        IMPORT, params={"controller": COUNCIL}, json=seed_document, headers=auth
    )
    assert same.status_code == 200, same.text
    assert same.json()["changed"] == 0


def test_import_refuses_oversized_documents(
    write_client: TestClient, auth: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(exports_router, "MAX_IMPORT_BYTES", 1000)
    big = {"schema_version": "1.0", "padding": "x" * 2000}
    assert_problem(write_client.post(IMPORT, json=big, headers=auth), 413)


def test_a_key_limited_to_one_controller(
    app: FastAPI, write_client: TestClient, seed_document: dict[str, Any]
) -> None:
    own = {"Authorization": f"Bearer {make_key(app, 'register:write', controller=COUNCIL)}"}
    document = json.loads(json.dumps(seed_document))
    del document["digest"]
    document["services"][0]["name"] = "Renamed by the council"
    assert write_client.post(IMPORT, json=document, headers=own).status_code == 200
    document["lawful_bases"][0]["name"] = "Consent (renamed)"
    assert_problem(write_client.post(IMPORT, json=document, headers=own), 403)
    other = json.loads(json.dumps(document))
    other["lawful_bases"] = seed_document["lawful_bases"]
    other["controller"]["slug"] = "another-council"
    assert_problem(write_client.post(IMPORT, json=other, headers=own), 403)


def run_cli(url: str, *argv: str, monkeypatch: pytest.MonkeyPatch) -> int:
    monkeypatch.setattr(cli.parser, "get_settings", lambda: make_settings(url))
    return cli.main(list(argv))


def test_cli_import(
    empty_db: str,
    seed_document: dict[str, Any],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = tmp_path / "register.json"
    path.write_text(json.dumps(seed_document), encoding="utf-8")
    assert run_cli(empty_db, "import", str(path), monkeypatch=monkeypatch) == 0
    out = capsys.readouterr().out
    assert f"into {COUNCIL}: {entries(seed_document)} created, 0 updated, 0 deleted" in out
    assert seed_document["digest"] in out
    assert run_cli(empty_db, "import", str(path), monkeypatch=monkeypatch) == 0
    assert "0 created, 0 updated, 0 deleted" in capsys.readouterr().out

    bad = tmp_path / "bad.json"
    document = {k: v for k, v in seed_document.items() if k != "digest"}
    document["recipients"] = [{"slug": "x"}]
    bad.write_text(json.dumps(document), encoding="utf-8")
    assert run_cli(empty_db, "import", str(bad), monkeypatch=monkeypatch) == 1
    err = capsys.readouterr().err
    assert "not imported" in err
    assert "document: recipients: entry 1 (x): name: Field required" in err
    assert run_cli(empty_db, "import", str(tmp_path / "missing.json"), monkeypatch=monkeypatch) == 1
    assert "cannot read" in capsys.readouterr().err
