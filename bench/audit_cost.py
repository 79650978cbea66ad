"""What the audit log's public reads cost: verification (chain and state),
checkpoints, inclusion and consistency proofs, and ``as_of`` replays, on the
seeded register grown by ``--writes`` audited changes (SQLite, or PostgreSQL
with ``--postgres URL``).

    .venv/bin/python bench/audit_cost.py --writes 9000
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
from fastapi.testclient import TestClient
from sqlalchemy import select

from app.api.services import services_of
from app.audit.incremental import IncrementalVerifier
from app.config import Settings
from app.db import make_engine, make_sessionmaker, session_scope
from app.main import create_app
from app.register import entities as e
from app.register import service, writes
from app.register.models import Controller
from app.register.scope import ControllerScope
from app.trail.chain import SYSTEM, begin_write
from bench.common import API, DEFAULT_PG, ROOT, create_pg_database, drop_pg_database, prepare
from tests.servers import AppServer

COUNCIL = "cambridgeshire-county-council"


def grow(url: str, count: int) -> None:
    """``count`` audited updates of one recipient, through the write path."""
    engine = make_engine(url, pool_size=1, max_overflow=0)
    factory = make_sessionmaker(engine)
    done = 0
    while done < count:
        with session_scope(factory) as session:
            begin_write(session)
            owner = session.scalars(select(Controller).where(Controller.slug == COUNCIL)).one()
            for _ in range(min(500, count - done)):
                scope = ControllerScope.of({owner.id: owner.slug})
                obj = service.get_entity(session, e.RECIPIENTS, "nexus", scope)
                patch = {"contract_reference": f"Contract {done}"}
                writes.update(session, e.RECIPIENTS, owner, obj, patch, actor=SYSTEM)
                done += 1
    engine.dispose()


def timed(call: Callable[[], Any], repeat: int = 5) -> tuple[float, float]:
    """(first call, median of the next ``repeat``) in milliseconds."""
    start = time.perf_counter()
    call()
    first = (time.perf_counter() - start) * 1000
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        call()
        samples.append((time.perf_counter() - start) * 1000)
    return first, statistics.median(samples)


def measure(url: str) -> None:
    app = create_app(Settings(database_url=url, seed_dir=ROOT / "seed_data"))
    with TestClient(app) as client:

        def get(path: str, **params: Any) -> Any:
            response = client.get(path, params=params)
            assert response.status_code == 200, response.text
            return response.json()

        start = time.perf_counter()
        size = get(f"{API}/log/checkpoint")["tree_size"]
        cold = (time.perf_counter() - start) * 1000
        print(f"events: {size}; the first checkpoint (hashing every leaf) {cold:.1f} ms")
        rows = {
            "changes/verify": lambda: get(f"{API}/changes/verify"),
            "log/checkpoint": lambda: get(f"{API}/log/checkpoint"),
            "log/proof/inclusion": lambda: get(f"{API}/log/proof/inclusion", seq=size // 3),
            "log/proof/consistency": lambda: get(f"{API}/log/proof/consistency", first=size // 2),
        }
        for name, call in rows.items():
            first, again = timed(call)
            print(f"{name:28} first {first:8.1f} ms   then {again:8.2f} ms (median of 5)")
        inclusion = get(f"{API}/log/proof/inclusion", seq=size // 3)["proof"]
        consistency = get(f"{API}/log/proof/consistency", first=size // 2)["proof"]
        print(f"proof sizes: inclusion {len(inclusion)}, consistency {len(consistency)} hashes")
        moments = [datetime.now(UTC).isoformat() for _ in range(2)]
        for n, moment in enumerate(moments):
            start = time.perf_counter()
            get(f"{API}/register", as_of=moment)
            took = (time.perf_counter() - start) * 1000
            print(f"register?as_of (moment {n + 1}, same event) {took:8.1f} ms")
    services_of(app).engine.dispose()


def passes(url: str, writes: int = 10) -> None:
    """A full verification, then incremental ones: after ``writes`` new
    events, and with none (the sweep alone); then a full one again."""
    engine = make_engine(url)
    factory = make_sessionmaker(engine)
    verifier = IncrementalVerifier()

    def run(full_seconds: float) -> tuple[float, str]:
        with factory() as session:
            start = time.perf_counter()
            report = verifier.report(session, sweep_events=1000, full_seconds=full_seconds)
            assert report.ok
            return (time.perf_counter() - start) * 1000, report.checked.kind

    full, _ = run(600)
    grow(url, writes)
    rows = [("full pass", full), (f"incremental after {writes} writes", run(600)[0])]
    rows += [("incremental, nothing new (sweep)", run(600)[0]), ("full pass again", run(0)[0])]
    for name, took in rows:
        print(f"verification, {name:36} {took:8.1f} ms")
    engine.dispose()


def latencies(base_url: str, path: str, count: int) -> tuple[float, float]:
    """(p50, p99) in milliseconds of ``count`` sequential GETs of ``path``."""
    samples = []
    with httpx.Client(base_url=base_url) as http:
        for _ in range(count):
            start = time.perf_counter()
            assert http.get(path).status_code == 200
            samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    return samples[len(samples) // 2], samples[int(len(samples) * 0.99) - 1]


def starve(url: str, callers: int, **env: str) -> None:
    """``/api/v1/recipients`` idle, then with ``callers`` threads calling
    ``/changes/verify`` without end (its cache off: every call verifies)."""
    server = AppServer(url, VERIFY_CACHE_SECONDS="0", **env).start()
    stop = threading.Event()

    def hammer() -> None:
        with httpx.Client(base_url=server.base_url, timeout=120) as http:
            while not stop.is_set():
                http.get(f"{API}/changes/verify")

    try:
        idle = latencies(server.base_url, f"{API}/recipients", 400)
        threads = [threading.Thread(target=hammer) for _ in range(callers)]
        for thread in threads:
            thread.start()
        time.sleep(2)
        loaded = latencies(server.base_url, f"{API}/recipients", 400)
        stop.set()
        for thread in threads:
            thread.join()
    finally:
        server.stop()
    print(f"/recipients idle:   p50 {idle[0]:.2f} ms, p99 {idle[1]:.2f} ms")
    print(
        f"/recipients with {callers} verify callers: p50 {loaded[0]:.2f} ms, "
        f"p99 {loaded[1]:.2f} ms ({loaded[1] / idle[1]:.1f}x idle p99)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--writes", type=int, default=2000)
    parser.add_argument("--postgres", nargs="?", const=DEFAULT_PG)
    parser.add_argument("--callers", type=int, default=16, help="expensive callers (0: skip)")
    args = parser.parse_args()
    if args.postgres:
        name, url = create_pg_database(args.postgres, "dsr_bench_audit")
        try:
            prepare(url)
            grow(url, args.writes)
            measure(url)
            passes(url)
            if args.callers:
                starve(url, args.callers)
        finally:
            drop_pg_database(args.postgres, name)
        return
    with tempfile.TemporaryDirectory() as directory:
        url = f"sqlite:///{Path(directory) / 'audit.sqlite3'}"
        prepare(url)
        grow(url, args.writes)
        measure(url)
        passes(url)
        if args.callers:
            starve(url, args.callers)


if __name__ == "__main__":
    main()
