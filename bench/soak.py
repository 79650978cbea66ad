"""Soak: a bounded mixed load against a real uvicorn server on PostgreSQL,
then the books are balanced.

    .venv/bin/python bench/soak.py [--duration 60] [--concurrency 8] [--workers 1]
                                   [--postgres URL] [--json FILE]

A fresh database is created on the PostgreSQL server (default: the machine's,
as in the test setup), migrated, seeded, given a key, and served by
``sharing-register serve``. ``--concurrency`` clients then loop for
``--duration`` seconds over a weighted mix: reads of every kind (lists,
details, filtered sharing, the register document, history, the change feed,
completeness, pages, the diagram, conditional GETs), exports (JSON-LD, TILT,
CSV, XLSX) and writes (create with an Idempotency-Key, update and delete
with If-Match, each client on its own entries).

Afterwards: acknowledged writes = audit events = final state (per action and
slug), the audit chain verifies, and no 5xx or transport error was seen. It
prints req/s, p50/p99 per kind and the error count; it exits non-zero if
anything does not reconcile. The database is dropped at the end.
"""

# ruff: noqa: E402
from __future__ import annotations

import sys
from pathlib import Path

# bench/http.py is named like the standard library's ``http``: run as a script,
# this folder must not shadow it.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

import argparse
import asyncio
import random
import statistics
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import httpx
import orjson
from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.auth.keys import create_key
from app.db import make_engine, make_sessionmaker, session_scope
from app.interchange.seed import load_seed
from app.migrate import upgrade
from app.register.models import Service
from app.trail.chain import verify
from app.trail.models import AuditEvent
from tests.servers import AppServer

DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
API = "/api/v1"
ENTITY_TYPES = [
    "controllers", "services", "data-subjects", "data-categories", "purposes", "legislation",
    "lawful-bases", "recipients", "sharing", "retention-rules", "data-collections", "rights",
    "data-sources", "storage-locations", "statements",
]  # fmt: skip
SHARING_FILTERS = [
    "recipient=department-for-education",
    "data_category=name&age=14",
    "special_category=true",
    "data_categories_stated=false",
    "data_subject=children-and-young-people&age=16",
    "role=processor",
]
EXPORTS = ["register.jsonld", "register.tilt.json", "register.csv", "register.xlsx"]
WEIGHTS = {"read": 70, "export": 10, "write": 20}
SOURCES = [{"kind": "notice", "quote": "soak"}]


@dataclass
class Sample:
    kind: str
    seconds: float
    status: int | None
    error: str | None = None


@dataclass
class Books:
    """What the server acknowledged, per client-owned slug."""

    created: set[str] = field(default_factory=set)
    deleted: set[str] = field(default_factory=set)
    updates: Counter[str] = field(default_factory=Counter)
    names: dict[str, str] = field(default_factory=dict)


class Client:
    """One looping client; it alone writes the entries named ``soak-<n>-*``."""

    def __init__(
        self, number: int, http: httpx.AsyncClient, reads: list[str], books: Books
    ) -> None:
        self.number = number
        self.http = http
        self.reads = reads
        self.books = books
        self.rng = random.Random(number)
        self.samples: list[Sample] = []
        self.own: dict[str, str] = {}  # slug -> ETag
        self.etags: dict[str, str] = {}  # read path -> ETag, for conditional GETs
        self.counter = 0

    async def call(self, kind: str, method: str, url: str, **kwargs: Any) -> httpx.Response | None:
        started = time.perf_counter()
        try:
            response = await self.http.request(method, url, **kwargs)
        except httpx.HTTPError as exc:
            self.samples.append(Sample(kind, time.perf_counter() - started, None, repr(exc)))
            return None
        sample = Sample(kind, time.perf_counter() - started, response.status_code)
        if response.status_code not in {200, 201, 204, 304}:
            sample.error = f"{method} {url} -> {response.status_code} {response.text[:300]}"
        self.samples.append(sample)
        return response

    async def run(self, deadline: float) -> None:
        kinds, weights = list(WEIGHTS), list(WEIGHTS.values())
        while time.monotonic() < deadline:
            kind = self.rng.choices(kinds, weights)[0]
            if kind == "read":
                await self.read()
            elif kind == "export":
                await self.call("export", "GET", f"{API}/{self.rng.choice(EXPORTS)}")
            else:
                await self.write()

    async def read(self) -> None:
        path = self.rng.choice(self.reads)
        headers = {}
        if path in self.etags and self.rng.random() < 0.3:
            headers["If-None-Match"] = self.etags[path]
        response = await self.call("read", "GET", path, headers=headers)
        if response is not None and response.status_code == 200 and "etag" in response.headers:
            self.etags[path] = response.headers["etag"]

    async def write(self) -> None:
        choice = self.rng.random()
        if not self.own or choice < 0.4:
            self.counter += 1
            slug = f"soak-{self.number}-{self.counter}"
            body = {"slug": slug, "name": slug, "sources": SOURCES}
            response = await self.call(
                "write", "POST", f"{API}/services", json=body, headers={"Idempotency-Key": slug}
            )
            if response is not None and response.status_code == 201:
                self.books.created.add(slug)
                self.books.names[slug] = slug
                self.own[slug] = response.headers["etag"]
            return
        slug = self.rng.choice(sorted(self.own))
        if choice < 0.9:
            name = f"{slug} v{self.counter}-{self.rng.randrange(10**6)}"
            response = await self.call(
                "write", "PATCH", f"{API}/services/{slug}",
                json={"name": name}, headers={"If-Match": self.own[slug]},
            )  # fmt: skip
            if response is not None and response.status_code == 200:
                self.books.updates[slug] += 1
                self.books.names[slug] = name
                self.own[slug] = response.headers["etag"]
            return
        response = await self.call(
            "write", "DELETE", f"{API}/services/{slug}", headers={"If-Match": self.own[slug]}
        )
        if response is not None and response.status_code == 204:
            self.books.deleted.add(slug)
            del self.own[slug]


def read_paths(base_url: str, seeded_at: str) -> list[str]:
    """Reads of every kind, with slugs the seed really has."""
    paths = [f"{API}/{name}" for name in ENTITY_TYPES if name != "sharing"]
    with httpx.Client(base_url=base_url, timeout=30) as http:
        for name in ENTITY_TYPES:
            items = http.get(f"{API}/{name}", params={"limit": 3}).json()["items"]
            paths += [f"{API}/{name}/{item['slug']}" for item in items]
        controller = http.get(f"{API}/controllers").json()["items"][0]["slug"]
        recipient = http.get(f"{API}/recipients", params={"limit": 1}).json()["items"][0]["slug"]
    paths += [f"{API}/sharing?{query}" for query in SHARING_FILTERS] + [f"{API}/sharing"]
    paths += [
        f"{API}/register",
        f"{API}/changes?limit=20",
        f"{API}/versions",
        f"{API}/register/audit",
    ]
    paths += [f"{API}/register/diff?from={seeded_at}", f"{API}/changes/verify"]
    paths += ["/", f"/controllers/{controller}", f"/controllers/{controller}/child"]
    paths += [f"/controllers/{controller}/recipients/{recipient}", "/diagram.svg", "/healthz"]
    return paths


def percentile(values: list[float], share: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def reconcile(url: str, books: Books) -> list[str]:
    """Acknowledged writes = audit events = final state; the chain verifies."""
    problems = []
    engine = make_engine(url, pool_size=1, max_overflow=0)
    try:
        with Session(engine) as session:
            events = Counter(
                session.execute(
                    select(AuditEvent.action, AuditEvent.slug).where(AuditEvent.slug.like("soak-%"))
                ).all()
            )
            stored = dict(
                session.execute(
                    select(Service.slug, Service.name).where(Service.slug.like("soak-%"))
                ).all()
            )
            chain = verify(session)
    finally:
        engine.dispose()
    expected = Counter({("create", slug): 1 for slug in books.created})
    expected.update({("update", slug): n for slug, n in books.updates.items()})
    expected.update({("delete", slug): 1 for slug in books.deleted})
    if events != expected:
        problems.append(f"audit events differ from acknowledged writes: {events ^ expected}")
    live = {slug: books.names[slug] for slug in books.created - books.deleted}
    if stored != live:
        problems.append(f"final state differs: {set(stored.items()) ^ set(live.items())}")
    if not chain.ok:
        problems.append(f"audit chain broken at {chain.first_broken_seq}: {chain.reason}")
    return problems


async def load(
    base_url: str, key: str, seeded_at: str, args: argparse.Namespace, books: Books
) -> list[Sample]:
    reads = read_paths(base_url, seeded_at)
    limits = httpx.Limits(max_connections=args.concurrency)
    headers = {"Authorization": f"Bearer {key}"}
    async with httpx.AsyncClient(
        base_url=base_url, timeout=30, limits=limits, headers=headers
    ) as http:
        clients = [Client(n, http, reads, books) for n in range(args.concurrency)]
        deadline = time.monotonic() + args.duration
        await asyncio.gather(*(client.run(deadline) for client in clients))
    return [sample for client in clients for sample in client.samples]


def create_database(server_url: str) -> tuple[str, str]:
    name = f"dsr_soak_{uuid.uuid4().hex[:8]}"
    admin = create_engine(
        make_url(server_url).set(database="postgres"), isolation_level="AUTOCOMMIT"
    )
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return name, make_url(server_url).set(database=name).render_as_string(hide_password=False)


def drop_database(server_url: str, name: str) -> None:
    admin = create_engine(
        make_url(server_url).set(database="postgres"), isolation_level="AUTOCOMMIT"
    )
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def report(samples: list[Sample], duration: float, problems: list[str]) -> dict[str, Any]:
    errors = [s for s in samples if s.error]
    server_errors = [s for s in samples if s.status is not None and s.status >= 500]
    summary: dict[str, Any] = {
        "requests": len(samples),
        "duration_s": round(duration, 1),
        "req_per_s": round(len(samples) / duration, 1),
        "errors": len(errors),
        "5xx": len(server_errors),
        "statuses": dict(sorted(Counter(str(s.status) for s in samples).items())),
        "reconciled": not problems,
    }
    for kind in ("all", "read", "export", "write"):
        chosen = [s.seconds for s in samples if kind == "all" or s.kind == kind]
        summary[kind] = {
            "n": len(chosen),
            "p50_ms": round(statistics.median(chosen) * 1000, 1) if chosen else None,
            "p99_ms": round(percentile(chosen, 0.99) * 1000, 1),
        }
    for error in errors[:10]:
        print("error:", error.error, file=sys.stderr)
    for problem in problems:
        print("NOT RECONCILED:", problem, file=sys.stderr)
    return summary


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=60.0, help="seconds of load")
    parser.add_argument("--concurrency", type=int, default=8, help="concurrent clients")
    parser.add_argument("--workers", type=int, default=1, help="uvicorn worker processes")
    parser.add_argument("--postgres", default=DEFAULT_PG, help="PostgreSQL server to use")
    parser.add_argument("--json", type=Path, help="also write the summary here")
    args = parser.parse_args()

    name, url = create_database(args.postgres)
    server = None
    try:
        upgrade(url)
        engine = make_engine(url, pool_size=1, max_overflow=0)
        with session_scope(make_sessionmaker(engine)) as session:
            load_seed(session, ROOT / "seed_data")
        with session_scope(make_sessionmaker(engine)) as session:
            key = create_key(session, name="soak", scopes=["register:write"]).secret
        engine.dispose()
        seeded_at = datetime.now(UTC).isoformat().replace("+00:00", "Z")
        server = AppServer(url, workers=args.workers).start()
        books = Books()
        started = time.monotonic()
        samples = asyncio.run(load(server.base_url, key, seeded_at, args, books))
        elapsed = time.monotonic() - started
        alive = server.alive()
        problems = reconcile(url, books)
        if not alive:
            problems.append("the server process died")
        if key.split("_", 2)[2] in server.logs():
            problems.append("the key appeared in the server's logs")
    finally:
        if server is not None:
            server.stop()
        drop_database(args.postgres, name)
    summary = report(samples, elapsed, problems)
    summary["writes_acknowledged"] = {
        "create": len(books.created),
        "update": sum(books.updates.values()),
        "delete": len(books.deleted),
    }
    text_summary = orjson.dumps(summary, option=orjson.OPT_INDENT_2).decode()
    print(text_summary)
    if args.json:
        args.json.write_text(text_summary)
    return 0 if not problems and not summary["errors"] and not summary["5xx"] else 1


if __name__ == "__main__":
    sys.exit(main())
