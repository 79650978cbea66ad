"""Authenticated editing: create, merge-patch, delete, links, ETags, idempotency."""

from __future__ import annotations

import itertools
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.register import writes
from app.register.models import Service
from app.trail.models import AuditEvent
from tests.helpers import assert_problem

API = "/api/v1"
SOURCE = [{"kind": "notice", "quote": "Our Education Service provides"}]


def event_count(session: Session) -> int:
    session.rollback()  # end the previous snapshot: see what the app committed since
    return session.scalar(select(func.count()).select_from(AuditEvent)) or 0


def last_event(session: Session) -> AuditEvent:
    session.rollback()
    return session.scalars(select(AuditEvent).order_by(AuditEvent.seq.desc()).limit(1)).one()


def create_service(
    client: TestClient, auth: dict[str, str], slug: str = "new-service", **extra: Any
) -> Any:
    body = {"slug": slug, "name": "A new service", "sources": SOURCE, **extra}
    return client.post(f"{API}/services", json=body, headers=auth)


def test_create_returns_the_entity_with_etag_and_location(
    write_client: TestClient, auth: dict[str, str], session: Session
) -> None:
    before = event_count(session)
    response = create_service(write_client, auth)
    assert response.status_code == 201, response.text
    assert response.headers["etag"]
    assert response.headers["location"].startswith(f"{API}/services/new-service")
    assert response.json()["controller"] == "cambridgeshire-county-council"
    read = write_client.get(f"{API}/services/new-service")
    assert read.status_code == 200
    assert read.headers["etag"] == response.headers["etag"]
    assert event_count(session) == before + 1
    event = last_event(session)
    assert (event.action, event.entity_type, event.slug) == ("create", "services", "new-service")
    assert event.actor_type == "api_key"
    assert event.actor_name == "DP team"
    assert event.before is None
    assert event.after is not None
    assert event.after["name"] == "A new service"
    assert event.request_id


def test_request_id_from_the_client_is_recorded(
    write_client: TestClient, auth: dict[str, str], session: Session
) -> None:
    response = write_client.post(
        f"{API}/services",
        json={"slug": "traced", "name": "Traced", "sources": SOURCE},
        headers={**auth, "X-Request-ID": "req-12345"},
    )
    assert response.status_code == 201
    assert last_event(session).request_id == "req-12345"


def test_invalid_body_names_each_bad_field_and_writes_nothing(
    write_client: TestClient, auth: dict[str, str], session: Session
) -> None:
    before = event_count(session)
    response = write_client.post(
        f"{API}/sharing",
        json={"slug": "Bad Slug", "recipient": 7, "applies_from_age": -2, "sources": []},
        headers=auth,
    )
    body = assert_problem(response, 422)
    fields = {e["field"] for e in body["errors"]}
    assert {"slug", "recipient", "applies_from_age", "sources", "name"} <= fields
    assert event_count(session) == before


def test_unknown_references_are_422_and_duplicates_409(
    write_client: TestClient, auth: dict[str, str], session: Session
) -> None:
    before = event_count(session)
    response = write_client.post(
        f"{API}/sharing",
        json={
            "slug": "to-nobody",
            "name": "To nobody",
            "recipient": "nobody",
            "data_categories": ["name", "no-such-category"],
            "sources": SOURCE,
        },
        headers=auth,
    )
    body = assert_problem(response, 422)
    fields = {e["field"] for e in body["errors"]}
    assert fields == {"recipient", "data_categories"}
    assert "no-such-category" in str(body["errors"])
    assert event_count(session) == before
    assert create_service(write_client, auth).status_code == 201
    assert_problem(create_service(write_client, auth), 409)


def test_patch_needs_a_fresh_etag(write_client: TestClient, auth: dict[str, str]) -> None:
    read = write_client.get(f"{API}/recipients/nexus")
    etag = read.headers["etag"]
    patch = {"contract_reference": "Contract 2024/17"}
    assert_problem(write_client.patch(f"{API}/recipients/nexus", json=patch, headers=auth), 428)
    assert_problem(
        write_client.patch(
            f"{API}/recipients/nexus", json=patch, headers={**auth, "If-Match": '"stale"'}
        ),
        412,
    )
    ok = write_client.patch(
        f"{API}/recipients/nexus", json=patch, headers={**auth, "If-Match": etag}
    )
    assert ok.status_code == 200, ok.text
    assert ok.json()["contract_reference"] == "Contract 2024/17"
    assert ok.headers["etag"] != etag
    # The old ETag is now stale.
    assert_problem(
        write_client.patch(
            f"{API}/recipients/nexus", json={"website": None}, headers={**auth, "If-Match": etag}
        ),
        412,
    )


def test_patch_has_json_merge_patch_semantics(
    write_client: TestClient, auth: dict[str, str]
) -> None:
    path = f"{API}/controllers/cambridgeshire-county-council"
    before = write_client.get(path).json()
    assert before["dpo"]["phone"] == "01223 699137"
    assert before["dpo"]["email"] is None
    etag = write_client.get(path).headers["etag"]
    response = write_client.patch(
        path,
        json={"dpo": {"email": "dpo@example.org.uk"}, "website": "https://example.org/"},
        headers={**auth, "If-Match": etag, "Content-Type": "application/merge-patch+json"},
    )
    assert response.status_code == 200, response.text
    after = response.json()
    assert after["dpo"]["email"] == "dpo@example.org.uk"
    assert after["dpo"]["phone"] == "01223 699137"  # nested members merge
    assert after["name"] == before["name"]
    etag = response.headers["etag"]
    cleared = write_client.patch(path, json={"website": None}, headers={**auth, "If-Match": etag})
    assert cleared.json()["website"] is None  # null removes


def test_patch_validates_the_merged_entity(write_client: TestClient, auth: dict[str, str]) -> None:
    slug = write_client.get(f"{API}/services").json()["items"][0]["slug"]
    etag = write_client.get(f"{API}/services/{slug}").headers["etag"]
    body = assert_problem(
        write_client.patch(
            f"{API}/services/{slug}", json={"name": None}, headers={**auth, "If-Match": etag}
        ),
        422,
    )
    assert body["errors"][0]["field"] == "name"
    assert_problem(
        write_client.patch(
            f"{API}/services/{slug}", json={"colour": "red"}, headers={**auth, "If-Match": etag}
        ),
        422,
    )


@pytest.mark.parametrize("path", ["controllers/cambridgeshire-county-council", "recipients/police"])
def test_slugs_are_stable(write_client: TestClient, auth: dict[str, str], path: str) -> None:
    etag = write_client.get(f"{API}/{path}").headers["etag"]
    body = assert_problem(
        write_client.patch(
            f"{API}/{path}", json={"slug": "renamed"}, headers={**auth, "If-Match": etag}
        ),
        422,
    )
    assert body["errors"][0]["field"] == "slug"
    assert write_client.get(f"{API}/{path}").status_code == 200


def test_delete_refuses_while_referenced_and_lists_referrers(
    write_client: TestClient, auth: dict[str, str], session: Session
) -> None:
    etag = write_client.get(f"{API}/recipients/welfare-call").headers["etag"]
    before = event_count(session)
    body = assert_problem(
        write_client.delete(f"{API}/recipients/welfare-call", headers={**auth, "If-Match": etag}),
        409,
    )
    assert {"entity_type": "sharing", "slug": "welfare-call", "field": "recipient"} in body[
        "referenced_by"
    ]
    assert event_count(session) == before
    sharing_etag = write_client.get(f"{API}/sharing/welfare-call").headers["etag"]
    deleted = write_client.delete(
        f"{API}/sharing/welfare-call", headers={**auth, "If-Match": sharing_etag}
    )
    assert deleted.status_code == 204
    etag = write_client.get(f"{API}/recipients/welfare-call").headers["etag"]
    assert (
        write_client.delete(
            f"{API}/recipients/welfare-call", headers={**auth, "If-Match": etag}
        ).status_code
        == 204
    )
    assert_problem(write_client.get(f"{API}/recipients/welfare-call"), 404)
    event = last_event(session)
    assert event.action == "delete"
    assert event.after is None
    assert event.before is not None


def test_deleting_a_category_used_in_a_condition_is_refused(
    write_client: TestClient, auth: dict[str, str]
) -> None:
    etag = write_client.get(f"{API}/data-categories/date-of-birth").headers["etag"]
    body = assert_problem(
        write_client.delete(
            f"{API}/data-categories/date-of-birth", headers={**auth, "If-Match": etag}
        ),
        409,
    )
    referrers = {(r["entity_type"], r["slug"], r["field"]) for r in body["referenced_by"]}
    assert ("sharing", "youth-support-services-from-13", "conditions") in referrers
    # Only the restriction names it: the notice does not say it is passed by default.
    assert ("sharing", "youth-support-services-from-13", "data_categories") not in referrers


def test_links_of_a_sharing_arrangement_can_be_added_and_removed(
    write_client: TestClient, auth: dict[str, str]
) -> None:
    path = f"{API}/sharing/nexus"
    etag = write_client.get(path).headers["etag"]
    added = write_client.put(
        f"{path}/data-categories/attainment-education-and-training-history",
        headers={**auth, "If-Match": etag},
    )
    assert added.status_code == 200, added.text
    assert "attainment-education-and-training-history" in added.json()["data_categories"]
    receivers = write_client.get(
        f"{API}/data-categories/attainment-education-and-training-history"
    ).json()["received_by"]
    assert "nexus" in {r["recipient"]["slug"] for r in receivers}
    assert_problem(
        write_client.put(
            f"{path}/purposes/no-such-purpose", headers={**auth, "If-Match": added.headers["etag"]}
        ),
        422,
    )
    removed = write_client.delete(
        f"{path}/data-categories/attainment-education-and-training-history",
        headers={**auth, "If-Match": added.headers["etag"]},
    )
    assert removed.status_code == 200
    assert removed.json()["data_categories"] == []
    assert_problem(write_client.put(f"{path}/colours/red", headers=auth), 422)


def test_conditions_are_replaced_with_their_arrangement(
    write_client: TestClient, auth: dict[str, str]
) -> None:
    path = f"{API}/sharing/youth-support-services-from-13"
    read = write_client.get(path)
    conditions = read.json()["conditions"][:1]
    response = write_client.patch(
        path, json={"conditions": conditions}, headers={**auth, "If-Match": read.headers["etag"]}
    )
    assert response.status_code == 200
    assert response.json()["conditions"] == conditions


def test_idempotency_key_creates_once(
    write_client: TestClient, auth: dict[str, str], session: Session
) -> None:
    headers = {**auth, "Idempotency-Key": "create-ehcp-1"}
    body = {"slug": "ehcp-service", "name": "EHCP", "sources": SOURCE}
    first = write_client.post(f"{API}/services", json=body, headers=headers)
    before = event_count(session)
    second = write_client.post(f"{API}/services", json=body, headers=headers)
    assert first.status_code == second.status_code == 201
    assert second.headers["idempotent-replayed"] == "true"
    assert second.json() == first.json()
    assert second.headers["etag"] == first.headers["etag"]
    assert event_count(session) == before
    session.rollback()
    assert session.scalar(select(func.count()).where(Service.slug == "ehcp-service")) == 1
    other = write_client.post(f"{API}/services", json={**body, "name": "Other"}, headers=headers)
    assert_problem(other, 422)


def test_a_failing_write_leaves_neither_change_nor_event(
    app: FastAPI, auth: dict[str, str], session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    before_events = event_count(session)
    read_client = TestClient(app, raise_server_exceptions=False)
    etag = read_client.get(f"{API}/recipients/nexus").headers["etag"]

    def broken_record(*_args: Any, **_kwargs: Any) -> None:
        raise RuntimeError("injected failure after the entity update")

    monkeypatch.setattr(writes, "record", broken_record)
    response = read_client.patch(
        f"{API}/recipients/nexus", json={"name": "Renamed"}, headers={**auth, "If-Match": etag}
    )
    assert_problem(response, 500)
    assert "injected" not in response.text
    session.expire_all()
    assert event_count(session) == before_events
    assert read_client.get(f"{API}/recipients/nexus").json()["name"] == "Nexus"


def test_parallel_patches_leave_one_winner_per_round(
    write_client: TestClient, auth: dict[str, str], session: Session
) -> None:
    path = f"{API}/recipients/fft-aspire"
    for round_number in range(3):
        etag = write_client.get(path).headers["etag"]

        def attempt(i: int, etag: str = etag, round_number: int = round_number) -> int:
            response = write_client.patch(
                path,
                json={"contract_reference": f"round {round_number} writer {i}"},
                headers={**auth, "If-Match": etag},
            )
            return response.status_code

        with ThreadPoolExecutor(max_workers=8) as pool:
            statuses = list(pool.map(attempt, range(8)))
        assert sorted(statuses) == [200] + [412] * 7, statuses
        winner = write_client.get(path).json()["contract_reference"]
        assert winner.startswith(f"round {round_number} writer ")
    session.rollback()
    events = session.scalars(
        select(AuditEvent).where(AuditEvent.slug == "fft-aspire", AuditEvent.action == "update")
    ).all()
    assert len(events) == 3
    # Every event's before is the previous event's after: no update was lost.
    for previous, following in itertools.pairwise(events):
        assert following.before == previous.after


def test_grouped_entries_can_be_edited_and_cycles_are_refused(
    write_client: TestClient, auth: dict[str, str]
) -> None:
    path = f"{API}/data-categories/religion"
    etag = write_client.get(path).headers["etag"]
    edited = write_client.patch(
        path, json={"description": "Religion or belief"}, headers={**auth, "If-Match": etag}
    )
    assert edited.status_code == 200, edited.text
    assert edited.json()["group"] == "personal-characteristics"
    group = f"{API}/data-categories/personal-characteristics"
    body = assert_problem(
        write_client.patch(
            group,
            json={"group": "religion"},
            headers={**auth, "If-Match": write_client.get(group).headers["etag"]},
        ),
        422,
    )
    assert body["errors"][0]["type"] == "reference_cycle"
    act = f"{API}/legislation/education-act-1996-section-507b"
    moved = write_client.patch(
        act,
        json={"year": 1996},
        headers={**auth, "If-Match": write_client.get(act).headers["etag"]},
    )
    assert moved.status_code == 200, moved.text
