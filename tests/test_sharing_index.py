"""The in-memory /sharing path answers exactly what the SQL path answers."""

from __future__ import annotations

import time
from itertools import combinations
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.api.services import services_of
from app.errors import InvalidInput
from app.main import create_app
from app.register.schemas import RecipientRole
from app.register.scope import resolve_controllers
from app.register.silence import Fact
from app.sharing.declarations import SharingFilters
from app.sharing.memory import build, page_of
from app.sharing.sql import list_sharing
from tests.conftest import make_settings
from tests.helpers import count_statements

API = "/api/v1"
COUNCIL = "cambridgeshire-county-council"

SINGLE_FILTERS: list[dict[str, Any]] = [
    {},
    {"recipient": ["department-for-education"]},
    {"recipient": ["police", "nspcc", "youth-support-services"]},
    {"role": [RecipientRole.PROCESSOR]},
    {"role": [RecipientRole.NOT_STATED, RecipientRole.INTERNAL]},
    {"data_category": ["name"]},
    {"data_category": ["personal-identifying-information"]},
    {"data_category": ["contact-details", "ethnicity"]},
    {"special_category": True},
    {"special_category": False},
    {"data_subject": ["children-and-young-people"]},
    {"purpose": ["provide-youth-support-service-and-careers-advice"]},
    {"legislation": ["education-act-1996"]},
    {"legislation": ["education-act-1996-section-507b"]},
    {"lawful_basis": ["article-6-1-c"]},
    {"service": ["youth-support-service"]},
    {"data_categories_stated": True},
    {"data_categories_stated": False},
    {"age": 0},
    {"age": 13},
    {"age": 15},
    {"age": 16},
    {"age": 40},
    *({"unstated": [fact]} for fact in Fact),
    {"unstated": [Fact.DATA_CATEGORIES, Fact.AGE]},
    {"stated_only": True, "data_category": ["name"]},
    {"stated_only": True, "role": [RecipientRole.PROCESSOR]},
    {"stated_only": True, "lawful_basis": ["article-6-1-c"]},
    {"stated_only": True, "age": 14},
]
COMBINED = [
    {**a, **b}
    for a, b in combinations(SINGLE_FILTERS[1:], 2)
    if not set(a) & set(b) and "stated_only" not in a
]


def _both(
    session: Session, filters: dict[str, Any], limit: int = 500, offset: int = 0
) -> tuple[Any, Any]:
    scope = resolve_controllers(session, [COUNCIL])
    assert scope.ids is not None
    (cid,) = scope.ids
    index = build(session, cid, COUNCIL)
    wanted = SharingFilters(**filters)
    from_sql = list_sharing(session, wanted, scope, limit=limit, offset=offset)
    from_memory = page_of(index, wanted, limit=limit, offset=offset)
    return from_sql, from_memory


@pytest.fixture(scope="module")
def read_session(shared_app: FastAPI) -> Any:
    with services_of(shared_app).sessions() as db_session:
        yield db_session


@pytest.mark.parametrize("filters", SINGLE_FILTERS + COMBINED, ids=str)
def test_memory_and_sql_agree(read_session: Session, filters: dict[str, Any]) -> None:
    from_sql, from_memory = _both(read_session, filters)
    assert from_memory.total == from_sql.total
    assert from_memory.items == from_sql.items


def test_pages_agree(read_session: Session) -> None:
    for offset in (0, 7, 30):
        from_sql, from_memory = _both(read_session, {}, limit=7, offset=offset)
        assert from_memory.items == from_sql.items
        assert (from_memory.total, from_memory.offset) == (from_sql.total, from_sql.offset)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("recipient", "nobody"),
        ("data_category", "nothing"),
        ("legislation", "no-act"),
        ("purpose", "none"),
        ("lawful_basis", "article-99"),
        ("service", "x"),
    ],
)
def test_unknown_slugs_are_refused_alike(read_session: Session, field: str, value: str) -> None:
    with pytest.raises(InvalidInput) as from_sql:
        _both(read_session, {field: [value]})
    scope = resolve_controllers(read_session, [COUNCIL])
    assert scope.ids is not None
    index = build(read_session, scope.ids[0], COUNCIL)
    with pytest.raises(InvalidInput) as from_memory:
        page_of(index, SharingFilters(**{field: [value]}), limit=5, offset=0)
    assert from_memory.value.extensions == from_sql.value.extensions


def test_the_sql_path_runs_a_constant_number_of_statements(
    read_session: Session, shared_app: FastAPI
) -> None:
    controllers = resolve_controllers(read_session, [COUNCIL])
    counts = []
    for limit in (5, 50, 200):
        with count_statements(services_of(shared_app).engine) as statements:
            list_sharing(
                read_session,
                SharingFilters(age=14, data_category=["name"]),
                controllers,
                limit=limit,
                offset=0,
            )
        counts.append(len(statements))
    assert counts[0] == counts[1] == counts[2], counts


def test_warm_requests_run_no_sql(client: TestClient, shared_app: FastAPI) -> None:
    params = {"data_category": "name", "age": 14}
    assert client.get(f"{API}/sharing", params=params).status_code == 200
    with count_statements(services_of(shared_app).engine) as statements:
        for _ in range(20):
            assert client.get(f"{API}/sharing", params=params).status_code == 200
    # At most the data-version check, which runs on its own connection.
    assert statements == []


def test_a_write_is_read_back_at_once(write_client: TestClient, auth: dict[str, str]) -> None:
    path = f"{API}/sharing/nexus"
    before = write_client.get(f"{API}/sharing", params={"data_category": "name"}).json()
    assert "nexus" not in [i["slug"] for i in before["items"]]
    etag = write_client.get(path).headers["etag"]
    added = write_client.put(f"{path}/data-categories/name", headers={**auth, "If-Match": etag})
    assert added.status_code == 200
    after = write_client.get(f"{API}/sharing", params={"data_category": "name"}).json()
    assert "nexus" in [i["slug"] for i in after["items"]]


def test_another_instance_sees_a_write_within_a_second(
    app: FastAPI, write_client: TestClient, auth: dict[str, str], seeded_db: str
) -> None:
    other = create_app(make_settings(seeded_db))
    with TestClient(other) as reader:
        params = {"data_category": "name"}
        assert "nexus" not in [
            i["slug"] for i in reader.get(f"{API}/sharing", params=params).json()["items"]
        ]
        etag = write_client.get(f"{API}/sharing/nexus").headers["etag"]
        write_client.put(
            f"{API}/sharing/nexus/data-categories/name", headers={**auth, "If-Match": etag}
        )
        written = time.monotonic()
        while True:
            items = reader.get(f"{API}/sharing", params=params).json()["items"]
            if "nexus" in [i["slug"] for i in items]:
                break
            assert time.monotonic() - written < 1.0, "stale after a second"
            time.sleep(0.02)
    services_of(other).engine.dispose()
