"""Errors on pages as pages: the same status and words as the API's problem
details, in HTML a reader can act on. A client that asks for JSON (and not
HTML) still gets RFC 9457 problem details."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from app.errors import ProblemError
from app.web.templating import render

HINTS = {
    400: "Check the address or the form, then try again.",
    404: "The page may have moved, or the entry may have been removed from the register.",
    409: "Several controllers have an entry with this name: choose one from the list.",
    422: "Check the address or the form, then try again.",
    501: "Past versions of the register cannot be shown yet. The current register is available.",
}


def wants_html(request: Request) -> bool:
    accept = request.headers.get("accept", "")
    return "text/html" in accept or "json" not in accept


def error_page(
    request: Request,
    status: int,
    title: str,
    detail: str | None,
    *,
    headers: dict[str, str] | None = None,
    errors: list[dict[str, Any]] | None = None,
) -> Response:
    body = render(
        "error.html",
        status=status,
        title=title,
        detail=detail,
        hint=HINTS.get(status, ""),
        errors=errors or [],
        path=request.url.path,
    )
    return HTMLResponse(
        body,
        status_code=status,
        headers={**(headers or {}), "Cache-Control": "no-store"},
    )


class HTMLErrorRoute(APIRoute):
    """A route whose errors render as HTML pages for browsers."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def handle(request: Request) -> Response:
            try:
                return await handler(request)
            except ProblemError as exc:
                if not wants_html(request):
                    raise
                return error_page(
                    request,
                    exc.status,
                    exc.title,
                    exc.detail,
                    headers=exc.headers,
                    errors=exc.extensions.get("errors"),
                )
            except RequestValidationError as exc:
                if not wants_html(request):
                    raise
                errors = [
                    {"field": ".".join(str(p) for p in err.get("loc", ())[1:]), "msg": err["msg"]}
                    for err in exc.errors()
                ]
                return error_page(
                    request, 422, "Unprocessable Content", "Invalid input.", errors=errors
                )

        return handle
