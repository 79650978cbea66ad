"""Instructions per request: the product against baselines, counted, not timed.

bench/http.py measures req/s with wrk, and on a machine whose cores other
jobs share its ratios move from run to run. This script counts instead: each
application (the product on SQLite, the same with the response cache off,
and the bare Starlette and minimal FastAPI baselines serving the product's
exact bytes and validators) runs in its own Python process under
``valgrind --tool=callgrind``; after warming up, the counters are zeroed,
a fixed number of requests go through the application's ASGI callable, and
the counters are dumped. Instructions per request are repeatable to a
fraction of a percent whatever else the machine does.

What is counted is the application and every middleware, from the ASGI
call to the last body byte; the HTTP server's own parsing and writing (the
same uvicorn code for every application) is not, so these ratios are lower
bounds of the req/s ratios a saturated single worker would show.

    .venv/bin/python bench/instructions.py [--requests 200]

Needs valgrind (Debian package). Takes a few minutes: start-up runs
uninstrumented, the counted requests ~50x slower than natively.
"""

# ruff: noqa: E402
from __future__ import annotations

import sys
from pathlib import Path

# bench/http.py is named like the standard library's ``http``: keep this
# folder off the import path.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

import argparse
import asyncio
import contextlib
import importlib
import os
import re
import shutil
import subprocess
import tempfile
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import orjson

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import BASELINE_HEADERS, ENDPOINTS, FILTERED, PYTHON, prepare

SLOWDOWN = 50  # callgrind's, roughly, for this Python code


# --- the worker: one application, driven over stdin -------------------------


async def asgi_get(app: Any, target: str, etag: str | None = None) -> tuple[int, bytes, dict]:
    """One GET through an ASGI application, as uvicorn would send it."""
    path, _, query = target.partition("?")
    headers = [(b"host", b"127.0.0.1:8000")]  # no Accept-Encoding: wrk sends none
    if etag:
        headers.append((b"if-none-match", etag.encode("latin-1")))
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": query.encode(),
        "root_path": "",
        "headers": headers,
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8000),
    }
    received = False
    status = 0
    body = bytearray()
    response_headers: dict[str, str] = {}

    async def receive() -> dict[str, Any]:
        nonlocal received
        if not received:
            received = True
            return {"type": "http.request", "body": b"", "more_body": False}
        await asyncio.Event().wait()  # the client never disconnects
        raise AssertionError("unreachable")

    async def send(message: dict[str, Any]) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]
            for name, value in message.get("headers", []):
                response_headers[name.decode("latin-1")] = value.decode("latin-1")
        elif message["type"] == "http.response.body":
            body.extend(message.get("body", b""))

    await app(scope, receive, send)
    return status, bytes(body), response_headers


async def serve_commands(target: str) -> None:
    """Answer ``GET <n> <target> [etag]`` lines from stdin until it closes."""
    module, _, name = target.partition(":")
    app = getattr(importlib.import_module(module), name)
    loop = asyncio.get_running_loop()
    router = getattr(app, "router", None)  # the bare ASGI baseline has none
    lifespan = router.lifespan_context(app) if router is not None else contextlib.nullcontext()
    async with lifespan:
        print("ready", flush=True)
        while line := await loop.run_in_executor(None, sys.stdin.readline):
            _, count, url, *etag = line.split()
            statuses = {(await asgi_get(app, url, *etag))[0] for _ in range(int(count))}
            print(" ".join(map(str, sorted(statuses))), flush=True)


# --- the driver ----------------------------------------------------------------


class Counted:
    """A worker process under callgrind, zeroed and dumped around each batch."""

    def __init__(self, name: str, target: str, env: dict[str, str], out_dir: Path) -> None:
        self.name = name
        self.out = out_dir / name
        self.process = subprocess.Popen(
            [
                "valgrind",
                "--tool=callgrind",
                # Start-up (imports, pydantic schemas for ~100 routes) runs
                # uninstrumented, ~10x faster; counting starts per batch.
                "--instr-atstart=no",
                f"--callgrind-out-file={self.out}",
                PYTHON,
                __file__,
                "--worker",
                target,
            ],
            cwd=ROOT,
            env={**os.environ, **env, "PYTHONHASHSEED": "0"},
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        assert self._line() == "ready", f"{name} did not start"

    def _line(self) -> str:
        assert self.process.stdout is not None
        return self.process.stdout.readline().strip()

    def _run(self, count: int, url: str, etag: str | None) -> str:
        assert self.process.stdin is not None
        self.process.stdin.write(f"GET {count} {url} {etag or ''}\n")
        self.process.stdin.flush()
        return self._line()

    def _control(self, *args: str) -> None:
        subprocess.run(
            ["callgrind_control", *args, str(self.process.pid)],
            check=True,
            capture_output=True,
        )

    def per_request(self, url: str, count: int, etag: str | None = None) -> tuple[float, str]:
        """Instructions per request for ``url`` (and the statuses seen)."""
        self._control("--instr=on")
        self._run(20, url, etag)  # warm: caches, statement caches, indexes
        self._control("--zero")
        statuses = self._run(count, url, etag)
        self._control("--dump")
        self._control("--instr=off")
        dumps = sorted(self.out.parent.glob(f"{self.out.name}.*"), key=_dump_number)
        match = re.search(r"^totals: (\d+)", dumps[-1].read_text(), re.MULTILINE)
        assert match, f"no totals in {dumps[-1]}"
        return int(match.group(1)) / count, statuses

    def stop(self) -> None:
        if self.process.stdin:
            self.process.stdin.close()
        try:
            self.process.wait(timeout=120)
        except subprocess.TimeoutExpired:
            self.process.kill()


def _dump_number(path: Path) -> int:
    suffix = path.name.rsplit(".", 1)[-1]
    return int(suffix) if suffix.isdigit() else -1


def _product_bodies(database_url: str) -> dict[str, Any]:
    """What the product answers for each endpoint: body and validators."""
    os.environ["DATABASE_URL"] = database_url
    from app.main import create_app

    app = create_app()

    async def collect() -> dict[str, Any]:
        bodies = {}
        async with app.router.lifespan_context(app):
            for path in ENDPOINTS.values():
                status, body, headers = await asgi_get(app, path)
                assert status == 200, (path, status)
                bodies[path] = {
                    "body": body.decode("latin-1"),
                    "headers": {k: headers[k] for k in BASELINE_HEADERS if k in headers},
                }
        return bodies

    return asyncio.run(collect())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=200, help="requests counted per figure")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        asyncio.run(serve_commands(args.worker))
        return 0
    if shutil.which("valgrind") is None:
        print("valgrind not found: apt-get install -y valgrind", file=sys.stderr)
        return 2

    workdir = Path(tempfile.mkdtemp(prefix="bench-instructions-"))
    try:
        database_url = f"sqlite:///{workdir / 'register.sqlite3'}"
        prepare(database_url)
        bodies = _product_bodies(database_url)
        bodies_file = workdir / "bodies.json"
        bodies_file.write_bytes(orjson.dumps(bodies))
        etags = {path: entry["headers"]["etag"] for path, entry in bodies.items()}
        baseline_env = {"BENCH_BODIES": str(bodies_file), "PYTHONPATH": str(ROOT)}
        # The data version is re-read per time (every 0.5 s, trusted for
        # 0.9 s), not per request: callgrind runs ~50x slower, so the same
        # clock would count 50x too many version reads per request, and a
        # read taking longer than 0.9 s would send requests to the routed
        # path. The counted process keeps the same pace relative to its work.
        product_env = {
            "DATABASE_URL": database_url,
            "CACHE_VERSION_INTERVAL": str(0.5 * SLOWDOWN),
            "CACHE_VERSION_MAX_AGE": str(0.9 * SLOWDOWN),
        }
        apps = {
            "asgi": ("bench.baselines:asgi_app", baseline_env),
            "starlette": ("bench.baselines:starlette_app", baseline_env),
            "fastapi": ("bench.baselines:fastapi_app", baseline_env),
            "product": ("app.main:app", product_env),
            "product, cache off": (
                "app.main:app",
                {**product_env, "RESPONSE_CACHE_ENABLED": "false"},
            ),
        }
        print(f"starting {len(apps)} applications under callgrind ...", file=sys.stderr)
        with ThreadPoolExecutor(max_workers=2) as pool:
            started = dict(
                zip(
                    apps,
                    pool.map(
                        lambda item: Counted(item[0], item[1][0], item[1][1], workdir),
                        apps.items(),
                    ),
                    strict=True,
                )
            )
        try:
            report(started, etags, args.requests)
        finally:
            for worker in started.values():
                worker.stop()
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


def report(workers: dict[str, Counted], etags: dict[str, str], count: int) -> None:
    print(
        f"\n{'endpoint':<28} {'application':<20} {'instr/request':>14}  "
        "ratio (baseline instructions / product's)"
    )
    rows: list[tuple[str, str, str | None]] = []
    for name, path in ENDPOINTS.items():
        rows += [(name, path, None), (f"{name} (304)", path, etags[path])]
    measured: dict[tuple[str, str], float] = {}
    for label, path, etag in rows:
        for app in ("asgi", "starlette", "fastapi", "product"):
            instructions, statuses = workers[app].per_request(path, count, etag)
            assert statuses == ("304" if etag else "200"), (app, path, statuses)
            measured[(app, label)] = instructions
            ratios = ""
            if app == "product":
                ratios = (
                    f"{measured[('fastapi', label)] / instructions:.2f}x fastapi, "
                    f"{measured[('starlette', label)] / instructions:.2f}x starlette, "
                    f"{measured[('asgi', label)] / instructions:.2f}x asgi"
                )
            print(f"{label:<28} {app:<20} {instructions:>14,.0f}  {ratios}", flush=True)
    for label, path in (
        ("sharing filtered", FILTERED),
        ("sharing, default page", ENDPOINTS["sharing"]),
    ):
        instructions, statuses = workers["product, cache off"].per_request(path, count)
        assert statuses == "200", (path, statuses)
        print(f"{label + ', uncached':<28} {'product, cache off':<20} {instructions:>14,.0f}")
    register = measured[("product", "register")]
    print(
        "ratio register/fastapi-baseline (instructions): "
        f"{measured[('fastapi', 'register')] / register:.2f}"
    )


if __name__ == "__main__":
    sys.exit(main())
