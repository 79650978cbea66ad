"""RFC 9457 problem details: the one error format of the API, and its handlers."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
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


@dataclass(frozen=True)
class ProblemType:
    """One kind of problem: its URI (``about:blank`` without a slug), the
    status it is answered with and its title (the status's own by default)."""

    slug: str | None
    status: int
    title: str = ""

    def __post_init__(self) -> None:
        if not self.title:
            object.__setattr__(self, "title", status_title(self.status))

    @property
    def uri(self) -> str:
        return "about:blank" if self.slug is None else PROBLEM_BASE + self.slug


class Problems:
    """Every problem type the API answers with, declared once."""

    INVALID_INPUT = ProblemType("invalid-input", 422)
    NOT_FOUND = ProblemType("not-found", 404)
    CONFLICT = ProblemType("conflict", 409)
    AMBIGUOUS_SLUG = ProblemType("ambiguous-slug", 409)
    DUPLICATE_SLUG = ProblemType("duplicate-slug", 409)
    STILL_REFERENCED = ProblemType("still-referenced", 409)
    PRECONDITION_REQUIRED = ProblemType("precondition-required", 428)
    STALE_ETAG = ProblemType("stale-etag", 412)
    UNAUTHENTICATED = ProblemType("unauthenticated", 401)
    FORBIDDEN = ProblemType("forbidden", 403)
    TOO_MANY_FAILED_AUTHENTICATIONS = ProblemType("too-many-failed-authentications", 429)
    IDEMPOTENCY_KEY_REUSED = ProblemType("idempotency-key-reused", 422)
    METHOD_NOT_ALLOWED = ProblemType("method-not-allowed", 405)
    NOT_ACCEPTABLE = ProblemType("not-acceptable", 406)
    UNSUPPORTED_MEDIA_TYPE = ProblemType("unsupported-media-type", 415)
    CONTENT_TOO_LARGE = ProblemType("content-too-large", 413)
    DATABASE_UNAVAILABLE = ProblemType("database-unavailable", 503)
    EXPENSIVE_READ_FAILED = ProblemType("expensive-read-failed", 503)
    INTERNAL = ProblemType(None, 500)


class Problem(BaseModel):
    """An RFC 9457 problem details object (extension members allowed)."""

    model_config = ConfigDict(extra="allow")

    type: str = "about:blank"
    title: str
    status: int
    detail: str | None = None
    instance: str | None = None


class ProblemError(Exception):
    """An error that knows its problem type and renders itself as problem
    details; ``status`` alone gives an ``about:blank`` problem."""

    problem: ProblemType = ProblemType(None, 400)

    def __init__(
        self,
        detail: str,
        *,
        problem: ProblemType | None = None,
        status: int | None = None,
        title: str | None = None,
        headers: dict[str, str] | None = None,
        **extensions: Any,
    ) -> None:
        super().__init__(detail)
        self.detail = detail
        if problem is not None:
            self.problem = problem
        elif status is not None:
            self.problem = ProblemType(None, status)
        self.status = self.problem.status
        self.problem_type = self.problem.uri
        self.title = title or self.problem.title
        self.headers = headers or {}
        self.extensions = extensions


class NotFound(ProblemError):
    problem = Problems.NOT_FOUND


class InvalidInput(ProblemError):
    problem = Problems.INVALID_INPUT


class Conflict(ProblemError):
    problem = Problems.CONFLICT


def unknown_references(
    field: str, label: str, unknown: Sequence[str], detail: str | None = None
) -> InvalidInput:
    """The 422 for slugs that name nothing in a filter (or ``field``): one
    error per slug, each of type ``unknown_reference``."""
    return InvalidInput(
        detail or f"Unknown {label} in filter {field!r}: {', '.join(unknown)}.",
        errors=[
            {"field": field, "msg": f"unknown {label} {slug!r}", "type": "unknown_reference"}
            for slug in unknown
        ],
    )


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


def problem(
    kind: ProblemType,
    detail: str | None = None,
    *,
    instance: str | None = None,
    headers: dict[str, str] | None = None,
    **extensions: Any,
) -> Response:
    """A problem details response of a declared type."""
    return problem_response(
        kind.status,
        kind.title,
        detail,
        problem_type=kind.uri,
        instance=instance,
        headers=headers,
        **extensions,
    )


def database_unavailable(exc: BaseException) -> bool:
    """Whether an error means the database cannot be reached (a retry may
    succeed) rather than that the request failed."""
    return isinstance(exc, OperationalError | PoolTimeoutError) or (
        isinstance(exc, DBAPIError) and exc.connection_invalidated
    )


def failure_response(
    exc: BaseException, *, instance: str | None = None, when: str = ""
) -> Response:
    """The answer to an error no handler expected, logged: 503 with
    ``Retry-After`` when the database is unavailable, else 500 without details."""
    if database_unavailable(exc):
        logger.warning("database unavailable%s: %s", when, type(exc).__name__)
        return problem(
            Problems.DATABASE_UNAVAILABLE,
            "The register's database is unavailable; try again shortly.",
            instance=instance,
            headers={"Retry-After": "5"},
        )
    logger.error("unhandled error%s", when, exc_info=exc)
    return problem(Problems.INTERNAL, "The request could not be completed.", instance=instance)


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
        return problem(
            Problems.INVALID_INPUT,
            f"Invalid input: {fields}",
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

    async def _failure(request: Request, exc: Exception) -> Response:
        return failure_response(exc, instance=request.url.path)

    # Database errors are answered where they are raised (Starlette's
    # handler for ``Exception`` runs only in its outermost layer).
    for kind in (DBAPIError, PoolTimeoutError, Exception):
        app.add_exception_handler(kind, _failure)
