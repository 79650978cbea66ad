"""Security headers on every response, framing rules and CORS for reads."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.web_helpers import NOTICE

PATHS = [
    "/",
    NOTICE,
    f"{NOTICE}/recipients/nexus",
    f"{NOTICE}/child",
    f"{NOTICE}/changes",
    "/diagram.svg",
    "/api/v1/recipients",
    "/api/v1/recipients/nobody",
    "/openapi.json",
    "/healthz",
    "/no/such/page",
    f"{NOTICE}/recipients/nobody",
]


@pytest.mark.parametrize("path", PATHS)
def test_every_response_has_csp_and_refuses_framing(client: TestClient, path: str) -> None:
    response = client.get(path)
    csp = response.headers["content-security-policy"]
    directives = dict(d.split(" ", 1) for d in csp.split("; "))
    assert directives["frame-ancestors"] == "'none'"
    assert directives["default-src"] == "'none'"
    assert "unsafe-inline" not in csp
    assert "unsafe-eval" not in csp
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "strict-origin-when-cross-origin"
    assert "strict-transport-security" not in response.headers


def test_pages_load_only_their_own_files(client: TestClient) -> None:
    html = client.get(NOTICE).text
    assert "http://" not in html.split("<body>")[0]
    assert "https://" not in html.split("<body>")[0]
    assert "<style" not in html
    assert " style=" not in html
    assert "<script>" not in html  # only external, same-origin scripts


@pytest.mark.parametrize(
    "path",
    [
        "/embed/recipients",
        "/embed/recipients?service=youth-support-service",
        "/embed/recipients.js",
    ],
)
def test_embed_may_be_framed_by_any_site(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 200
    directives = dict(
        d.split(" ", 1) for d in response.headers["content-security-policy"].split("; ")
    )
    assert directives["frame-ancestors"] == "*"
    assert directives["script-src"] == "'self'"
    assert "x-frame-options" not in response.headers
    assert response.headers["x-content-type-options"] == "nosniff"


def test_api_docs_still_work_and_still_refuse_framing(client: TestClient) -> None:
    response = client.get("/docs")
    assert response.status_code == 200
    csp = response.headers["content-security-policy"]
    assert "https://" not in csp  # every asset comes from this origin (app.contract.docs)
    assert "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp


def test_hsts_only_over_https(client: TestClient) -> None:
    assert "strict-transport-security" not in client.get("/healthz").headers
    proxied = client.get("/healthz", headers={"X-Forwarded-Proto": "https"})
    assert proxied.headers["strict-transport-security"].startswith("max-age=31536000")
    direct = client.get("https://testserver/healthz")
    assert "max-age=" in direct.headers["strict-transport-security"]
    plain = client.get("/healthz", headers={"X-Forwarded-Proto": "http"})
    assert "strict-transport-security" not in plain.headers


@pytest.mark.parametrize(
    "path", ["/api/v1/sharing?recipient=nexus", "/api/v1/register", "/diagram.svg"]
)
def test_any_origin_may_read(client: TestClient, path: str) -> None:
    response = client.get(path, headers={"Origin": "https://school.example"})
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == "*"
    assert "etag" in response.headers["access-control-expose-headers"].lower()
    assert "access-control-allow-credentials" not in response.headers


def test_preflight_allows_get_only(client: TestClient) -> None:
    ok = client.options(
        "/api/v1/sharing",
        headers={
            "Origin": "https://school.example",
            "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": "if-none-match",
        },
    )
    assert ok.status_code == 200
    assert ok.headers["access-control-allow-origin"] == "*"
    assert ok.headers["access-control-allow-methods"] == "GET"
    for method in ("POST", "PUT", "PATCH", "DELETE"):
        refused = client.options(
            "/api/v1/services",
            headers={"Origin": "https://evil.example", "Access-Control-Request-Method": method},
        )
        assert refused.status_code == 400
        assert refused.headers.get("access-control-allow-origin") != "*" or (
            "access-control-allow-methods" in refused.headers
            and method not in refused.headers["access-control-allow-methods"]
        )


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE"])
def test_writes_never_carry_cors_headers(client: TestClient, method: str) -> None:
    response = client.request(
        method,
        "/api/v1/services/school-admissions-service",
        headers={"Origin": "https://evil.example", "Content-Type": "text/plain"},
        content=b"{}",
    )
    assert response.status_code >= 400
    assert not any(h.startswith("access-control-") for h in response.headers)
