"""Every fact says where it comes from, writes keep it honest, and /sharing
never hides the notice's silence."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.db import make_engine, make_sessionmaker
from app.migrate import downgrade, upgrade
from app.register import entities as e
from app.register.basis import NON_FACTS, UNCONFIRMED_REASONING, complete, facts
from app.register.entities import to_state
from tests.conftest import migrate_and_seed
from tests.databases import DatabaseFactory
from tests.helpers import assert_problem, etag

API = "/api/v1"
KINDS = {"stated", "inferred", "reference", "not_stated"}
QUOTE = "Companies who process child level data on behalf of schools and settings"
NOTICE_SOURCE = [{"kind": "notice", "quote": QUOTE}]
ACME_QUOTE = {"kind": "notice", "quote": "These data processors include"}


def _items(client: TestClient, path: str, **params: Any) -> list[dict[str, Any]]:
    response = client.get(f"{API}/{path}", params={"limit": 500, **params})
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


@pytest.mark.parametrize("entity_type", e.ALL_TYPES, ids=lambda t: t.name)
def test_every_served_fact_has_a_basis(client: TestClient, entity_type: e.EntityType) -> None:
    items = _items(client, entity_type.name)
    assert items
    for item in items:
        expected = {key for key, _value, _list in facts(entity_type.schema, item)}
        assert set(item["basis"]) == expected, item["slug"]
        assert not expected & NON_FACTS
        for key, entry in item["basis"].items():
            assert entry["basis"] in KINDS, (item["slug"], key)
            if entry["basis"] in ("stated", "inferred"):
                assert entry["quotes"], (item["slug"], key)
            if entry["basis"] == "inferred":
                assert entry["reasoning"], (item["slug"], key)
        for condition in item.get("conditions", []):
            assert {"kind", "restricted_to"} <= set(condition["basis"])


def test_an_empty_value_is_never_served_as_stated(client: TestClient) -> None:
    for entity_type in e.SCOPED_TYPES:
        for item in _items(client, entity_type.name):
            for key, value, _list in facts(entity_type.schema, item):
                if value in (None, [], "not_stated"):
                    assert item["basis"][key]["basis"] == "not_stated", (item["slug"], key)


def _recipient(**fields: Any) -> dict[str, Any]:
    return {"slug": "acme-processing", "name": "Acme", "sources": NOTICE_SOURCE, **fields}


def test_a_write_records_an_inferred_value_with_its_reasoning(
    write_client: TestClient, auth: dict[str, str]
) -> None:
    reading = {
        "basis": "inferred",
        "quotes": [QUOTE],
        "reasoning": "The notice calls these companies data processors.",
    }
    created = write_client.post(
        f"{API}/recipients",
        json=_recipient(role="processor", basis={"role": reading}),
        headers=auth,
    )
    assert created.status_code == 201, created.text
    served = write_client.get(f"{API}/recipients/acme-processing").json()
    assert served["basis"]["role"] == {**reading, "reference": None, "exhaustive": None}
    assert served["basis"]["kind"]["basis"] == "stated"  # "other", by the default rule
    assert served["basis"]["website"]["basis"] == "not_stated"


@pytest.mark.parametrize(
    ("basis", "field", "words"),
    [
        (
            # With quotes it says more than the default of an empty value: it is checked.
            {"role": {"basis": "not_stated", "quotes": [QUOTE]}},
            "basis.role",
            "not_stated, but the entry gives",
        ),
        ({"website": {"basis": "stated", "quotes": ["Acme"]}}, "basis.website", "gives no value"),
        ({"colour": {"basis": "not_stated"}}, "basis.colour", "no such fact"),
        ({"role": {"basis": "inferred", "quotes": [QUOTE]}}, "basis.role", "reasoning"),
        ({"role": {"basis": "stated"}}, "basis.role", "quote"),
        (
            {"role": {"basis": "stated", "quotes": [QUOTE], "exhaustive": False}},
            "basis.role",
            "list",
        ),
    ],
)
def test_a_basis_that_contradicts_its_value_is_refused(
    write_client: TestClient, auth: dict[str, str], basis: Any, field: str, words: str
) -> None:
    response = write_client.post(
        f"{API}/recipients", json=_recipient(role="processor", basis=basis), headers=auth
    )
    body = assert_problem(response, 422)
    assert any(
        (err["field"] or "").startswith(field.split(".")[0]) and words in err["msg"]
        for err in body["errors"]
    ), body
    assert write_client.get(f"{API}/recipients/acme-processing").status_code == 404


def test_a_patch_that_changes_a_value_drops_its_stale_reading(
    write_client: TestClient, auth: dict[str, str]
) -> None:
    reading = {"basis": "inferred", "quotes": [QUOTE], "reasoning": "Called a processor."}
    write_client.post(
        f"{API}/recipients",
        json=_recipient(role="processor", basis={"role": reading}),
        headers=auth,
    )
    path = f"{API}/recipients/acme-processing"
    changed = write_client.patch(
        path,
        json={"role": "independent_controller"},
        headers={**auth, "If-Match": etag(write_client, path)},
    )
    assert changed.status_code == 200, changed.text
    # Not the old reading, nor the entry's quotes as if they stated the new value:
    # a reading of them for a person to confirm.
    new_basis = changed.json()["basis"]["role"]
    assert new_basis["basis"] == "inferred"
    assert new_basis["quotes"] == [QUOTE]
    assert new_basis["reasoning"] == UNCONFIRMED_REASONING
    again = write_client.patch(
        path,
        json={"role": "processor", "basis": {"role": reading}},
        headers={**auth, "If-Match": etag(write_client, path)},
    )
    assert again.json()["basis"]["role"]["reasoning"] == "Called a processor."


def test_an_untouched_fact_keeps_its_reading_through_a_patch(
    write_client: TestClient, auth: dict[str, str]
) -> None:
    reading = {"basis": "inferred", "quotes": [QUOTE], "reasoning": "Called a processor."}
    write_client.post(
        f"{API}/recipients",
        json=_recipient(role="processor", basis={"role": reading}),
        headers=auth,
    )
    path = f"{API}/recipients/acme-processing"
    patched = write_client.patch(
        path,
        json={"website": "https://acme.example/"},
        headers={**auth, "If-Match": etag(write_client, path)},
    )
    assert patched.status_code == 200, patched.text
    assert patched.json()["basis"]["role"]["basis"] == "inferred"
    assert patched.json()["basis"]["website"]["reasoning"] == UNCONFIRMED_REASONING
    with_quote = write_client.patch(
        path,
        json={"website": "https://acme.example/b", "sources": [*NOTICE_SOURCE, ACME_QUOTE]},
        headers={**auth, "If-Match": etag(write_client, path)},
    )
    assert with_quote.json()["basis"]["website"]["basis"] == "stated"  # new quotes: the default


def test_an_exported_document_edited_without_its_basis_imports(
    write_client: TestClient, auth: dict[str, str]
) -> None:
    document = write_client.get(f"{API}/register").json()
    (nexus,) = [r for r in document["recipients"] if r["slug"] == "nexus"]
    assert nexus["basis"]["contract_reference"]["basis"] == "not_stated"
    nexus["contract_reference"] = "NX-1"  # its basis entry left as exported
    del document["digest"]  # an edited document is imported without its digest
    response = write_client.post(f"{API}/register/import", json=document, headers=auth)
    assert response.status_code == 200, response.text
    served = write_client.get(f"{API}/recipients/nexus").json()
    assert served["basis"]["contract_reference"]["basis"] == "stated"


# --- /sharing never answers a bare empty list over silence ---------------------------


def test_special_category_says_how_many_arrangements_do_not_say_what_they_share(
    client: TestClient,
) -> None:
    answer = client.get(f"{API}/sharing", params={"special_category": "true"}).json()
    (silence,) = [u for u in answer["unstated"] if u["filter"] == "special_category"]
    unstated = [a for a in _items(client, "sharing") if not a["data_categories"]]
    assert silence["fact"] == "data_categories"
    assert silence["count"] == len(unstated) > 0
    assert silence["count_exact"] is True
    listed = client.get(silence["query"] + "&limit=500").json()
    assert sorted(i["slug"] for i in listed["items"]) == sorted(a["slug"] for a in unstated)
    assert all("data_categories" in i["not_stated"] for i in listed["items"])


def test_age_marks_arrangements_that_apply_only_because_no_age_is_stated(
    client: TestClient,
) -> None:
    answer = client.get(f"{API}/sharing", params={"age": 14, "limit": 500}).json()
    (silence,) = [u for u in answer["unstated"] if u["filter"] == "age"]
    ageless = [
        i
        for i in answer["items"]
        if i["applies_from_age"] is None and i["applies_until_age"] is None
    ]
    assert silence["among_matches"] is True
    assert silence["count"] == len(ageless)
    assert all("age" in i["not_stated"] for i in ageless)
    listed = client.get(silence["query"] + "&limit=500").json()
    assert {i["slug"] for i in listed["items"]} == {i["slug"] for i in ageless}


def test_no_silence_is_reported_without_a_filter_on_it(client: TestClient) -> None:
    assert client.get(f"{API}/sharing").json()["unstated"] == []
    answer = client.get(f"{API}/sharing", params={"recipient": "police"}).json()
    assert answer["unstated"] == []


def test_basis_stated_leaves_out_links_that_are_readings(
    write_client: TestClient, auth: dict[str, str]
) -> None:
    sharing = _items(write_client, "sharing")
    target = next(a for a in sharing if a["purposes"])
    purpose = target["purposes"][0]
    path = f"{API}/sharing/{target['slug']}"
    reading = {"basis": "inferred", "quotes": [QUOTE], "reasoning": "A test reading."}
    response = write_client.patch(
        path,
        json={"basis": {f"purposes/{purpose}": reading}},
        headers={**auth, "If-Match": etag(write_client, path)},
    )
    assert response.status_code == 200, response.text
    any_basis = {i["slug"] for i in _items(write_client, "sharing", purpose=purpose)}
    stated = {i["slug"] for i in _items(write_client, "sharing", purpose=purpose, basis="stated")}
    assert target["slug"] in any_basis
    assert target["slug"] not in stated
    assert stated == any_basis - {target["slug"]}


def test_unstated_and_basis_are_validated(client: TestClient) -> None:
    assert_problem(client.get(f"{API}/sharing", params={"unstated": "colour"}), 422)
    assert_problem(client.get(f"{API}/sharing", params={"basis": "guessed"}), 422)


# --- the migration fills existing rows with the default of every fact ------------------


def test_the_migration_fills_each_fact_with_its_default_basis(databases: DatabaseFactory) -> None:
    url = databases.create()
    migrate_and_seed(url)
    downgrade(url, "3d8a5e1f7b62")  # the revision before bases were recorded
    upgrade(url)
    engine = make_engine(url, pool_size=1, max_overflow=0)
    try:
        with make_sessionmaker(engine)() as session:
            _assert_defaults(session)
    finally:
        engine.dispose()


def _assert_defaults(session: Session) -> None:
    checked = 0
    for entity_type in e.ALL_TYPES:
        rows = session.query(entity_type.model).options(*e.load_options(entity_type.shape)).all()
        for obj in rows:
            state = to_state(entity_type.shape, obj)
            assert state["basis"] == complete(entity_type.schema, {**state, "basis": {}})
            for child in entity_type.shape.children:
                for child_state in state[child.field]:
                    expected = complete(child.shape.schema, {**child_state, "basis": {}})
                    assert child_state["basis"] == expected
            checked += 1
    assert checked > 100
