"""/docs and /redoc are served from this service: pages that load only
same-origin assets, assets whose URLs carry their digest (cached for a year,
compressed), and policies that name only this origin."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from tests.helpers import assert_problem


def test_the_docs_pages_load_only_this_origins_assets(client: TestClient) -> None:
    for path in ("/docs", "/redoc"):
        page = client.get(path)
        assert page.status_code == 200
        assert page.headers["content-type"].startswith("text/html")
        assert "http://" not in page.text
        assert "https://" not in page.text
        assert "<script>" not in page.text  # no inline script: external, same-origin ones
        csp = page.headers["content-security-policy"]
        assert "https:" not in csp
        assert "unsafe-inline" not in csp
        assert "frame-ancestors 'none'" in csp
        for asset in re.findall(r'(?:src|href)="(/docs/assets/[^"]+)"', page.text):
            response = client.get(asset, headers={"Accept-Encoding": "br"})
            assert response.status_code == 200, asset
            assert response.headers["cache-control"] == "public, max-age=31536000, immutable"
            if asset.endswith((".js", ".css")):
                assert response.headers["content-encoding"] == "br"
                again = client.get(
                    asset,
                    headers={"Accept-Encoding": "br", "If-None-Match": response.headers["etag"]},
                )
                assert again.status_code == 304


def test_each_redoc_page_has_its_own_nonce(client: TestClient) -> None:
    nonces = set()
    for _ in range(2):
        page = client.get("/redoc")
        (nonce,) = re.findall(r'data-nonce="([^"]+)"', page.text)
        assert f"style-src 'self' 'nonce-{nonce}'" in page.headers["content-security-policy"]
        assert page.headers["cache-control"] == "no-store"
        nonces.add(nonce)
    assert len(nonces) == 2


def test_an_asset_of_another_version_is_not_found(client: TestClient) -> None:
    page = client.get("/docs").text
    (bundle,) = re.findall(r'src="(/docs/assets/[^"]+/swagger-ui-bundle.js)"', page)
    stale = re.sub(r"/assets/[^/]+/", "/assets/0000000000000000/", bundle)
    assert_problem(client.get(stale), 404)
    assert_problem(client.get(bundle.replace("swagger-ui-bundle.js", "secrets.txt")), 404)
