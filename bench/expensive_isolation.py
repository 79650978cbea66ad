"""Do expensive reads starve cheap ones? ``/api/v1/recipients`` latency idle
and with 16 concurrent expensive callers, with the expensive work in the
server's threads (``EXPENSIVE_PROCESSES=0``) and in a worker process
(``EXPENSIVE_PROCESSES=1``), in the same run.

The register is the seeded one grown by ``--writes`` audited changes
(SQLite). Each server is one uvicorn process. The expensive callers (8 on
``/api/v1/changes/verify`` with every call a full pass, 8 on
``/api/v1/register?as_of=`` at moments spread over the log, so that each
replays) run in a separate process; one client in this process requests
``/api/v1/recipients`` one request at a time and records the latency. Printed:
p50 and p99 idle and loaded, and loaded/idle ratios per mode.

    .venv/bin/python bench/expensive_isolation.py [--writes 9000] [--requests 400] [--no-cache]
"""

# ruff: noqa: E402
from __future__ import annotations

import sys
from pathlib import Path

# bench/http.py is named like the standard library's ``http``: this folder
# must not shadow it.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import argparse
import multiprocessing
import shutil
import statistics
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from bench.audit_cost import grow
from bench.common import API, prepare
from bench.http import Server, uvicorn

CALLERS = 16
CHEAP = f"{API}/recipients"


def percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def cheap_latencies(base: str, count: int) -> list[float]:
    """``count`` sequential requests for the cheap read, in milliseconds."""
    found = []
    with httpx.Client(base_url=base, timeout=60) as client:
        for _ in range(20):  # warm: connection, caches
            client.get(CHEAP).raise_for_status()
        for _ in range(count):
            start = time.perf_counter()
            client.get(CHEAP).raise_for_status()
            found.append((time.perf_counter() - start) * 1000)
    return found


def expensive_callers(base: str, first: str, last: str, stop: threading.Event) -> list[int]:
    """16 callers in threads, each calling an expensive read until ``stop``
    (the answers in flight then are awaited); the status of every answer."""
    start, end = datetime.fromisoformat(first), datetime.fromisoformat(last)
    statuses: list[int] = []

    def call(index: int) -> None:
        with httpx.Client(base_url=base, timeout=300) as client:
            n = 0
            while not stop.is_set():
                try:
                    if index % 2:
                        response = client.get(f"{API}/changes/verify")
                    else:
                        step = ((index * 7919 + n * 104729) % 1000) / 1000
                        moment = (start + (end - start) * step).isoformat()
                        response = client.get(f"{API}/register", params={"as_of": moment})
                    statuses.append(response.status_code)
                except httpx.TimeoutException:
                    statuses.append(0)
                n += 1

    threads = [threading.Thread(target=call, args=(i,)) for i in range(CALLERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return statuses


def _load(base: str, first: str, last: str, stop: Any, out: Any) -> None:
    """In a process of its own: the callers, until ``stop`` is set."""
    done = threading.Event()
    threading.Thread(target=lambda: (stop.wait(), done.set()), daemon=True).start()
    out.put(expensive_callers(base, first, last, done))


def measure(server: Server, requests: int, first: str, last: str) -> dict[str, float]:
    base = server.url("")
    idle = cheap_latencies(base, requests)
    stop, queue = multiprocessing.Event(), multiprocessing.Queue()
    load = multiprocessing.Process(target=_load, args=(base, first, last, stop, queue))
    load.start()
    time.sleep(3)  # every caller has started and the first passes are running
    loaded = cheap_latencies(base, requests)
    stop.set()
    statuses = queue.get()
    load.join()
    return {
        "idle_p50": statistics.median(idle),
        "idle_p99": percentile(idle, 0.99),
        "loaded_p50": statistics.median(loaded),
        "loaded_p99": percentile(loaded, 0.99),
        "expensive_answers": len(statuses),
        "expensive_ok": sum(1 for s in statuses if s == 200),
    }


def log_span(url: str) -> tuple[str, str]:
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.connect() as conn:
        first, last = conn.execute(
            text("SELECT min(occurred_at), max(occurred_at) FROM audit_events")
        ).one()
    engine.dispose()

    def iso(value: object) -> str:
        moment = datetime.fromisoformat(str(value)).replace(tzinfo=UTC)
        return moment.isoformat()

    return iso(first), iso(datetime.fromisoformat(str(last)) + timedelta(seconds=1))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--writes", type=int, default=9000)
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--no-cache", action="store_true", help="response cache off")
    parser.add_argument("--db", help="reuse this SQLite file (grown by an earlier run)")
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="bench-isolation-"))
    try:
        path = workdir / "register.sqlite3"
        if args.db:
            shutil.copyfile(args.db, path)
        url = f"sqlite:///{path}"
        if not args.db:
            prepare(url)
            grow(url, args.writes)
        first, last = log_span(url)
        results = {}
        for processes in (0, 1):
            env = {
                "DATABASE_URL": url,
                "EXPENSIVE_PROCESSES": str(processes),
                "VERIFY_CACHE_SECONDS": "0",
                "VERIFY_FULL_SECONDS": "0",
                "RESPONSE_CACHE_ENABLED": "false" if args.no_cache else "true",
            }
            server = uvicorn(f"processes={processes}", "app.main:app", env)
            server.start()
            try:
                results[processes] = measure(server, args.requests, first, last)
            finally:
                server.stop()
        cache = "off" if args.no_cache else "on"
        print(f"{CHEAP}, {args.requests} sequential requests; response cache {cache}")
        print(
            f"{'mode':<22}{'idle p50':>10}{'idle p99':>10}{'load p50':>10}{'load p99':>10}"
            f"{'p50 x':>8}{'p99 x':>8}{'expensive':>11}"
        )
        for processes, r in results.items():
            mode = "in-thread" if processes == 0 else "worker process"
            print(
                f"{mode:<22}{r['idle_p50']:>10.1f}{r['idle_p99']:>10.1f}"
                f"{r['loaded_p50']:>10.1f}{r['loaded_p99']:>10.1f}"
                f"{r['loaded_p50'] / r['idle_p50']:>8.1f}{r['loaded_p99'] / r['idle_p99']:>8.1f}"
                f"{int(r['expensive_ok']):>6}/{int(r['expensive_answers'])}"
            )
        print("(milliseconds; x: loaded / idle; expensive: 200 answers / all, during the load)")
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
