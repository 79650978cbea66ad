"""Real-browser fixtures: the app served by uvicorn on a seeded SQLite copy,
a second server on another port (another origin) serving a host page that
embeds the recipient list, and Debian's Chromium driven by Playwright.

Locally the tests skip when Chromium, axe-core or Playwright is missing; in CI
(``CI=true``) a missing tool is a failure: these tests must run there.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from app.config import PROJECT_ROOT
from tests.conftest import migrate_and_seed

CHROMIUM = Path("/usr/bin/chromium")
AXE = PROJECT_ROOT / "tests" / "a11y" / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = PROJECT_ROOT / "test-artifacts"
CONTROLLER = "cambridgeshire-county-council"
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]

HOST_PAGE = """<!DOCTYPE html>
<html lang="en-GB">
<head><meta charset="utf-8"><title>A school's website</title></head>
<body>
<main>
<h1>A school's website on another origin</h1>
<h2>The register in an iframe</h2>
<iframe id="frame-embed" title="Who the council shares data with"
        src="{app}/embed/recipients?controller={controller}" width="600" height="500"></iframe>
<h2>The register rendered by its script</h2>
<div id="script-embed" data-sharing-register-recipients data-controller="{controller}"></div>
<h2>Only the youth support service</h2>
<div id="script-embed-filtered" data-sharing-register-recipients
     data-controller="{controller}" data-service="youth-support-service"></div>
<script src="{app}/embed/recipients.js" defer></script>
</main>
</body>
</html>
"""


def _require(condition: bool, what: str) -> None:
    if condition:
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"browser tests must run in CI, but {what}")
    pytest.skip(what)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _wait_until_up(url: str, process: subprocess.Popen[bytes], timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server for {url} exited with {process.returncode}")
        try:
            if httpx.get(url, timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"{url} did not come up in {timeout}s")


@contextmanager
def serve(
    command: list[str], ready_url: str, log: Path, env: dict[str, str] | None = None
) -> Iterator[None]:
    """Run a server until the block ends; its output goes to ``log``."""
    with log.open("wb") as output:
        process = subprocess.Popen(
            command,
            cwd=PROJECT_ROOT,
            env={**os.environ, **(env or {})},
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        _wait_until_up(ready_url, process)
        yield
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@dataclass(frozen=True)
class Servers:
    app: str
    host: str

    def page(self, path: str) -> str:
        return self.app + path


@pytest.fixture(scope="session")
def tools() -> None:
    _require(CHROMIUM.exists(), f"{CHROMIUM} is missing (apt-get install chromium)")
    _require(AXE.exists(), f"{AXE} is missing (npm ci --prefix tests/a11y)")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        _require(False, "Playwright for Python is not installed")


@pytest.fixture(scope="session")
def servers(tools: None, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Servers]:
    workdir = tmp_path_factory.mktemp("browser")
    url = f"sqlite:///{workdir / 'register.sqlite3'}"
    migrate_and_seed(url)
    app_port, host_port = free_port(), free_port()
    app = f"http://127.0.0.1:{app_port}"
    host = f"http://127.0.0.1:{host_port}"
    site = workdir / "host"
    site.mkdir()
    (site / "index.html").write_text(HOST_PAGE.format(app=app, controller=CONTROLLER))
    uvicorn = [sys.executable, "-m", "uvicorn", "app.main:app", "--host", "127.0.0.1"]
    with (
        serve(
            [*uvicorn, "--port", str(app_port), "--log-level", "warning", "--no-access-log"],
            f"{app}/readyz",
            workdir / "app.log",
            env={"DATABASE_URL": url},
        ),
        serve(
            [
                sys.executable,
                "-m",
                "http.server",
                str(host_port),
                "--bind",
                "127.0.0.1",
                "--directory",
                str(site),
            ],
            f"{host}/index.html",
            workdir / "host.log",
        ),
    ):
        yield Servers(app, host)


@pytest.fixture(scope="package")
def browser(tools: None) -> Iterator[Any]:
    """One Chromium for the browser tests, closed when they end: Playwright's
    sync API keeps an event loop running in the main thread while it is open,
    and the tests after these call ``asyncio.run``."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=LAUNCH_ARGS
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    tab.set_default_timeout(10_000)
    yield tab
    context.close()


@pytest.fixture
def axe_page(browser: Any) -> Iterator[Any]:
    """A tab that lets axe-core be injected: the pages' own CSP (rightly)
    refuses inline scripts, axe's included."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)
    tab = context.new_page()
    tab.set_default_timeout(10_000)
    yield tab
    context.close()
