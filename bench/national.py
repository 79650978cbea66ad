"""National mix: many controllers, one write a second, reads of random controllers.

N synthetic controllers (bench/scale.py's generator: the seed register under
realistic names, ~200 arrangements each) on PostgreSQL. Readers ask random
controllers' register, a recipient's details and a filtered ``/sharing``;
a writer adds a service to a random controller once a second, over the API.
Three phases on the same database, each on a fresh app whose cache is first
warmed with every read once:

* ``quiet``: the reads alone (the baseline);
* ``per-controller``: the reads with the writes, cache validity per controller;
* ``global``: the same with every answer keyed on the global data version, as
  before validity per controller (``VersionWatcher.version_of`` returns the
  chain head: the response cache and the /sharing indexes follow it).

Requests go through the whole ASGI application in this process (httpx's ASGI
transport, no sockets), so a request is known to be a hit when it never
reached the router. Printed per phase: reads/s, p50/p99 of all reads, and of
reads to controllers not written in the last second, with their hit ratio.

    .venv/bin/python bench/national.py                      # 1,000 controllers
    .venv/bin/python bench/national.py --full               # 20,000 controllers
    .venv/bin/python bench/national.py --existing URL       # a kept database
    [--seconds 20] [--concurrency 8] [--hot N] [--postgres URL] [--keep]

``--hot N`` limits reads and writes to N random controllers (default 200), so
that every warmed answer, register snapshot and ``/sharing`` index fits in one
worker's budgets (1 GB, 1 GB and 512 MB here) and a miss means an
invalidation, not an eviction. Writes go to the same N: each
write invalidates answers that are read (the hardest case for per-controller
validity; writes to controllers nobody reads would cost it nothing).
"""

# ruff: noqa: E402
from __future__ import annotations

import sys
from pathlib import Path

sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import argparse
import asyncio
import gc
import math
import os
import random
import time
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

import httpx
from fastapi import FastAPI
from sqlalchemy import select

from app.api.services import services_of
from app.auth.keys import create_key
from app.cache.version import VersionWatcher
from app.config import Settings
from app.db import make_engine, make_sessionmaker, session_scope
from app.main import create_app
from app.migrate import upgrade
from app.register import models as m
from bench.common import DEFAULT_PG, create_pg_database, drop_pg_database
from bench.scale import load

API = "/api/v1"
READS = {
    "register": f"{API}/register?controller={{c}}",
    "recipient": f"{API}/recipients/department-for-education?controller={{c}}",
    "sharing": f"{API}/sharing?controller={{c}}&data_category=name&age=14",
}
IDENTITY = {"Accept-Encoding": "identity"}
RECENT = 1.0
"""A controller written less than this many seconds ago is 'written'."""

ROUTED: ContextVar[list[bool] | None] = ContextVar("routed", default=None)


class MarkRouted:
    """Between the response cache and the router: a request that gets here was not a hit."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        box = ROUTED.get()
        if box is not None:
            box.append(True)
        await self.app(scope, receive, send)


@dataclass
class Read:
    seconds: float
    hit: bool
    written: bool


@dataclass
class Phase:
    name: str
    reads: list[Read] = field(default_factory=list)
    writes: int = 0
    seconds: float = 0.0


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, math.ceil(share * len(ordered)) - 1)] * 1000


def build_app(url: str) -> FastAPI:
    settings = Settings(
        database_url=url,
        response_cache_max_bytes=1024**3,
        sharing_index_max_bytes=512 * 1024**2,
        recent_snapshots_max_bytes=1024**3,
    )
    app = create_app(settings)
    app.middleware_stack = app.build_middleware_stack()
    layer: Any = app.middleware_stack
    while type(layer).__name__ != "ResponseCache":
        layer = layer.app
    layer.app = MarkRouted(layer.app)
    return app


async def run_phase(
    name: str, url: str, hot: list[str], *, writes: bool, seconds: float, concurrency: int
) -> Phase:
    app = build_app(url)
    with session_scope(services_of(app).sessions) as session:
        key = create_key(session, name=f"bench {name}", scopes=["register:write"]).secret
    phase = Phase(name)
    run = f"{name}-{os.getpid()}"  # new slugs on a kept database too
    written: dict[str, float] = {}
    transport = httpx.ASGITransport(app=app)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=transport, base_url="http://bench", timeout=60) as client,
    ):

        async def get(path: str) -> tuple[float, bool]:
            box: list[bool] = []
            token = ROUTED.set(box)
            try:
                started = time.perf_counter()
                response = await client.get(path, headers=IDENTITY)
                elapsed = time.perf_counter() - started
            finally:
                ROUTED.reset(token)
            assert response.status_code == 200, (path, response.status_code)
            return elapsed, not box

        warm = [p.format(c=c) for c in hot for p in READS.values()]
        await gather(concurrency, lambda i: get(warm[i]), len(warm))
        rng = random.Random(name)
        deadline = time.monotonic() + seconds

        async def reader() -> None:
            while time.monotonic() < deadline:
                controller = rng.choice(hot)
                recent = time.monotonic() - written.get(controller, -math.inf) < RECENT
                elapsed, hit = await get(rng.choice(list(READS.values())).format(c=controller))
                phase.reads.append(Read(elapsed, hit, recent))
                # A hit never suspends (no I/O in this process's transport):
                # yield, or one reader would hold the loop until its version is stale.
                await asyncio.sleep(0)

        async def writer() -> None:
            auth = {"Authorization": f"Bearer {key}"}
            while writes and time.monotonic() < deadline - 1:
                await asyncio.sleep(1.0)
                controller = rng.choice(hot)
                body = {"slug": f"bench-{run}-{phase.writes}", "name": "Bench service"}
                response = await client.post(
                    f"{API}/services?controller={controller}",
                    json={**body, "sources": [{"kind": "notice", "quote": "bench"}]},
                    headers=auth,
                )
                assert response.status_code == 201, response.text
                written[controller] = time.monotonic()
                phase.writes += 1

        started = time.monotonic()
        await asyncio.gather(writer(), *(reader() for _ in range(concurrency)))
        phase.seconds = time.monotonic() - started
    # The app's start froze what it had built (gc.freeze); let the next phase's
    # memory not add to this one's.
    gc.unfreeze()
    del app, transport
    gc.collect()
    return phase


async def gather(limit: int, task: Callable[[int], Awaitable[Any]], count: int) -> None:
    queue = iter(range(count))

    async def worker() -> None:
        for index in queue:
            await task(index)

    await asyncio.gather(*(worker() for _ in range(limit)))


def report(phases: list[Phase], controllers: int, hot: int) -> None:
    print(f"\n{controllers:,} controllers; reads to {hot:,} of them, writes to the same")
    print(
        f"{'phase':<16}{'reads/s':>9}{'writes':>8}{'p50 ms':>9}{'p99 ms':>9}"
        f"{'unwritten':>11}{'hit %':>8}{'p50 ms':>9}{'p99 ms':>9}"
    )
    for phase in phases:
        times = [r.seconds for r in phase.reads]
        cold = [r for r in phase.reads if not r.written]
        hits = sum(r.hit for r in cold)
        cold_times = [r.seconds for r in cold]
        print(
            f"{phase.name:<16}{len(times) / phase.seconds:>9.0f}{phase.writes:>8}"
            f"{percentile(times, 0.5):>9.2f}{percentile(times, 0.99):>9.2f}"
            f"{len(cold):>11}{100 * hits / len(cold):>8.2f}"
            f"{percentile(cold_times, 0.5):>9.2f}{percentile(cold_times, 0.99):>9.2f}"
        )
    quiet = next(p for p in phases if p.name == "quiet")
    base = percentile([r.seconds for r in quiet.reads], 0.99)
    for phase in phases:
        unwritten = [r.seconds for r in phase.reads if not r.written]
        ratio = percentile(unwritten, 0.99) / base
        print(f"  {phase.name}: p99 of reads to unwritten controllers / quiet p99 = {ratio:.2f}")


def global_versions() -> Callable[[], None]:
    """Key every answer on the chain head, as before validity per controller."""
    original = VersionWatcher.version_of

    def head_only(self: VersionWatcher, controller: str | None) -> int:
        return self.version or 0

    VersionWatcher.version_of = head_only  # type: ignore[method-assign]

    def restore() -> None:
        VersionWatcher.version_of = original  # type: ignore[method-assign]

    return restore


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--full", action="store_true", help="20,000 controllers")
    parser.add_argument("--controllers", type=int)
    parser.add_argument("--hot", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--postgres", default=DEFAULT_PG)
    parser.add_argument("--existing", help="a database URL loaded by an earlier --keep run")
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    count = args.controllers or (20_000 if args.full else 1_000)
    name = None
    if args.existing:
        url = args.existing
    else:
        name, url = create_pg_database(args.postgres, "national")
        upgrade(url)
        seconds, arrangements = load(url, count, quiet=True)
        print(f"loaded {count:,} controllers, {arrangements:,} arrangements in {seconds:.0f} s")
    try:
        engine = make_engine(url, pool_size=1, max_overflow=0)
        with make_sessionmaker(engine)() as session:
            slugs = list(session.scalars(select(m.Controller.slug).order_by(m.Controller.id)))
        engine.dispose()
        hot_count = min(len(slugs), args.hot)
        hot = random.Random(0).sample(slugs, hot_count)
        options = {"seconds": args.seconds, "concurrency": args.concurrency}
        phases = [asyncio.run(run_phase("quiet", url, hot, writes=False, **options))]
        phases.append(asyncio.run(run_phase("per-controller", url, hot, writes=True, **options)))
        restore = global_versions()
        try:
            phases.append(asyncio.run(run_phase("global", url, hot, writes=True, **options)))
        finally:
            restore()
        report(phases, len(slugs), hot_count)
    finally:
        if name is not None and not args.keep:
            drop_pg_database(args.postgres, name)
        elif name is not None:
            print(f"kept: {url}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
