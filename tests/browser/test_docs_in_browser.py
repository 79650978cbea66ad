"""/docs (Swagger UI) and /redoc (ReDoc) in Chromium with every request to
another origin refused: the pages, their scripts and styles and the OpenAPI
document all come from this service, and the content security policy (which
names only this origin) refuses nothing they do."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.browser.conftest import Servers


def offline(page: Any, servers: Servers) -> tuple[list[str], list[str]]:
    """Abort every request off this origin; collect them and the CSP refusals."""
    origin = urlsplit(servers.app).netloc
    elsewhere: list[str] = []
    refusals: list[str] = []

    def route(request_route: Any) -> None:
        url = request_route.request.url
        if urlsplit(url).netloc == origin or url.startswith(("data:", "blob:")):
            request_route.continue_()
        else:
            elsewhere.append(url)
            request_route.abort()

    page.route("**/*", route)
    page.on(
        "console",
        lambda message: (
            refusals.append(message.text)
            if "Content Security Policy" in message.text or "Refused to" in message.text
            else None
        ),
    )
    return elsewhere, refusals


def test_swagger_ui_works_offline(page: Any, servers: Servers) -> None:
    elsewhere, refusals = offline(page, servers)
    response = page.goto(servers.page("/docs"))
    assert response.status == 200
    page.wait_for_selector(".opblock", timeout=20_000)
    assert page.locator(".opblock").count() > 90
    assert "Data Sharing Register" in page.locator(".info .title").inner_text()
    page.locator(".opblock-tag", has_text="recipients").first.wait_for()
    assert page.locator(".btn.authorize").count() == 1  # the bearer scheme is offered
    assert elsewhere == []
    assert refusals == []


# What ReDoc's bundle tries before Redoc.init can hand it the nonce, or fetches
# for its footer; the policy refuses both and the page works without them.
REDOC_KNOWN_REFUSALS = (
    "'sha256-QMIg+bpjm3JdElJ388KYke01izlUW0UoNOeKjpMxdgc='",  # its scrollbar stylesheet
    "'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='",  # an empty stylesheet
    "https://cdn.redoc.ly/redoc/logo-mini.svg",  # the "API docs by Redocly" logo
)


@pytest.mark.parametrize("path", ["/redoc"])
def test_redoc_works_offline(page: Any, servers: Servers, path: str) -> None:
    elsewhere, refusals = offline(page, servers)
    response = page.goto(servers.page(path))
    assert "nonce-" in response.headers["content-security-policy"]
    assert response.headers["cache-control"] == "no-store"
    assert response.status == 200
    page.wait_for_selector("h1", timeout=20_000)
    assert "Data Sharing Register" in page.locator("h1").first.inner_text()
    page.locator("h2", has_text="List recipient entries").first.wait_for()
    assert page.locator("h2").count() > 90  # one heading per operation
    assert page.locator("style[nonce]").count() >= 1  # the generated styles, admitted
    assert elsewhere == []
    unexpected = [r for r in refusals if not any(known in r for known in REDOC_KNOWN_REFUSALS)]
    assert unexpected == []
