"""GOV.UK Frontend: the built stylesheet and script the pages use are
committed (the service needs no Node.js to run) and must be exactly what
``scripts/build-frontend`` makes from the versions pinned by
frontend/package-lock.json. They are served by this service, with a digest
in their URL and a year's cache lifetime; no page loads anything from
another origin."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from app.config import PROJECT_ROOT
from app.web.templating import STATIC, STATIC_DIR
from tests.web_helpers import NOTICE

FRONTEND = PROJECT_ROOT / "frontend"
BUILT = ("app.css", "govuk-frontend.min.js", "govuk-crest.svg")


def test_versions_are_pinned_exactly() -> None:
    package = json.loads((FRONTEND / "package.json").read_text())
    lock = json.loads((FRONTEND / "package-lock.json").read_text())
    for name, version in package["dependencies"].items():
        assert re.fullmatch(r"\d+\.\d+\.\d+", version), (name, version)
        locked = lock["packages"][f"node_modules/{name}"]
        assert locked["version"] == version
        assert locked["integrity"].startswith("sha512-")
    assert "govuk-frontend" in package["dependencies"]


def test_the_committed_assets_are_what_the_build_makes(tmp_path: Path) -> None:
    if not shutil.which("npm"):
        if os.environ.get("CI") == "true":
            pytest.fail("npm is needed to rebuild the front-end assets")
        pytest.skip("npm is not installed")
    subprocess.run(
        [str(PROJECT_ROOT / "scripts" / "build-frontend"), str(tmp_path)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    for name in BUILT:
        assert (tmp_path / name).read_bytes() == (STATIC_DIR / name).read_bytes(), name


def test_the_stylesheet_is_govuk_frontend_without_the_gov_uk_font() -> None:
    css = (STATIC_DIR / "app.css").read_text()
    assert ".govuk-summary-list" in css
    assert ".govuk-service-navigation" in css
    assert "GDS Transport" not in css  # the font is for GOV.UK domains only
    for url in re.findall(r"url\(([^)]*)\)", css):
        path = url.strip("\"'")
        assert path.startswith("/static/"), url
        assert path.removeprefix("/static/") in STATIC, url


def test_pages_load_only_versioned_assets_of_this_service(client: TestClient) -> None:
    html = client.get(NOTICE).text
    assets = re.findall(r'(?:src|href)="(/static/[^"]+)"', html)
    assert {a.split("?")[0] for a in assets} >= {"/static/app.css", "/static/init.js"}
    for url in assets:
        response = client.get(url.replace("&amp;", "&"))
        assert response.status_code == 200, url
        assert "max-age=31536000, immutable" in response.headers["cache-control"], url
    init = client.get(next(a for a in assets if "init.js" in a)).text
    module = re.search(r'from "(/static/govuk-frontend\.min\.js\?v=[0-9a-f]+)"', init)
    assert module is not None
    script = client.get(module.group(1))
    assert "immutable" in script.headers["cache-control"]
    assert "initAll" in script.text
    assert not re.search(r'(?:src|href)="(?:https?:)?//', html.split("<body")[0])
    # An unversioned or stale URL is still served, but not cached for long.
    stale = client.get("/static/app.css?v=0000")
    assert stale.status_code == 200
    assert "immutable" not in stale.headers["cache-control"]
