"""A client generated from ``/openapi.json`` by ``openapi-python-client`` (as a
school's or council's developer would make one) lists, filters ``/sharing``,
reads a detail, gets every error as a typed ``Problem`` and edits with a
bearer key and ``If-Match``, over real HTTP to the app (httpx's ASGI
transport) on a real database."""

from __future__ import annotations

import asyncio
import importlib
import subprocess
import sys
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from app.api.services import services_of
from app.config import PROJECT_ROOT
from app.main import create_app
from tests.conftest import make_key, make_settings

GENERATOR = Path(sys.executable).parent / "openapi-python-client"
CONFIG = PROJECT_ROOT / "tests" / "contract" / "openapi-python-client.yaml"
PACKAGE = "dsr_generated_client"


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ModuleType]:
    app = create_app(make_settings("sqlite://"))
    services_of(app).engine.dispose()
    with TestClient(app) as client:
        document = client.get("/openapi.json").content
    root = tmp_path_factory.mktemp("client")
    (root / "openapi.json").write_bytes(document)
    result = subprocess.run(
        [
            str(GENERATOR),
            "generate",
            "--path",
            "openapi.json",
            "--meta",
            "none",
            "--output-path",
            PACKAGE,
            "--config",
            str(CONFIG),
        ],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "WARNING" not in output, output  # nothing of the document was dropped
    sys.path.insert(0, str(root))
    try:
        yield importlib.import_module(PACKAGE)
    finally:
        sys.path.remove(str(root))
        for name in [n for n in sys.modules if n.startswith(PACKAGE)]:
            del sys.modules[name]


def api(package: ModuleType, tag: str, operation: str) -> Any:
    return importlib.import_module(f"{package.__name__}.api.{tag}.{operation}")


def model(package: ModuleType, name: str) -> Any:
    return getattr(importlib.import_module(f"{package.__name__}.models"), name)


def run(call: Any) -> Any:
    """Await a generated call on a loop of its own: a thread other than the main
    one, where the browser tests' Playwright may keep a loop running."""
    with ThreadPoolExecutor(1) as thread:
        return thread.submit(asyncio.run, call).result()


def clients(package: ModuleType, app: FastAPI, token: str) -> tuple[Any, Any]:
    args = {"transport": httpx.ASGITransport(app=app)}
    anonymous = package.Client(base_url="http://testserver", httpx_args=args)
    authenticated = package.AuthenticatedClient(
        base_url="http://testserver", token=token, httpx_args=args
    )
    return anonymous, authenticated


def test_a_generated_client_reads_filters_and_lists(generated: ModuleType, app: FastAPI) -> None:
    anonymous, _ = clients(generated, app, "unused")
    page = run(api(generated, "recipients", "list_recipients").asyncio(client=anonymous, limit=3))
    assert isinstance(page, model(generated, "PageOutRecipientsOut"))
    assert len(page.items) == 3
    assert page.total > 3
    assert page.next_cursor
    sharing = run(
        api(generated, "sharing", "list_sharing").asyncio(
            client=anonymous, recipient=["nexus"], limit=50
        )
    )
    assert sharing.items
    assert all(item.recipient == "nexus" for item in sharing.items)
    nexus = run(api(generated, "recipients", "get_recipients").asyncio("nexus", client=anonymous))
    assert isinstance(nexus, model(generated, "RecipientDetailOut"))
    assert nexus.slug == "nexus"


def test_errors_parse_into_the_problem_model(generated: ModuleType, app: FastAPI) -> None:
    anonymous, _ = clients(generated, app, "not-a-key")
    problem_type = model(generated, "Problem")
    missing = run(
        api(generated, "recipients", "get_recipients").asyncio_detailed("nobody", client=anonymous)
    )
    assert missing.status_code == 404
    assert isinstance(missing.parsed, problem_type)
    assert missing.parsed.status == 404
    assert "nobody" in missing.parsed.detail
    invalid = run(
        api(generated, "recipients", "list_recipients").asyncio_detailed(
            client=anonymous, controller=["no-such-council"]
        )
    )
    assert invalid.status_code == 422
    assert isinstance(invalid.parsed, problem_type)
    errors = invalid.parsed.additional_properties["errors"]
    assert errors[0]["field"] == "controller"


def test_an_authenticated_patch_with_if_match(generated: ModuleType, app: FastAPI) -> None:
    key = make_key(app, "register:write", name="generated client")
    anonymous, authenticated = clients(generated, app, key)
    get = api(generated, "recipients", "get_recipients")
    update = api(generated, "recipients", "update_recipients")
    patch = model(generated, "RecipientsPatch")
    read = run(get.asyncio_detailed("nexus", client=anonymous))
    etag = read.headers["etag"]
    body = patch(description="Edited through a generated client.")
    refused = run(update.asyncio_detailed("nexus", client=anonymous, body=body, if_match=etag))
    assert refused.status_code == 401
    assert isinstance(refused.parsed, model(generated, "Problem"))
    changed = run(update.asyncio_detailed("nexus", client=authenticated, body=body, if_match=etag))
    assert changed.status_code == 200, changed.content
    assert changed.parsed.description == "Edited through a generated client."
    stale = run(update.asyncio_detailed("nexus", client=authenticated, body=body, if_match=etag))
    assert stale.status_code == 412
    assert stale.parsed.status == 412
    reread = run(get.asyncio("nexus", client=anonymous))
    assert reread.description == "Edited through a generated client."
