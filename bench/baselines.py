"""Baseline servers for bench/http.py: the exact bytes the product returned,
served by a bare Starlette route and by a minimal FastAPI ``async def`` route.

The bytes and headers come from the JSON file named by ``BENCH_BODIES``
(written by bench/http.py): ``{path: {"body": latin-1 text, "headers": {...}}}``.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import orjson
from fastapi import FastAPI, Request
from starlette.applications import Starlette
from starlette.responses import Response
from starlette.routing import Route


def _load() -> dict[str, tuple[bytes, dict[str, str]]]:
    path = os.environ.get("BENCH_BODIES")
    if not path:
        return {}
    raw: dict[str, Any] = orjson.loads(Path(path).read_bytes())
    return {k: (v["body"].encode("latin-1"), v["headers"]) for k, v in raw.items()}


BODIES = _load()


def _answer(path: str, request: Request) -> Response:
    body, headers = BODIES[path]
    if request.headers.get("if-none-match") == headers.get("etag"):
        kept = {k: v for k, v in headers.items() if k != "content-type"}
        return Response(status_code=304, headers=kept)
    return Response(body, headers=headers)


def _endpoint(path: str) -> Any:
    async def endpoint(request: Request) -> Response:
        return _answer(path, request)

    return endpoint


starlette_app = Starlette(routes=[Route(p, _endpoint(p)) for p in BODIES])

fastapi_app = FastAPI()
for _path in BODIES:
    fastapi_app.add_api_route(_path, _endpoint(_path), methods=["GET"])


_RAW = {
    path: (body, [(k.encode("latin-1"), v.encode("latin-1")) for k, v in headers.items()])
    for path, (body, headers) in BODIES.items()
}


async def asgi_app(scope: dict[str, Any], receive: Any, send: Any) -> None:
    """The floor: a bare ASGI callable, no framework, the same bytes and validators."""
    if scope["type"] == "lifespan":
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await send({"type": "lifespan.shutdown.complete"})
                return
    body, headers = _RAW[scope["path"]]
    etag = next(v for k, v in headers if k == b"etag")
    for name, value in scope["headers"]:
        if name == b"if-none-match" and value == etag:
            kept = [(k, v) for k, v in headers if k != b"content-type"]
            await send({"type": "http.response.start", "status": 304, "headers": kept})
            await send({"type": "http.response.body", "body": b""})
            return
    length = (b"content-length", str(len(body)).encode())
    await send({"type": "http.response.start", "status": 200, "headers": [*headers, length]})
    await send({"type": "http.response.body", "body": body})
