"""Routes that build their body as a dict check it against their documented
response model: a body that drifts from the OpenAPI document is a 500 problem,
never a 200 carrying undocumented content."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from app.routes import keys
from tests.conftest import make_key
from tests.helpers import assert_problem

API = "/api/v1"


def test_a_checked_body_is_sent_unchanged(app: FastAPI, write_client: TestClient) -> None:
    admin = {"Authorization": f"Bearer {make_key(app, 'keys:admin', name='admin')}"}
    listed = write_client.get(f"{API}/keys", headers=admin)
    assert listed.status_code == 200, listed.text
    assert listed.headers["cache-control"] == "no-store"
    assert listed.headers["etag"]
    assert [item["name"] for item in listed.json()["items"]] == ["admin"]


def test_a_body_drifting_from_its_model_is_a_500(
    app: FastAPI, write_client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    admin = {"Authorization": f"Bearer {make_key(app, 'keys:admin', name='admin')}"}
    view = keys._view

    def without_scopes(*args: Any) -> dict[str, object]:
        body = view(*args)
        del body["scopes"]  # required by KeyOut
        return body

    monkeypatch.setattr(keys, "_view", without_scopes)
    body = assert_problem(write_client.get(f"{API}/keys", headers=admin), 500)
    assert "scopes" not in str(body)
