"""Many controllers in one database: every entity stays addressable."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from app.api.services import services_of
from app.db import session_scope
from app.interchange.loading import sync_register
from app.interchange.seed import read_seed_dir
from app.trail.chain import SYSTEM
from tests.conftest import SEED_DIR
from tests.helpers import assert_problem

API = "/api/v1"
COUNCIL = "cambridgeshire-county-council"
OTHER = "other-county-council"


@pytest.fixture
def two_controllers(app: FastAPI) -> Iterator[TestClient]:
    """The seed register, and a second controller loaded from the same files."""
    (content,) = read_seed_dir(SEED_DIR)
    content.controller.entries = [
        {**content.controller.entries[0], "slug": OTHER, "name": "Other County Council"}
    ]
    with session_scope(services_of(app).sessions) as session:
        sync_register(session, content, actor=SYSTEM, number_entries=True)
    with TestClient(app) as client:
        yield client


def test_lists_span_controllers_unless_one_is_named(two_controllers: TestClient) -> None:
    both = two_controllers.get(f"{API}/recipients", params={"limit": 500}).json()
    one = two_controllers.get(
        f"{API}/recipients", params={"limit": 500, "controller": COUNCIL}
    ).json()
    assert both["total"] == 2 * one["total"]
    assert {i["controller"] for i in both["items"]} == {COUNCIL, OTHER}
    assert {i["controller"] for i in one["items"]} == {COUNCIL}


def test_a_shared_slug_needs_a_controller(two_controllers: TestClient) -> None:
    body = assert_problem(two_controllers.get(f"{API}/recipients/nexus"), 409)
    assert body["controllers"] == [COUNCIL, OTHER]
    detail = two_controllers.get(f"{API}/recipients/nexus", params={"controller": OTHER})
    assert detail.status_code == 200
    assert detail.json()["controller"] == OTHER
    assert {a["controller"] for a in detail.json()["sharing"]} == {OTHER}


def test_the_register_document_needs_a_controller(two_controllers: TestClient) -> None:
    assert_problem(two_controllers.get(f"{API}/register"), 422)
    ours = two_controllers.get(f"{API}/register", params={"controller": COUNCIL}).json()
    theirs = two_controllers.get(f"{API}/register", params={"controller": OTHER}).json()
    assert ours["controller"]["slug"] == COUNCIL
    assert theirs["controller"]["slug"] == OTHER
    assert ours["digest"] != theirs["digest"]
    assert len(ours["sharing"]) == len(theirs["sharing"])


def test_cross_controller_sharing_query(two_controllers: TestClient) -> None:
    everyone = two_controllers.get(
        f"{API}/sharing", params={"recipient": "youth-support-services", "age": 14}
    ).json()
    assert {i["controller"] for i in everyone["items"]} == {COUNCIL, OTHER}
    scoped = two_controllers.get(
        f"{API}/sharing",
        params={"recipient": "youth-support-services", "age": 14, "controller": OTHER},
    ).json()
    assert scoped["total"] * 2 == everyone["total"]


def test_lawful_bases_are_shared_reference_data(two_controllers: TestClient) -> None:
    bases = two_controllers.get(f"{API}/lawful-bases", params={"limit": 500}).json()
    assert bases["total"] == 16
    assert two_controllers.get(f"{API}/lawful-bases/article-6-1-c").status_code == 200
