"""The API against its own contract: schemathesis generates requests for
every operation of the OpenAPI document (reads and writes, valid and
invalid input; writes with a key holding every scope) and checks each
answer: never a 5xx, a documented status code, content type, headers and
body schema, and problem details (RFC 9457) for every error.

CI runs a bounded, derandomised number of examples per operation;
``pytest --deep tests/test_fuzz_schemathesis.py`` runs many more, randomly.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    allow_header_conformance,
    content_type_conformance,
    ignored_auth,
    missing_required_header,
    negative_data_rejection,
    positive_data_acceptance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
    unsupported_method,
)

from app.api.services import services_of
from app.main import create_app
from tests import conftest
from tests.conftest import make_key, make_settings
from tests.databases import DatabaseFactory

EXAMPLES = 400 if conftest.FUZZ_DEEP else 6
# Markers of internals (not SQL words: an error may quote the caller's own input).
LEAKS = re.compile(r"Traceback|File \"|sqlalchemy|psycopg|\[SQL: |Background on this error")


def _schema_app() -> FastAPI:
    """Only for reading the OpenAPI document at collection time."""
    app = create_app(make_settings("sqlite://"))
    services_of(app).engine.dispose()
    return app


schema = schemathesis.openapi.from_asgi("/openapi.json", _schema_app())
# The coverage phase derives every boundary case of every schema (about ten
# thousand requests): for --deep only.
schema.config.phases.coverage.enabled = conftest.FUZZ_DEEP


@pytest.fixture(scope="module")
def fuzz_app(databases: DatabaseFactory, seeded_template: str) -> Iterator[FastAPI]:
    """One private seeded register per backend for the whole run: writes
    accumulate, as they would in production."""
    # The fuzzer probes every operation without a key, thousands of times from one
    # address: the throttle on failed authentications (tests/test_security.py)
    # would answer 429 instead of the 401 the ignored-auth check looks for.
    settings = make_settings(
        databases.create(template=seeded_template), auth_failure_limit=1_000_000
    )
    app = create_app(settings)
    yield app
    services_of(app).cache.close()
    services_of(app).engine.dispose()


@pytest.fixture(scope="module")
def fuzz_auth(fuzz_app: FastAPI) -> dict[str, str]:
    key = make_key(fuzz_app, "register:write", "keys:admin", name="fuzzer")
    return {"Authorization": f"Bearer {key}"}


def problem_details(ctx: Any, response: Any, case: Any) -> bool | None:
    """Every error is RFC 9457 problem details, with nothing internal in it."""
    del ctx, case
    if response.status_code < 400:
        return None
    content_type = response.headers.get("content-type", [""])
    content_type = content_type[0] if isinstance(content_type, list) else content_type
    assert content_type.startswith("application/problem+json"), content_type
    body = response.json()
    assert body["status"] == response.status_code, body
    assert body["title"], body
    assert not LEAKS.search(response.text), response.text
    return True


# Rejections of schema-valid requests that no schema can foresee:
# - a slug that names nothing in this register (a controller, a filter value, a
#   reference in a body), or a slug patched to another value;
# - parameters that exclude each other (as_of with version, cursor with offset:
#   described on each parameter, not expressible in OpenAPI 3.1);
# - an imported document whose digest does not match its content (a checksum)
#   or whose controller is not the one ?controller= names (query against body);
# - a write's ?controller=, required once the register holds several controllers;
# - a fact's basis checked against the entry's own values (rules across fields);
# - answers that depend on what was sent before: an If-Match other than the
#   current ETag (412), an Idempotency-Key reused for another request;
# - a tree size or event past the Merkle log's current size.
UNFORESEEABLE = frozenset({"unknown_reference", "conflict", "immutable"})
STATEFUL_PROBLEMS = frozenset({"stale-etag", "idempotency-key-reused"})
LOG_SIZES = frozenset({"tree_size", "seq", "first", "second"})


def unforeseeable(error: dict[str, Any]) -> bool:
    if error.get("type") in UNFORESEEABLE:
        return True
    field = str(error.get("field") or "")
    if field == "basis" or field.startswith("basis."):
        return True
    if field == "controller" and error.get("type") == "missing":
        return True  # required once the register holds several controllers
    return error.get("where") == "document" and field in {"digest", "controller.slug"}


def beyond_the_log(body: dict[str, Any]) -> bool:
    """A tree size or event past the Merkle log's current size: a bound that
    grows with every write, so no schema can state it."""
    instance = str(body.get("instance") or "")
    errors = body.get("errors") or []
    return instance.startswith("/api/v1/log/") and all(
        error.get("field") in LOG_SIZES for error in errors
    )


def valid_data_accepted(ctx: Any, response: Any, case: Any) -> bool | None:
    """schemathesis's positive_data_acceptance, but a 422 whose every error is
    unforeseeable is a right answer to a schema-valid request."""
    if response.status_code in (412, 422):
        body = response.json()
        if str(body.get("type", "")).rsplit("/", 1)[-1] in STATEFUL_PROBLEMS:
            return None
        errors = body.get("errors") or []
        if errors and (all(unforeseeable(error) for error in errors) or beyond_the_log(body)):
            return None
    return positive_data_acceptance(ctx, response, case)


CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    negative_data_rejection,
    valid_data_accepted,
    missing_required_header,
    unsupported_method,
    allow_header_conformance,
    ignored_auth,
]


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=not conftest.FUZZ_DEEP,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_every_operation_keeps_its_contract(
    case: Any, fuzz_app: FastAPI, fuzz_auth: dict[str, str]
) -> None:
    headers = dict(fuzz_auth)
    if case.method.upper() in {"PATCH", "DELETE", "PUT"} and "If-Match" not in (case.headers or {}):
        headers["If-Match"] = "*"  # also reach the change itself, not only the 428
    case.call_and_validate(
        app=fuzz_app, headers=headers, checks=CHECKS, additional_checks=[problem_details]
    )
