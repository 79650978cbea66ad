"""Database faults, with real processes: a throwaway PostgreSQL cluster, the
app under uvicorn (``sharing-register serve``), concurrent reads and writes,
and the database stopped in the middle of it all.

While the database is down the app answers 503 problem details with
``Retry-After`` (``/readyz`` too), no request hangs and the server process
lives on; once the database is back it serves again without a restart.
Then the books are balanced: every write acknowledged with 2xx is in the
database and in the audit trail, exactly once; every refused write left
nothing behind.

Also: migrations run twice in a row, or by two processes at once, are harmless.
"""

from __future__ import annotations

import itertools
import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field

import httpx
import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, select, text
from sqlalchemy.orm import Session

from app.auth.keys import create_key
from app.auth.models import IdempotencyRecord
from app.db import make_engine, make_sessionmaker, session_scope
from app.migrate import alembic_config
from app.register.models import Service
from app.trail.chain import verify
from app.trail.models import AuditEvent
from tests.conftest import migrate_and_seed
from tests.servers import ROOT, AppServer, ThrowawayPostgres, postgres_bin

REQUEST_TIMEOUT = 10.0
READS = [
    "/api/v1/recipients",
    "/api/v1/recipients/nexus",
    "/api/v1/sharing?recipient=department-for-education",
    "/api/v1/register",
    "/api/v1/services?limit=5",
    "/api/v1/changes?limit=5",
]


@pytest.fixture(scope="module")
def postgres() -> Iterator[ThrowawayPostgres]:
    bin_dir = postgres_bin()
    if bin_dir is None:
        if os.environ.get("CI") or os.environ.get("REQUIRE_POSTGRES") == "1":
            pytest.fail("PostgreSQL server binaries (initdb, pg_ctl) are needed in CI")
        pytest.skip("no PostgreSQL server binaries (initdb, pg_ctl) on this machine")
    server = ThrowawayPostgres(bin_dir).init()
    yield server
    server.destroy()


@dataclass
class Outcome:
    kind: str
    started: float
    ended: float
    status: int | None = None
    error: str | None = None
    headers: dict[str, str] = field(default_factory=dict)
    body: str = ""
    slug: str = ""
    name: str = ""


@dataclass
class Writer:
    """Creates services (each with its Idempotency-Key) and patches its own
    service with the ETag it last got back."""

    number: int
    etag: str
    acked_names: list[str] = field(default_factory=list)

    @property
    def own(self) -> str:
        return f"fault-own-{self.number}"


def _call(client: httpx.Client, kind: str, method: str, url: str, **kwargs: object) -> Outcome:
    started = time.monotonic()
    try:
        response = client.request(method, url, **kwargs)  # type: ignore[arg-type]
    except httpx.HTTPError as exc:
        return Outcome(kind, started, time.monotonic(), error=repr(exc))
    outcome = Outcome(kind, started, time.monotonic(), response.status_code)
    outcome.headers = dict(response.headers)
    if response.status_code >= 400:
        outcome.body = response.text
    return outcome


def _write_loop(client: httpx.Client, writer: Writer, stop: threading.Event) -> list[Outcome]:
    outcomes = []
    for n in itertools.count():
        if stop.is_set():
            break
        if n % 2 == 0:
            slug = f"fault-{writer.number}-{n}"
            body = {"slug": slug, "name": slug, "sources": [{"kind": "notice", "quote": "q"}]}
            outcome = _call(
                client, "create", "POST", "/api/v1/services",
                json=body, headers={"Idempotency-Key": slug},
            )  # fmt: skip
            outcome.slug = slug
        else:
            name = f"version {n}"
            outcome = _call(
                client, "patch", "PATCH", f"/api/v1/services/{writer.own}",
                json={"name": name}, headers={"If-Match": writer.etag},
            )  # fmt: skip
            outcome.slug, outcome.name = writer.own, name
            if outcome.status == 200:
                writer.etag = outcome.headers["etag"]
                writer.acked_names.append(name)
        outcomes.append(outcome)
        time.sleep(0.02)
    return outcomes


def _read_loop(client: httpx.Client, stop: threading.Event) -> list[Outcome]:
    outcomes = []
    for path in itertools.cycle(READS):
        if stop.is_set():
            break
        outcomes.append(_call(client, "read", "GET", path))
        time.sleep(0.01)
    return outcomes


def _new_key(url: str) -> str:
    engine = make_engine(url, pool_size=1, max_overflow=0)
    try:
        with session_scope(make_sessionmaker(engine)) as session:
            return create_key(session, name="faults", scopes=["register:write"]).secret
    finally:
        engine.dispose()


def _until(predicate: object, timeout: float) -> float:
    """Seconds it took for ``predicate()`` to hold."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if predicate():  # type: ignore[operator]
            return time.monotonic() - started
        time.sleep(0.1)
    raise AssertionError(f"still not true after {timeout} s")


def _ready(base_url: str) -> bool:
    try:
        return httpx.get(base_url + "/readyz", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


def test_the_app_survives_a_database_outage_and_loses_no_acknowledged_write(
    postgres: ThrowawayPostgres,
) -> None:
    migrate_and_seed(postgres.url)
    key = _new_key(postgres.url)
    app = AppServer(postgres.url, DB_POOL_TIMEOUT="2").start()
    headers = {"Authorization": f"Bearer {key}"}
    clients = [
        httpx.Client(base_url=app.base_url, timeout=REQUEST_TIMEOUT, headers=headers)
        for _ in range(5)
    ]
    try:
        writers = []
        for number in range(2):
            body = {
                "slug": f"fault-own-{number}",
                "name": "v0",
                "sources": [{"kind": "notice", "quote": "q"}],
            }
            created = clients[number].post("/api/v1/services", json=body)
            assert created.status_code == 201, created.text
            writers.append(Writer(number, created.headers["etag"]))

        stop = threading.Event()
        results: list[list[Outcome]] = []
        threads = [
            threading.Thread(
                target=lambda w=w: results.append(_write_loop(clients[w.number], w, stop))
            )
            for w in writers
        ] + [
            threading.Thread(target=lambda c=c: results.append(_read_loop(c, stop)))
            for c in clients[2:]
        ]
        for thread in threads:
            thread.start()
        time.sleep(3)
        down_at = time.monotonic()
        postgres.stop("fast")
        stopped_at = time.monotonic()
        time.sleep(1.5)
        ready = httpx.get(app.base_url + "/readyz", timeout=REQUEST_TIMEOUT)
        assert ready.status_code == 503
        assert ready.headers["content-type"].startswith("application/problem+json")
        assert ready.headers["retry-after"]
        time.sleep(2.5)
        up_at = time.monotonic()
        postgres.start()
        recovered_in = _until(lambda: _ready(app.base_url), timeout=20)
        time.sleep(3)
        stop.set()
        for thread in threads:
            thread.join(timeout=REQUEST_TIMEOUT + 5)
        assert not any(thread.is_alive() for thread in threads), "a client hung"
        assert app.alive(), "the server process died"
        outcomes = [o for batch in results for o in batch]
        logs = app.logs()
    finally:
        for client in clients:
            client.close()
        app.stop()

    # -- what the clients saw
    failed = [o for o in outcomes if o.error]
    server_errors = [line for line in logs.splitlines() if '"level":"error"' in line]
    assert failed == [], f"requests failed at the HTTP level; the server said: {server_errors[:3]}"
    assert max(o.ended - o.started for o in outcomes) < REQUEST_TIMEOUT
    assert recovered_in < 15
    unexpected = [
        (o.kind, o.status, o.headers.get("x-request-id"))
        for o in outcomes
        if o.status not in {200, 201, 503}
    ]
    assert unexpected == [], f"the server said: {server_errors[:3]}"
    unavailable = [o for o in outcomes if o.status == 503]
    assert unavailable, "the outage was not noticed"
    for outcome in unavailable:
        assert outcome.headers["content-type"].startswith("application/problem+json")
        assert int(outcome.headers["retry-after"]) > 0
        assert outcome.headers["x-content-type-options"] == "nosniff"
        assert outcome.headers["x-request-id"]
        assert json.loads(outcome.body)["type"].endswith("database-unavailable")
    outage = [o for o in outcomes if o.started > stopped_at + 1 and o.ended < up_at]
    assert outage
    assert {o.status for o in outage} == {503}
    for kind in ("read", "create", "patch"):
        assert any(
            o.kind == kind and o.status in {200, 201} and o.started < down_at for o in outcomes
        )
        assert any(
            o.kind == kind and o.status in {200, 201} and o.started > up_at for o in outcomes
        )

    # -- the books: acknowledged = in the database = in the audit trail, exactly once
    acked_creates = {o.slug for o in outcomes if o.kind == "create" and o.status == 201}
    refused_creates = {o.slug for o in outcomes if o.kind == "create" and o.status != 201}
    assert refused_creates
    owns = {w.own for w in writers}
    engine = make_engine(postgres.url, pool_size=1, max_overflow=0)
    try:
        with Session(engine) as session:
            stored = set(session.scalars(select(Service.slug).where(Service.slug.like("fault-%"))))
            events = session.execute(
                select(AuditEvent.action, AuditEvent.slug).where(AuditEvent.slug.like("fault-%"))
            ).all()
            names = dict(
                session.execute(
                    select(Service.slug, Service.name).where(Service.slug.in_(owns))
                ).all()
            )
            idempotency = set(session.scalars(select(IdempotencyRecord.key)))
            assert verify(session).ok
    finally:
        engine.dispose()
    assert stored == acked_creates | owns
    creates = sorted(slug for action, slug in events if action == "create")
    assert creates == sorted(acked_creates | owns)
    assert idempotency >= acked_creates
    assert not idempotency & refused_creates
    for writer in writers:
        updates = [slug for action, slug in events if action == "update" and slug == writer.own]
        assert len(updates) == len(writer.acked_names)
        assert names[writer.own] == (writer.acked_names[-1] if writer.acked_names else "v0")
    # -- and the server logged JSON lines, each with its request id, never the key
    lines = [json.loads(line) for line in logs.splitlines() if line.startswith("{")]
    assert len(lines) > 50
    assert all("request_id" in line for line in lines)
    assert (
        sum(1 for line in lines if line.get("logger") == "app.access" and line["request_id"]) > 50
    )
    assert key.split("_", 2)[2] not in logs


def _migrate(url: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "app.cli", "migrate"],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": url},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )


def test_migrations_twice_or_at_once_are_harmless(postgres: ThrowawayPostgres) -> None:
    admin = create_engine(postgres.url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text("CREATE DATABASE migrate_race"))
    admin.dispose()
    url = postgres.url.rsplit("/", 1)[0] + "/migrate_race"
    racing = [_migrate(url), _migrate(url)]
    for process in racing:
        output, _ = process.communicate(timeout=120)
        assert process.returncode == 0, output.decode()
    again = _migrate(url)
    output, _ = again.communicate(timeout=120)
    assert again.returncode == 0, output.decode()
    engine = make_engine(url, pool_size=1, max_overflow=0)
    try:
        with engine.connect() as connection:
            versions = connection.execute(text("SELECT version_num FROM alembic_version")).all()
        head = ScriptDirectory.from_config(alembic_config(url)).get_current_head()
        assert versions == [(head,)]
        with session_scope(make_sessionmaker(engine)) as session:
            assert session.scalar(select(Service.id).limit(1)) is None  # schema there, empty
    finally:
        engine.dispose()
