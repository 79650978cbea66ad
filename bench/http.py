"""HTTP benchmark: the product against baselines serving the same bytes.

Starts, in one run: a bare Starlette app and a minimal FastAPI ``async def``
app serving the exact bytes (and validators) the product returns for each
measured endpoint, then the product itself (one uvicorn worker) on SQLite and
on PostgreSQL, plus the product on SQLite with the response cache off (for
uncached filtered queries). wrk drives each server in turn, round after
round (alternation spreads drift over all servers), and the median of the
rounds is reported: req/s, p50, p99, and the ratios the performance issue
sets. Finally every endpoint is hit with 256 connections to show nothing
stalls.

    .venv/bin/python bench/http.py [--duration 3] [--rounds 2] [--postgres URL]

Needs ``wrk`` (Debian package) and, for the PostgreSQL run, a server
reachable at --postgres (default: the machine's, as in the test setup).
"""

# ruff: noqa: E402
from __future__ import annotations

import sys
from pathlib import Path

# This file is named like the standard library's ``http``: run as a script,
# its folder must not shadow it.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

import argparse
import os
import re
import shutil
import socket
import statistics
import subprocess
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import orjson

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import (
    BASELINE_HEADERS,
    DEFAULT_PG,
    ENDPOINTS,
    FILTERED,
    PYTHON,
    create_pg_database,
    drop_pg_database,
    prepare,
)

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


@dataclass
class Server:
    name: str
    port: int
    argv: list[str]
    env: dict[str, str] = field(default_factory=dict)
    process: subprocess.Popen[bytes] | None = None

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def start(self) -> None:
        self.process = subprocess.Popen(
            self.argv,
            cwd=ROOT,
            env={**os.environ, **self.env},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(f"{self.name} did not start")

    def cpu_seconds(self) -> float:
        """User + system CPU time the server process has used so far (Linux).

        CPU time per request is what a saturated single worker's throughput
        is the inverse of, and unlike req/s it barely moves when other jobs
        share the machine's cores, so the ratios are also given on it.
        """
        assert self.process is not None
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def uvicorn(name: str, target: str, env: dict[str, str]) -> Server:
    port = free_port()
    argv = [PYTHON, "-m", "uvicorn", target, "--port", str(port), "--no-access-log"]
    return Server(name, port, [*argv, "--log-level", "warning"], env)


def fetch(url: str, headers: dict[str, str] | None = None) -> tuple[int, bytes, dict[str, str]]:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read(), dict(response.headers.items())
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read(), dict(exc.headers.items())


UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3, "m": 6e4}


def _ms(value: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m)", value.strip())
    if match is None:  # wrk prints e.g. "-nan" when no request completed
        return float("nan")
    return float(match.group(1)) * UNITS[match.group(2)]


@dataclass
class Result:
    rps: float
    p50: float
    p99: float
    errors: int
    requests: int = 0
    cpu_us: float = float("nan")  # server CPU time per request, microseconds


def wrk(
    url: str,
    *,
    duration: int,
    connections: int = 32,
    etag: str | None = None,
    server: Server | None = None,
) -> Result:
    argv = [
        "wrk",
        "-t1",
        f"-c{connections}",
        f"-d{max(1, duration)}s",
        "--latency",
        "--timeout",
        "5s",
    ]
    if etag:
        argv += ["-H", f"If-None-Match: {etag}"]
    cpu_before = server.cpu_seconds() if server else 0.0
    out = subprocess.run([*argv, url], capture_output=True, text=True, check=True).stdout
    cpu = server.cpu_seconds() - cpu_before if server else float("nan")
    if "Latency Distribution" not in out:
        raise RuntimeError(f"unexpected wrk output for {url}:\n{out}")
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    # Anchored: "+/- Stdev" columns such as "88.99%" end in the same digits.
    p50 = _ms(re.search(r"^\s+50%\s+(\S+)", out, re.M).group(1))  # type: ignore[union-attr]
    p99 = _ms(re.search(r"^\s+99%\s+(\S+)", out, re.M).group(1))  # type: ignore[union-attr]
    errors = 0
    if match := re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out):
        errors += int(match.group(1))
    if match := re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out
    ):
        errors += sum(int(g) for g in match.groups())
    requests = int(re.search(r"(\d+) requests in", out).group(1))  # type: ignore[union-attr]
    return Result(rps, p50, p99, errors, requests, cpu * 1e6 / max(requests, 1))


def median(results: list[Result]) -> Result:
    return Result(
        statistics.median(r.rps for r in results),
        statistics.median(r.p50 for r in results),
        statistics.median(r.p99 for r in results),
        sum(r.errors for r in results),
        sum(r.requests for r in results),
        statistics.median(r.cpu_us for r in results),
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=3, help="seconds per wrk run")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--postgres", default=os.environ.get("TEST_DATABASE_URL", DEFAULT_PG))
    parser.add_argument("--no-postgres", action="store_true")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        print("wrk not found: apt-get install -y wrk", file=sys.stderr)
        return 2

    workdir = Path(tempfile.mkdtemp(prefix="bench-http-"))
    sqlite_url = f"sqlite:///{workdir / 'register.sqlite3'}"
    prepare(sqlite_url)
    pg_name = pg_url = None
    if not args.no_postgres:
        pg_name, pg_url = create_pg_database(args.postgres, "bench_http")
        prepare(pg_url)

    product_env = {"DATABASE_URL": sqlite_url}
    servers = [uvicorn("product-sqlite", "app.main:app", product_env)]
    uncached = uvicorn(
        "uncached-sqlite", "app.main:app", {**product_env, "RESPONSE_CACHE_ENABLED": "false"}
    )
    started: list[Server] = []
    try:
        servers[0].start()
        started.append(servers[0])
        bodies = {}
        for path in ENDPOINTS.values():
            status, body, headers = fetch(servers[0].url(path))
            assert status == 200, (path, status)
            kept = {k.lower(): v for k, v in headers.items()}
            bodies[path] = {
                "body": body.decode("latin-1"),
                "headers": {k: kept[k] for k in BASELINE_HEADERS if k in kept},
            }
        bodies_file = workdir / "bodies.json"
        bodies_file.write_bytes(orjson.dumps(bodies))
        baseline_env = {"BENCH_BODIES": str(bodies_file), "PYTHONPATH": str(ROOT)}
        baselines = [
            uvicorn("starlette", "bench.baselines:starlette_app", baseline_env),
            uvicorn("fastapi", "bench.baselines:fastapi_app", baseline_env),
            uvicorn("asgi", "bench.baselines:asgi_app", baseline_env),
        ]
        others = [*baselines]
        if pg_url:
            others.append(uvicorn("product-postgres", "app.main:app", {"DATABASE_URL": pg_url}))
        for server in [*others, uncached]:
            server.start()
            started.append(server)
        order = [*baselines, servers[0], *others[len(baselines) :]]

        for server in order:  # warm every cache and connection once
            for path in ENDPOINTS.values():
                fetch(server.url(path))
        etags = {name: bodies[path]["headers"]["etag"] for name, path in ENDPOINTS.items()}
        runs: dict[tuple[str, str], list[Result]] = {}
        for round_no in range(args.rounds):
            print(f"round {round_no + 1}/{args.rounds} ...", file=sys.stderr)
            for name, path in ENDPOINTS.items():
                for server in order:
                    for conditional in (False, True):
                        label = f"{name} (304)" if conditional else name
                        result = wrk(
                            server.url(path),
                            duration=args.duration,
                            etag=etags[name] if conditional else None,
                            server=server,
                        )
                        runs.setdefault((server.name, label), []).append(result)
            runs.setdefault((uncached.name, "sharing filtered, uncached"), []).append(
                wrk(uncached.url(FILTERED), duration=args.duration, server=uncached)
            )
        table = {key: median(results) for key, results in runs.items()}
        report(table, [s.name for s in order])

        print("\n256 concurrent connections (errors = non-2xx/3xx + socket errors):")
        # The uncached server only for the filtered query: its register takes
        # ~0.1 s, so 256 clients would queue seconds of work past wrk's end.
        checks = [
            (s, p)
            for s in [servers[0], *others[len(baselines) :]]
            for p in [*ENDPOINTS.values(), FILTERED]
        ]
        for server, path in [*checks, (uncached, FILTERED)]:
            result = wrk(server.url(path), duration=args.duration, connections=256)
            print(
                f"  {server.name:<17} {path:<48} {result.rps:>9.0f} req/s  "
                f"p99 {result.p99:>8.1f} ms  errors {result.errors}"
            )
        register = table[("product-sqlite", "register")]
        fastapi = table[("fastapi", "register")]
        by_cpu = fastapi.cpu_us / register.cpu_us
        print(f"ratio register/fastapi-baseline (server CPU per request): {by_cpu:.2f}")
        print(f"ratio register/fastapi-baseline: {register.rps / fastapi.rps:.2f}")
    finally:
        for server in started:
            server.stop()
        if pg_name and args.postgres:
            drop_pg_database(args.postgres, pg_name)
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


def report(table: dict[tuple[str, str], Result], servers: list[str]) -> None:
    """Print req/s, latency and server CPU per request, with the issue's ratios.

    Two ratios per baseline: by req/s (what wrk saw, which on a shared
    machine moves with whatever else runs) and by server CPU time per
    request (baseline CPU / product CPU: the req/s ratio a saturated single
    worker would show, and steady across runs).
    """
    labels = []
    for _server, label in table:
        if label not in labels:
            labels.append(label)
    print(
        f"\n{'endpoint':<28} {'server':<17} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} "
        f"{'CPU us/req':>10}  ratios (req/s | CPU)"
    )
    for label in labels:
        for server in [*servers, "uncached-sqlite"]:
            result = table.get((server, label))
            if result is None:
                continue
            ratios = ""
            base_fastapi = table.get(("fastapi", label))
            base_starlette = table.get(("starlette", label))
            base_asgi = table.get(("asgi", label))
            if server.startswith("product") and base_fastapi and base_starlette and base_asgi:
                ratios = (
                    f"{result.rps / base_fastapi.rps:.2f}x fastapi, "
                    f"{result.rps / base_starlette.rps:.2f}x starlette, "
                    f"{result.rps / base_asgi.rps:.2f}x asgi | "
                    f"{base_fastapi.cpu_us / result.cpu_us:.2f}x fastapi, "
                    f"{base_starlette.cpu_us / result.cpu_us:.2f}x starlette, "
                    f"{base_asgi.cpu_us / result.cpu_us:.2f}x asgi"
                )
            errors = f"  ({result.errors} errors)" if result.errors else ""
            print(
                f"{label:<28} {server:<17} {result.rps:>9.0f} {result.p50:>8.2f} "
                f"{result.p99:>8.2f} {result.cpu_us:>10.0f}  {ratios}{errors}"
            )


if __name__ == "__main__":
    sys.exit(main())
