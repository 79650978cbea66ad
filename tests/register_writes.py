"""Writes through the API, as the advancing tests apply them one at a time
or all at once: each kind a kept register or index must follow."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient

API = "/api/v1"
CONTROLLER = "cambridgeshire-county-council"
SOURCES = [{"kind": "notice", "quote": "test"}]
CATEGORY = "attainment-education-and-training-history"

Write = Callable[[TestClient, dict[str, str]], None]


def write(
    method: str, path: str, body: dict[str, Any] | None = None, *, guard: str | None = None
) -> Write:
    """A write through the API; ``guard``: the entity whose ETag it must match
    (the path itself unless given)."""

    def run(client: TestClient, auth: dict[str, str]) -> None:
        headers = dict(auth)
        if method == "POST":
            headers["Idempotency-Key"] = hashlib.sha256(f"{path} {body}".encode()).hexdigest()
        else:
            headers["If-Match"] = client.get(f"{API}/{guard or path}").headers["etag"]
        response = client.request(method, f"{API}/{path}", json=body, headers=headers)
        assert response.status_code in {200, 201, 204}, response.text

    return run


WRITES: list[tuple[str, Write]] = [
    ("create", write("POST", "services", {"slug": "new", "name": "New", "sources": SOURCES})),
    ("update", write("PATCH", "recipients/nexus", {"name": "Nexus, renamed"})),
    ("update the controller", write("PATCH", f"controllers/{CONTROLLER}", {"website": None})),
    (
        "add a link",
        write("PUT", f"sharing/nexus/data-categories/{CATEGORY}", guard="sharing/nexus"),
    ),
    ("delete", write("DELETE", "sharing/welfare-call")),
    ("delete what it referenced", write("DELETE", "recipients/welfare-call")),
    ("delete what was created", write("DELETE", "services/new")),
]


def in_steps(writes: list[tuple[str, Write]]) -> pytest.MarkDecorator:
    """Parametrize a test's ``steps`` with these writes one at a time, then all
    at once (between two reads): what kept state must follow either way."""
    return pytest.mark.parametrize(
        "steps", [[[w] for w in writes], [writes]], ids=["one write", "every write at once"]
    )
