"""RFC 9457 problem details: the one error format of the API, and its handlers."""

from __future__ import annotations

import logging
from collections.abc import Callable
from http import HTTPStatus
from typing import Any

import orjson
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ConfigDict
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response

PROBLEM_MEDIA_TYPE = "application/problem+json"
PROBLEM_BASE = "https://sharing-register.example/problems/"

logger = logging.getLogger("app.errors")


# RFC 9110's names where Python's HTTPStatus still uses the older ones.
RFC9110_TITLES = {413: "Content Too Large", 422: "Unprocessable Content"}


def status_title(status: int) -> str:
    return RFC9110_TITLES.get(status) or HTTPStatus(status).phrase


class Problem(BaseModel):
    """An RFC 9457 problem details object (extension members allowed)."""

    model_config = ConfigDict(extra="allow")

    type: str = "about:blank"
    title: str
    status: int
    detail: str | None = None
    instance: str | None = None


class ProblemError(Exception):
    """An error that knows its status and renders itself as problem details."""

    status: int = 400
    problem_type: str = "about:blank"

    def __init__(
        self,
        detail: str,
        *,
        status: int | None = None,
        problem_type: str | None = None,
        title: str | None = None,
        headers: dict[str, str] | None = None,
        **extensions: Any,
    ) -> None:
        super().__init__(detail)
        self.detail = detail
        if status is not None:
            self.status = status
        if problem_type is not None:
            self.problem_type = problem_type
        self.title = title or status_title(self.status)
        self.headers = headers or {}
        self.extensions = extensions


class NotFound(ProblemError):
    status = 404
    problem_type = PROBLEM_BASE + "not-found"


class InvalidInput(ProblemError):
    status = 422
    problem_type = PROBLEM_BASE + "invalid-input"


class Conflict(ProblemError):
    status = 409
    problem_type = PROBLEM_BASE + "conflict"


def problem_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` declaring problem details for ``statuses``."""
    return {
        status: {
            "model": Problem,
            "content": {PROBLEM_MEDIA_TYPE: {}},
            "description": "Problem details (RFC 9457).",
        }
        for status in statuses
    }


def problem_response(
    status: int,
    title: str,
    detail: str | None = None,
    *,
    problem_type: str = "about:blank",
    instance: str | None = None,
    headers: dict[str, str] | None = None,
    **extensions: Any,
) -> Response:
    body: dict[str, Any] = {"type": problem_type, "title": title, "status": status}
    if detail is not None:
        body["detail"] = detail
    if instance is not None:
        body["instance"] = instance
    body.update(extensions)
    return Response(
        orjson.dumps(body),
        status_code=status,
        media_type=PROBLEM_MEDIA_TYPE,
        headers=headers,
    )


def _validation_errors(exc: RequestValidationError) -> list[dict[str, Any]]:
    errors = []
    for error in exc.errors():
        field = [str(p) for p in error.get("loc", ())[1:]]
        if error.get("type") == "basis":  # a model-level check names the fact's entry
            field.append(f"basis.{error['ctx']['key']}")
        errors.append(
            {
                "loc": [str(part) for part in error.get("loc", ())],
                "field": ".".join(field) or None,
                "msg": error.get("msg"),
                "type": error.get("type"),
            }
        )
    return errors


def install_error_handlers(
    app: FastAPI, *, record_refusal: Callable[[Request], None] | None = None
) -> None:
    """``record_refusal`` keeps a refused authentication (``request.state.refusal``)
    in its own transaction before the problem is sent; passed in by the app so
    that this bottom layer knows nothing of authentication."""

    @app.exception_handler(ProblemError)
    async def _problem(request: Request, exc: ProblemError) -> Response:
        if record_refusal is not None and getattr(request.state, "refusal", None) is not None:
            await run_in_threadpool(record_refusal, request)
        return problem_response(
            exc.status,
            exc.title,
            exc.detail,
            problem_type=exc.problem_type,
            instance=request.url.path,
            headers=exc.headers,
            **exc.extensions,
        )

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> Response:
        errors = _validation_errors(exc)
        fields = ", ".join(e["field"] or ".".join(e["loc"]) for e in errors[:10])
        return problem_response(
            422,
            "Unprocessable Content",
            f"Invalid input: {fields}",
            problem_type=PROBLEM_BASE + "invalid-input",
            instance=request.url.path,
            errors=errors,
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        return problem_response(
            exc.status_code,
            status_title(exc.status_code),
            str(exc.detail) if exc.detail else None,
            instance=request.url.path,
            headers=dict(exc.headers or {}),
        )

    @app.exception_handler(OperationalError)
    @app.exception_handler(PoolTimeoutError)
    async def _unavailable(request: Request, exc: Exception) -> Response:
        logger.warning("database unavailable: %s", type(exc).__name__)
        return problem_response(
            503,
            "Service Unavailable",
            "The register's database is unavailable; try again shortly.",
            problem_type=PROBLEM_BASE + "database-unavailable",
            instance=request.url.path,
            headers={"Retry-After": "5"},
        )

    @app.exception_handler(DBAPIError)
    async def _database(request: Request, exc: DBAPIError) -> Response:
        if exc.connection_invalidated:
            return await _unavailable(request, exc)
        logger.exception("database error")
        return problem_response(
            500,
            "Internal Server Error",
            "The request could not be completed.",
            instance=request.url.path,
        )

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> Response:
        logger.exception("unhandled error")
        return problem_response(
            500,
            "Internal Server Error",
            "The request could not be completed.",
            instance=request.url.path,
        )
