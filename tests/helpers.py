"""Small helpers shared by tests."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine, event

PROBLEM = "application/problem+json"


@contextmanager
def count_statements(engine: Engine) -> Iterator[list[str]]:
    """Collect every SQL statement the engine runs inside the block."""
    statements: list[str] = []

    def before(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if not statement.lstrip().upper().startswith(("BEGIN", "PRAGMA", "SAVEPOINT")):
            statements.append(statement)

    event.listen(engine, "before_cursor_execute", before)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", before)


def etag(client: Any, path: str) -> str:
    """The current ETag of the resource at ``path`` (for ``If-Match``)."""
    return str(client.get(path).headers["etag"])


def assert_problem(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(PROBLEM)
    body: dict[str, Any] = response.json()
    assert body["status"] == status
    assert body["title"]
    assert "Traceback" not in response.text
    return body
