"""Expensive reads (verification, past moments, diffs) run a few at a time
and wait on the event loop, holding nothing; cheap reads pass them by; a
queue past its bound answers 503 problem details with Retry-After."""

from __future__ import annotations

import asyncio
from typing import Any

import orjson

from app.api.expensive import ExpensiveReads, is_expensive


def scope(path: str, query: bytes = b"") -> dict[str, Any]:
    return {"type": "http", "method": "GET", "path": path, "query_string": query, "headers": []}


def test_what_counts_as_expensive() -> None:
    assert is_expensive(scope("/api/v1/changes/verify"))
    assert is_expensive(scope("/api/v1/register/diff", b"from=2026-01-01"))
    assert is_expensive(scope("/api/v1/register", b"as_of=2026-01-01"))
    assert is_expensive(scope("/diagram.svg", b"controller=x&as_of=2026-01-01"))
    assert not is_expensive(scope("/api/v1/register"))
    assert not is_expensive(scope("/api/v1/recipients", b"has_of=1"))
    assert not is_expensive({**scope("/api/v1/changes/verify"), "method": "POST"})


def test_expensive_reads_wait_their_turn_and_cheap_ones_pass() -> None:
    release = asyncio.Event()
    entered: list[str] = []

    async def inner(scope: Any, receive: Any, send: Any) -> None:
        entered.append(scope["path"])
        if scope["path"] == "/api/v1/changes/verify":
            await release.wait()
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})

    gate = ExpensiveReads(inner, limit=1, max_waiting=1)

    async def call(path: str) -> list[dict[str, Any]]:
        sent: list[dict[str, Any]] = []

        async def receive() -> dict[str, Any]:
            return {"type": "http.request", "body": b"", "more_body": False}

        async def send(message: dict[str, Any]) -> None:
            sent.append(message)

        await gate(scope(path), receive, send)
        return sent

    async def scenario() -> None:
        first = asyncio.create_task(call("/api/v1/changes/verify"))
        await asyncio.sleep(0.01)
        second = asyncio.create_task(call("/api/v1/changes/verify"))
        await asyncio.sleep(0.01)
        assert entered == ["/api/v1/changes/verify"]  # the second waits
        assert gate.waiting == 1
        cheap = await asyncio.wait_for(call("/api/v1/recipients"), 1)
        assert cheap[0]["status"] == 200  # not held up
        refused = await call("/api/v1/changes/verify")  # the queue is full
        assert refused[0]["status"] == 503
        headers = dict(refused[0]["headers"])
        assert headers[b"content-type"].startswith(b"application/problem+json")
        assert headers[b"retry-after"] == b"2"
        assert orjson.loads(refused[1]["body"])["status"] == 503
        release.set()
        assert (await first)[0]["status"] == 200
        assert (await second)[0]["status"] == 200
        assert entered.count("/api/v1/changes/verify") == 2
        assert gate.waiting == 0

    asyncio.run(scenario())
