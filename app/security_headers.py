"""Security headers on every response, and CORS for reads only.

Pure ASGI (no ``BaseHTTPMiddleware``): headers are added to the
``http.response.start`` message, so streaming and the response cache are
untouched and the cost is a dictionary lookup per response.

- Content-Security-Policy everywhere. Pages load only their own static files;
  ``frame-ancestors 'none'`` everywhere except ``/embed/*``, which any site may
  frame (and whose inline stylesheet is allowed by its hash only).
- The interactive API docs (``/docs``, ``/redoc``) are served from this origin
  with no inline script (``app.contract.docs``): the page policy; ReDoc's
  generated stylesheets are admitted by a per-response nonce that its route
  adds to the policy it sends (the one kind of policy a route may set).
- Strict-Transport-Security only on requests that came over HTTPS (directly,
  or as told by a proxy's ``X-Forwarded-Proto``): sending it over plain HTTP
  is meaningless and would pin a developer's localhost.
"""

from __future__ import annotations

from collections.abc import Iterable

from starlette.datastructures import MutableHeaders
from starlette.middleware.cors import CORSMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

EMBED_PREFIX = "/embed/"
DOCS_PATHS = frozenset({"/docs", "/docs/oauth2-redirect", "/redoc"})
HSTS = "max-age=31536000; includeSubDomains"


def policy_text(directives: dict[str, str]) -> str:
    return "; ".join(f"{name} {value}" for name, value in directives.items())


BASE: dict[str, str] = {
    "default-src": "'none'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "connect-src": "'self'",
    "font-src": "'self'",
    "form-action": "'self'",
    "base-uri": "'none'",
    "object-src": "'none'",
    "frame-ancestors": "'none'",
}
DOCS: dict[str, str] = BASE


def policies(embed_style_hashes: Iterable[str] = ()) -> tuple[str, str, str]:
    """The (page, embed, docs) policies."""
    embed = {
        **BASE,
        "style-src": " ".join(["'self'", *embed_style_hashes]),
        "frame-ancestors": "*",
        # A framed list opens the full notice in a new tab, nothing else.
        "form-action": "'none'",
    }
    return policy_text(BASE), policy_text(embed), policy_text(DOCS)


def _https(scope: Scope) -> bool:
    if scope.get("scheme") == "https":
        return True
    header: bytes
    for name, value in scope.get("headers", ()):
        if name == b"x-forwarded-proto":
            header = value
            return header.split(b",")[0].strip().lower() == b"https"
    return False


class SecurityHeadersMiddleware:
    def __init__(self, app: ASGIApp, embed_style_hashes: Iterable[str] = ()) -> None:
        self.app = app
        self.page_policy, self.embed_policy, self.docs_policy = policies(embed_style_hashes)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope.get("path", "")
        embed = path.startswith(EMBED_PREFIX)
        if embed:
            policy = self.embed_policy
        elif path in DOCS_PATHS:
            policy = self.docs_policy
        else:
            policy = self.page_policy
        https = _https(scope)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                # A route may send a stricter policy of its own (a nonce: /redoc).
                headers.setdefault("Content-Security-Policy", policy)
                headers["X-Content-Type-Options"] = "nosniff"
                headers["Referrer-Policy"] = "strict-origin-when-cross-origin"
                if not embed:
                    headers["X-Frame-Options"] = "DENY"
                if https:
                    headers["Strict-Transport-Security"] = HSTS
            await send(message)

        await self.app(scope, receive, send_with_headers)


READ_METHODS = frozenset({"GET", "HEAD"})


class ReadOnlyCORSMiddleware(CORSMiddleware):
    """Starlette's CORS, for reads only: any origin may GET (and preflight a
    GET); a write never carries CORS headers, whatever its Origin."""

    def __init__(self, app: ASGIApp) -> None:
        super().__init__(
            app,
            allow_origins=["*"],
            allow_methods=["GET"],
            allow_headers=["Accept", "If-None-Match"],
            expose_headers=[
                "ETag",
                "Content-Disposition",
                "Register-Generated-At",
                "Register-Digest",
                "Register-Data-Version",
                "Register-As-Of",
                "Register-Version",
                "X-Request-ID",
            ],
            allow_credentials=False,
            max_age=600,
        )
        self.inner = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] not in READ_METHODS | {"OPTIONS"}:
            await self.inner(scope, receive, send)
            return
        await super().__call__(scope, receive, send)
