"""Every write endpoint, found by walking the app's routes, refuses requests
without the right key; refusals are recorded without the key."""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.api.services import services_of
from app.auth.keys import create_key, revoke_key
from app.auth.models import SecurityEvent
from app.db import session_scope
from app.main import create_app
from app.register import entities as e
from app.register import writes
from app.trail.chain import SYSTEM
from tests.conftest import make_key, make_settings
from tests.helpers import assert_problem

WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
KEY_ROUTES = "/api/v1/keys"


def api_routes(routes: list[Any]) -> list[APIRoute]:
    """Every APIRoute, descending into included routers."""
    found: list[APIRoute] = []
    for route in routes:
        if isinstance(route, APIRoute):
            found.append(route)
        nested = getattr(route, "original_router", None) or getattr(route, "routes", None)
        if nested is not None and not isinstance(route, APIRoute):
            found += api_routes(nested.routes if hasattr(nested, "routes") else nested)
    return found


def write_routes() -> list[tuple[str, str]]:
    app = create_app(make_settings("sqlite://"))
    found = sorted(
        {
            (method, route.path)
            for route in api_routes(app.routes)
            for method in route.methods & WRITE_METHODS
        }
    )
    services_of(app).engine.dispose()
    assert found, "the route walk found no write route"
    return found


WRITE_ROUTES = write_routes()


def concrete(client: TestClient, path: str) -> str:
    """Fill path parameters with values that exist in the seed."""
    values = {"link": "data-categories", "target": "name", "key_id": "000000000000"}
    segment = path.removeprefix("/api/v1/").split("/")[0]
    if "{slug}" in path:
        first = client.get(f"/api/v1/{segment}", params={"limit": 1}).json()["items"][0]
        values["slug"] = first["slug"]
    return re.sub(r"\{(\w+)\}", lambda m: values[m.group(1)], path)


def test_the_route_walk_finds_every_entity_write() -> None:
    paths = {(m, p) for m, p in WRITE_ROUTES}
    for entity_type in e.ALL_TYPES:
        assert ("POST", f"/api/v1/{entity_type.name}") in paths
        assert ("PATCH", f"/api/v1/{entity_type.name}/{{slug}}") in paths
        assert ("DELETE", f"/api/v1/{entity_type.name}/{{slug}}") in paths
    assert ("POST", "/api/v1/versions") in paths


def _send(
    client: TestClient,
    method: str,
    path: str,
    headers: dict[str, str],
    params: dict[str, str] | None = None,
) -> Any:
    return client.request(
        method,
        concrete(client, path),
        json={},
        params=params,
        headers={**headers, "If-Match": "*"},
    )


@pytest.fixture
def keys(app: FastAPI) -> dict[str, str]:
    with session_scope(services_of(app).sessions) as session:
        controller = writes.create(
            session,
            e.CONTROLLERS,
            None,
            {
                "slug": "other-council",
                "name": "Other Council",
                "sources": [{"kind": "notice", "quote": "x"}],
            },
            actor=SYSTEM,
        )
        assert controller.slug == "other-council"
        revoked = create_key(session, name="old", scopes=["register:write", "keys:admin"])
        revoke_key(session, revoked.key.key_id)
    return {
        "revoked": revoked.secret,
        "admin_only": make_key(app, "keys:admin", name="admin only"),
        "writer_only": make_key(app, "register:write", name="writer only"),
        "other_controller": make_key(
            app, "register:write", "keys:admin", controller="other-council", name="other"
        ),
    }


@pytest.mark.parametrize(("method", "path"), WRITE_ROUTES)
def test_every_write_route_refuses_bad_credentials(
    write_client: TestClient, keys: dict[str, str], session: Session, method: str, path: str
) -> None:
    council = {"controller": "cambridgeshire-county-council"}
    cases: list[tuple[dict[str, str], int, dict[str, str] | None]] = [
        ({}, 401, None),
        ({"Authorization": "Bearer dsr_000000000000_not-a-real-secret"}, 401, None),
        ({"Authorization": "Basic dXNlcjpwYXNz"}, 401, None),
        ({"Authorization": f"Bearer {keys['revoked']}"}, 401, None),
    ]
    wrong_scope = keys["writer_only"] if path.startswith(KEY_ROUTES) else keys["admin_only"]
    cases.append(({"Authorization": f"Bearer {wrong_scope}"}, 403, None))
    if not path.startswith(KEY_ROUTES):
        cases.append(({"Authorization": f"Bearer {keys['other_controller']}"}, 403, council))
    for headers, status, params in cases:
        response = _send(write_client, method, path, headers, params)
        body = assert_problem(response, status)
        if status == 401:
            assert response.headers["www-authenticate"].startswith("Bearer")
        assert body["type"].endswith("unauthenticated" if status == 401 else "forbidden")
    session.rollback()
    events = session.scalars(select(SecurityEvent)).all()
    assert len(events) >= len(cases)
    recorded = " ".join(f"{ev.reason} {ev.key_id} {ev.path}" for ev in events)
    for secret in keys.values():
        assert secret not in recorded
        assert secret.split("_", 2)[2] not in recorded


def test_a_key_limited_to_a_controller_edits_that_controller_only(
    write_client: TestClient, keys: dict[str, str]
) -> None:
    headers = {"Authorization": f"Bearer {keys['other_controller']}"}
    created = write_client.post(
        "/api/v1/services",
        json={
            "slug": "their-service",
            "name": "Theirs",
            "sources": [{"kind": "notice", "quote": "x"}],
        },
        headers=headers,
    )
    assert created.status_code == 201, created.text
    assert created.json()["controller"] == "other-council"
    refused = write_client.post(
        "/api/v1/services?controller=cambridgeshire-county-council",
        json={"slug": "ours", "name": "Ours", "sources": [{"kind": "notice", "quote": "x"}]},
        headers=headers,
    )
    assert_problem(refused, 403)
    lawful = write_client.post(
        "/api/v1/lawful-bases",
        json={
            "slug": "article-6-1-z",
            "name": "Z",
            "article": "article_6",
            "reference": "Article 6(1)(z)",
            "sources": [{"kind": "notice", "quote": "x"}],
        },
        headers=headers,
    )
    assert_problem(lawful, 403)


def test_keys_api_creates_lists_and_revokes(write_client: TestClient, app: FastAPI) -> None:
    admin = {"Authorization": f"Bearer {make_key(app, 'keys:admin', name='admin')}"}
    created = write_client.post(
        "/api/v1/keys", json={"name": "school sync", "scopes": ["register:write"]}, headers=admin
    )
    assert created.status_code == 201, created.text
    new_key = created.json()["key"]
    listed = write_client.get("/api/v1/keys", headers=admin).json()["items"]
    assert "school sync" in {k["name"] for k in listed}
    assert new_key not in str(listed)
    usable = write_client.post(
        "/api/v1/services",
        json={"slug": "k-service", "name": "K", "sources": [{"kind": "notice", "quote": "x"}]},
        headers={"Authorization": f"Bearer {new_key}"},
    )
    assert usable.status_code == 201
    key_id = created.json()["key_id"]
    assert write_client.delete(f"/api/v1/keys/{key_id}", headers=admin).status_code == 200
    refused = write_client.post(
        "/api/v1/services",
        json={"slug": "k-service-2", "name": "K", "sources": [{"kind": "notice", "quote": "x"}]},
        headers={"Authorization": f"Bearer {new_key}"},
    )
    assert_problem(refused, 401)
    assert_problem(write_client.get("/api/v1/keys"), 401)


def test_keys_are_stored_only_as_hashes(app: FastAPI, session: Session) -> None:
    from app.auth.models import ApiKey

    secret = make_key(app, "register:write")
    session.rollback()
    stored = session.scalars(select(ApiKey)).all()
    dump = " ".join(f"{k.key_id} {k.secret_hash} {k.name}" for k in stored)
    assert secret.split("_", 2)[2] not in dump
