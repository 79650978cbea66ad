"""Limits on what a request may bring, enforced before any route runs.

- A body larger than ``max_body_bytes`` (larger for the register import) is
  refused with 413, on its declared ``Content-Length`` or, when chunked,
  as soon as it grows past the limit; it is never read further.
- A write to the API whose body is not JSON gets 415: the routes would
  otherwise report a confusing validation error.
- NUL characters (in the path, the query or any JSON string) get 422: no
  register text contains one and PostgreSQL cannot store one, so they would
  otherwise surface as a database error deep inside a request.
- An exception that escapes every handler still gets a problem response
  here, inside the layers that add security headers and the request id,
  and is logged here rather than passed on to the server.

The OpenAPI document gains the answers this layer (and the database guard)
may give, so clients and the contract tests know them.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qsl

import orjson
from fastapi import FastAPI
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.config import Settings
from app.errors import PROBLEM_MEDIA_TYPE, Problem, Problems, failure_response, problem

logger = logging.getLogger("app.limits")

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH"})
API_PREFIX = "/api/"
LARGE_BODY_PATHS = {"/api/v1/register/import": 20 * 1024 * 1024}
"""Paths that take more than the default (their routes enforce their own limit)."""
MAX_QUERY_VALUE = 1000
"""Characters of one query parameter value (a list of slugs fits many times over)."""
ACCEPT_HEADERS = {
    "POST": {"Accept-Post": "application/json"},
    "PATCH": {"Accept-Patch": "application/merge-patch+json, application/json"},
}


def is_json(content_type: str) -> bool:
    media_type = content_type.split(";", 1)[0].strip().lower()
    return media_type == "application/json" or (
        media_type.startswith("application/") and media_type.endswith("+json")
    )


def has_nul(value: Any) -> bool:
    """Whether any string in a JSON value (keys included) holds a NUL; without
    recursion, however deeply the value nests."""
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, str):
            if "\x00" in item:
                return True
        elif isinstance(item, dict):
            pending.extend(item.keys())
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)
    return False


def _invalid(
    detail: str, field: str, *, msg: str = "NUL character", kind: str = "string_nul"
) -> Response:
    return problem(
        Problems.INVALID_INPUT, detail, errors=[{"field": field, "msg": msg, "type": kind}]
    )


class RequestLimits:
    def __init__(self, app: ASGIApp, *, max_body_bytes: int) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        refusal = self._check_target(scope)
        if refusal is not None:
            await refusal(scope, receive, send)
            return
        length: int | None = None
        chunked = False
        content_type = ""
        for name, value in scope["headers"]:
            if name == b"content-length" and value.isdigit():
                length = int(value)
            elif name == b"transfer-encoding":
                chunked = b"chunked" in value.lower()
            elif name == b"content-type":
                content_type = value.decode("latin-1")
        if not chunked and not length:  # no body: nothing more to check
            await self._guarded(scope, receive, send)
            return
        limit = LARGE_BODY_PATHS.get(scope["path"], self.max_body_bytes)
        if length is not None and length > limit:
            await self._too_large(limit)(scope, receive, send)
            return
        method = scope["method"]
        json_body = is_json(content_type)
        if method in WRITE_METHODS and scope["path"].startswith(API_PREFIX) and not json_body:
            await problem(
                Problems.UNSUPPORTED_MEDIA_TYPE,
                "Send the request body as JSON (application/json; "
                "application/merge-patch+json for PATCH).",
                headers=ACCEPT_HEADERS.get(method),
            )(scope, receive, send)
            return
        body = bytearray()
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return  # the client is gone: nobody to answer
            body += message.get("body", b"")
            if len(body) > limit:
                await self._too_large(limit)(scope, receive, send)
                return
            if not message.get("more_body", False):
                break
        if json_body and b"\\u0000" in body and _json_has_nul(bytes(body)):
            await _invalid("Text must not contain NUL characters.", "body")(scope, receive, send)
            return
        await self._guarded(scope, _replay(bytes(body), receive), send)

    @staticmethod
    def _check_target(scope: Scope) -> Response | None:
        if "\x00" in scope["path"]:
            return _invalid("The path must not contain NUL characters.", "path")
        query: bytes = scope.get("query_string", b"")
        if b"%00" in query:
            return _invalid("Query parameters must not contain NUL characters.", "query")
        if len(query) > MAX_QUERY_VALUE:
            for name, value in parse_qsl(query.decode("latin-1"), keep_blank_values=True):
                if len(value) > MAX_QUERY_VALUE:
                    return _invalid(
                        f"A query parameter value has at most {MAX_QUERY_VALUE} characters.",
                        name,
                        msg=f"longer than {MAX_QUERY_VALUE} characters",
                        kind="string_too_long",
                    )
        return None

    @staticmethod
    def _too_large(limit: int) -> Response:
        return problem(Problems.CONTENT_TOO_LARGE, f"The request body exceeds {limit} bytes.")

    async def _guarded(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Run the app. An exception that escapes every handler is logged here
        (with the request id) and answered with a problem unless a response is
        already under way. It is not passed on to the server, which would close
        the connection: a keep-alive client's next request on it would fail,
        even after a complete answer (a session teardown failing once the
        response is out, for instance)."""
        sent = 0  # 0: nothing, 1: headers, 2: the whole response

        async def tracking_send(message: Message) -> None:
            nonlocal sent
            if message["type"] == "http.response.start":
                sent = 1
            elif message["type"] == "http.response.body" and not message.get("more_body"):
                sent = 2
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        except Exception as exc:
            if sent == 1:
                raise  # a response broken off: only closing the connection tells the client
            when = " after the response was sent" if sent == 2 else ""
            response = failure_response(exc, when=when)
            if sent == 0:
                await response(scope, receive, send)


def _json_has_nul(body: bytes) -> bool:
    try:
        return has_nul(orjson.loads(body))
    except orjson.JSONDecodeError:
        return False  # not JSON at all: the route reports that


def _replay(body: bytes, receive: Receive) -> Receive:
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay


# --- the OpenAPI document ------------------------------------------------------

NO_DATABASE = frozenset({"/healthz", "/metrics"})
PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}


def _problem(description: str, **extra: Any) -> dict[str, Any]:
    return {
        "description": description,
        "content": {PROBLEM_MEDIA_TYPE: {"schema": PROBLEM_REF}},
        **extra,
    }


RETRY_AFTER = {"Retry-After": {"description": "Seconds to wait.", "schema": {"type": "string"}}}
BODY_RESPONSES = {
    "400": _problem("The body could not be read as JSON (invalid UTF-8, too deeply nested)."),
    "413": _problem("The body is too large."),
    "415": _problem("The body is not JSON."),
    "422": _problem("Invalid input."),
}
AUTH_RESPONSES = {"429": _problem("Too many failed authentications.", headers=RETRY_AFTER)}
DATABASE_RESPONSES = {"503": _problem("The database is unavailable.", headers=RETRY_AFTER)}


def document_responses(schema: dict[str, Any]) -> dict[str, Any]:
    """Add the answers given outside the routes to every operation they apply to."""
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    components.setdefault("Problem", Problem.model_json_schema())
    for path, operations in schema.get("paths", {}).items():
        for operation in operations.values():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            extra: dict[str, Any] = {"422": BODY_RESPONSES["422"]}  # e.g. NUL in the query
            if "requestBody" in operation:
                extra.update(BODY_RESPONSES)
            if "401" in operation["responses"]:
                extra.update(AUTH_RESPONSES)
            if path not in NO_DATABASE:
                extra.update(DATABASE_RESPONSES)
            responses = operation["responses"]
            if "HTTPValidationError" in str(responses.get("422", "")):
                # FastAPI's default; the app answers every validation error as a problem
                responses["422"] = BODY_RESPONSES["422"]
            for status, response in extra.items():
                responses.setdefault(status, response)
    return schema


def install(app: FastAPI, settings: Settings) -> None:
    app.add_middleware(RequestLimits, max_body_bytes=settings.max_body_bytes)
    generate: Callable[[], dict[str, Any]] = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = document_responses(generate())
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
