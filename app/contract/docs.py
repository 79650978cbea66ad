"""``/docs`` (Swagger UI) and ``/redoc`` (ReDoc), served entirely from this
service: the pages, an initialiser of our own and the UI bundles that the
``fastapi-offline`` package ships (pinned in pyproject.toml). Asset URLs
carry a digest of their contents, so they are cached for a year. No inline
script: the content security policy names only this origin
(``app.security_headers``); /redoc adds a nonce of its own for the
stylesheets ReDoc generates, and is never stored."""

from __future__ import annotations

import hashlib
import secrets
from functools import cache
from importlib import resources

from fastapi import APIRouter, Request
from starlette.responses import Response

from app.contract.encoded import Encoded, serve
from app.errors import NotFound
from app.security_headers import BASE, policy_text

router = APIRouter()

VENDOR = "fastapi_offline"
ASSETS: dict[str, tuple[str, str]] = {
    # name -> (package, media type)
    "swagger-ui-bundle.js": (VENDOR, "text/javascript"),
    "swagger-ui.css": (VENDOR, "text/css"),
    "redoc.standalone.js": (VENDOR, "text/javascript"),
    "favicon.png": (VENDOR, "image/png"),
    "swagger-init.js": ("app.contract", "text/javascript"),
    "redoc-init.js": ("app.contract", "text/javascript"),
}
IMMUTABLE = "public, max-age=31536000, immutable"
PAGE_CACHE = "public, max-age=300, must-revalidate"


def _read(name: str) -> bytes:
    package, _ = ASSETS[name]
    return resources.files(package).joinpath("static", name).read_bytes()


@cache
def asset_digest() -> str:
    """One digest of every asset: a new package version gives new URLs."""
    digest = hashlib.sha256()
    for name in sorted(ASSETS):
        digest.update(name.encode() + b"\0" + _read(name))
    return digest.hexdigest()[:16]


def asset_url(name: str) -> str:
    return f"/docs/assets/{asset_digest()}/{name}"


SWAGGER_PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Data Sharing Register API: Swagger UI</title>
<link rel="icon" type="image/png" href="{favicon}">
<link rel="stylesheet" href="{css}">
</head>
<body>
<div id="swagger-ui"></div>
<script src="{bundle}"></script>
<script src="{init}"></script>
</body>
</html>
"""

REDOC_PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Data Sharing Register API: ReDoc</title>
<link rel="icon" type="image/png" href="{favicon}">
</head>
<body>
<div id="redoc" data-spec-url="/openapi.json" data-nonce="{nonce}"></div>
<script src="{bundle}"></script>
<script src="{init}"></script>
</body>
</html>
"""


def redoc_policy(nonce: str) -> str:
    """The page policy, plus ReDoc's generated stylesheets (styled-components
    inserts ``<style>`` elements, marked with the nonce given to ``Redoc.init``)."""
    return policy_text({**BASE, "style-src": f"'self' 'nonce-{nonce}'"})


@cache
def _swagger_page() -> Encoded:
    html = SWAGGER_PAGE.format(
        favicon=asset_url("favicon.png"),
        css=asset_url("swagger-ui.css"),
        bundle=asset_url("swagger-ui-bundle.js"),
        init=asset_url("swagger-init.js"),
    )
    return Encoded.of(html.encode())


@cache
def _asset(name: str) -> Encoded:
    return Encoded.of(_read(name), compressible=ASSETS[name][1] != "image/png")


@router.get("/docs", include_in_schema=False)
def swagger_ui(request: Request) -> Response:
    return serve(request, _swagger_page(), "text/html; charset=utf-8", PAGE_CACHE)


@router.get("/redoc", include_in_schema=False)
def redoc() -> Response:
    nonce = secrets.token_urlsafe(18)  # one per response: the page is never stored
    html = REDOC_PAGE.format(
        favicon=asset_url("favicon.png"),
        bundle=asset_url("redoc.standalone.js"),
        init=asset_url("redoc-init.js"),
        nonce=nonce,
    )
    return Response(
        html,
        media_type="text/html; charset=utf-8",
        headers={"Cache-Control": "no-store", "Content-Security-Policy": redoc_policy(nonce)},
    )


@router.get("/docs/assets/{digest}/{name}", include_in_schema=False)
def docs_asset(request: Request, digest: str, name: str) -> Response:
    if name not in ASSETS or digest != asset_digest():
        raise NotFound(f"No documentation asset {name!r} of this version.")
    media_type = ASSETS[name][1]
    return serve(request, _asset(name), media_type, IMMUTABLE)
