"""The public read API over the seeded register."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.api.services import services_of
from app.main import create_app
from app.register import entities as e
from app.register import writes
from app.register.models import Controller
from app.trail.chain import SYSTEM
from tests.conftest import make_settings
from tests.helpers import assert_problem, count_statements, etag

API = "/api/v1"
COUNCIL = "cambridgeshire-county-council"


def slugs(page: dict[str, Any]) -> list[str]:
    return [item["slug"] for item in page["items"]]


def all_items(client: TestClient, path: str, **params: Any) -> list[dict[str, Any]]:
    response = client.get(path, params={**params, "limit": 500})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["total"] == len(body["items"])
    items: list[dict[str, Any]] = body["items"]
    return items


@pytest.mark.parametrize("entity_type", e.ALL_TYPES, ids=lambda t: t.name)
def test_every_list_has_the_page_shape_and_details_by_slug(
    client: TestClient, entity_type: e.EntityType
) -> None:
    response = client.get(f"{API}/{entity_type.name}")
    assert response.status_code == 200
    body = response.json()
    page_keys = {"items", "total", "limit", "offset", "next_cursor"}
    # /sharing also says what the notice leaves unstated about filtered facts.
    assert set(body) == page_keys | ({"unstated"} if entity_type is e.SHARING else set())
    assert body["total"] >= 1
    assert body["limit"] == 50
    assert body["offset"] == 0
    first = body["items"][0]
    assert first["slug"]
    assert first["name"]
    assert first["sources"]
    detail = client.get(f"{API}/{entity_type.name}/{first['slug']}")
    assert detail.status_code == 200
    assert detail.json()["slug"] == first["slug"]
    assert detail.headers["etag"]


def test_pagination_is_stable_and_complete(client: TestClient) -> None:
    everything = slugs(client.get(f"{API}/recipients", params={"limit": 500}).json())
    pages = []
    for offset in range(0, len(everything), 7):
        page = client.get(f"{API}/recipients", params={"limit": 7, "offset": offset}).json()
        assert page["total"] == len(everything)
        pages += slugs(page)
    assert pages == everything
    assert len(set(everything)) == len(everything)


def test_lists_follow_the_notice_order(client: TestClient) -> None:
    names = [s["name"] for s in all_items(client, f"{API}/services")]
    assert len(names) == 10
    assert names[0].startswith("School and Early Years place planning")
    assert "traded services" in names[-1]


def test_recipients_include_every_one_the_notice_names(client: TestClient) -> None:
    recipients = {r["slug"]: r for r in all_items(client, f"{API}/recipients")}
    for slug in (
        "department-for-education",
        "youth-support-services",
        "police",
        "nspcc",
        "hm-revenue-and-customs",
        "ofsted",
        "local-authority-designated-officer",
        "foster-carers",
        "uk-border-agency",
    ):
        assert slug in recipients
    processors = {s for s, r in recipients.items() if r["role"] == "processor"}
    assert {"nexus", "fft-aspire", "sentinel-partners-limited", "welfare-call"} <= processors
    assert "CASEY" in str(recipients["sentinel-partners-limited"])


def test_what_is_shared_with_the_dfe_and_under_which_law(client: TestClient) -> None:
    items = all_items(client, f"{API}/sharing", recipient="department-for-education")
    assert items, "the DfE receives data"
    laws = {law["slug"] for item in items for law in item["expanded"]["legislation"]}
    assert (
        "education-information-about-individual-pupils-england-regulations-2013-regulation-3"
        in laws
    )
    assert all(item["recipient"] == "department-for-education" for item in items)
    statutory = [i for i in items if "article-6-1-c" in i["lawful_bases"]]
    assert statutory


def test_recipient_detail_embeds_what_it_receives_and_why(client: TestClient) -> None:
    detail = client.get(f"{API}/recipients/youth-support-services").json()
    arrangements = {a["slug"]: a for a in detail["sharing"]}
    assert "youth-support-services-from-13" in arrangements
    from_13 = arrangements["youth-support-services-from-13"]
    assert from_13["applies_from_age"] == 13
    assert from_13["expanded"]["purposes"]
    kinds = [c["kind"] for c in from_13["conditions"]]
    assert kinds.count("restriction_right") == 2
    parent, child = [c for c in from_13["conditions"] if c["kind"] == "restriction_right"]
    assert parent["exercised_by"] == "parent_or_guardian"
    assert parent["until_age"] == 16
    assert child["exercised_by"] == "data_subject"
    assert child["from_age"] == 16
    assert parent["restricted_to"] == ["address", "date-of-birth", "name"]
    assert parent["contact_email"] is None  # redacted in the notice


def test_age_filter_applies_age_thresholds(client: TestClient) -> None:
    at_12 = {i["slug"] for i in all_items(client, f"{API}/sharing", age=12)}
    at_14 = {i["slug"] for i in all_items(client, f"{API}/sharing", age=14)}
    at_17 = {i["slug"] for i in all_items(client, f"{API}/sharing", age=17)}
    assert "youth-support-services-from-13" not in at_12
    assert "youth-support-services-from-13" in at_14
    assert "youth-support-services-neet-16-plus" not in at_14
    assert "youth-support-services-neet-16-plus" in at_17
    assert at_12 < at_14 < at_17


def test_several_values_of_one_filter_are_ored(client: TestClient) -> None:
    police = {i["slug"] for i in all_items(client, f"{API}/sharing", recipient="police")}
    nspcc = {i["slug"] for i in all_items(client, f"{API}/sharing", recipient="nspcc")}
    both = {i["slug"] for i in all_items(client, f"{API}/sharing", recipient=["police", "nspcc"])}
    comma = {i["slug"] for i in all_items(client, f"{API}/sharing", recipient="police,nspcc")}
    assert police
    assert nspcc
    assert both == comma == police | nspcc


def test_filters_combine_with_and(client: TestClient) -> None:
    ys = {
        i["slug"] for i in all_items(client, f"{API}/sharing", recipient="youth-support-services")
    }
    ys_at_14 = {
        i["slug"]
        for i in all_items(client, f"{API}/sharing", recipient="youth-support-services", age=14)
    }
    assert ys_at_14 < ys


def test_legislation_filter_includes_provisions_of_an_act(client: TestClient) -> None:
    section = {
        i["slug"]
        for i in all_items(client, f"{API}/sharing", legislation="education-act-1996-section-507b")
    }
    act = {i["slug"] for i in all_items(client, f"{API}/sharing", legislation="education-act-1996")}
    assert "youth-support-services-from-13" in section
    assert section <= act


def test_data_category_filter_matches_groups_and_items(
    write_client: TestClient, auth: dict[str, str]
) -> None:
    # The seed states no item of a group as shared: one is added here.
    path = f"{API}/sharing/police"
    response = write_client.patch(
        path,
        json={"data_categories": ["name"]},
        headers={**auth, "If-Match": etag(write_client, path)},
    )
    assert response.status_code == 200, response.text
    by_item = {i["slug"] for i in all_items(write_client, f"{API}/sharing", data_category="name")}
    by_group = {
        i["slug"]
        for i in all_items(
            write_client, f"{API}/sharing", data_category="personal-identifying-information"
        )
    }
    assert by_item == {"police"}
    assert by_item <= by_group
    contact = all_items(write_client, f"{API}/sharing", data_category="contact-details")
    assert {i["slug"] for i in contact} == {"youth-support-services-neet-16-plus"}


def test_special_category_filter_partitions_stated_arrangements(
    write_client: TestClient, auth: dict[str, str]
) -> None:
    # The seed states no arrangement sharing special category data: add one
    # that shares a group holding one (ethnicity) and one that does not.
    for slug, categories in (
        ("shares-ethnicity", ["personal-characteristics"]),
        ("shares-name", ["name"]),
    ):
        made = write_client.post(
            f"{API}/sharing",
            json={
                "slug": slug,
                "name": slug,
                "recipient": "nexus",
                "data_categories": categories,
                "sources": [{"kind": "notice", "quote": "We share information about children"}],
            },
            headers=auth,
        )
        assert made.status_code == 201, made.text
    everything = {i["slug"] for i in all_items(write_client, f"{API}/sharing")}
    special = {
        i["slug"] for i in all_items(write_client, f"{API}/sharing", special_category="true")
    }
    other = {i["slug"] for i in all_items(write_client, f"{API}/sharing", special_category="false")}
    assert "shares-ethnicity" in special
    assert "shares-name" in other
    assert special | other <= everything
    assert not special & other


def test_unstated_links_are_reported_not_guessed(client: TestClient) -> None:
    unstated = all_items(client, f"{API}/sharing", data_categories_stated="false")
    assert unstated
    for item in unstated:
        assert item["data_categories"] == []
        assert "data_categories" in item["not_stated"]


def test_role_filter(client: TestClient) -> None:
    items = all_items(client, f"{API}/sharing", role="processor")
    assert {i["recipient"] for i in items} >= {
        "nexus",
        "fft-aspire",
        "sentinel-partners-limited",
        "welfare-call",
    }
    assert all(i["expanded"]["recipient"]["role"] == "processor" for i in items)


def test_data_category_detail_lists_who_receives_it(client: TestClient) -> None:
    detail = client.get(f"{API}/data-categories/date-of-birth").json()
    assert detail["group"] == "personal-identifying-information"
    contact = client.get(f"{API}/data-categories/contact-details").json()
    receivers = {r["recipient"]["slug"] for r in contact["received_by"]}
    assert "youth-support-services" in receivers
    group = client.get(f"{API}/data-categories/personal-characteristics").json()
    assert {s["slug"] for s in group["subcategories"]} >= {"ethnicity", "religion"}
    assert any(s["special_category"] for s in group["subcategories"])


def test_special_categories_are_flagged(client: TestClient) -> None:
    categories = {c["slug"]: c for c in all_items(client, f"{API}/data-categories")}
    for slug in ("ethnicity", "religion", "sexual-orientation"):
        assert categories[slug]["special_category"] is True
    for slug in ("name", "gender", "first-language"):
        assert categories[slug]["special_category"] is False


@pytest.mark.parametrize(
    ("path", "status"),
    [
        (f"{API}/recipients/no-such-recipient", 404),
        (f"{API}/recipients/Not_A_Slug", 422),
        (f"{API}/sharing?recipient=no-such-recipient", 422),
        (f"{API}/sharing?age=-1", 422),
        (f"{API}/sharing?age=old", 422),
        (f"{API}/sharing?role=king", 422),
        (f"{API}/sharing?special_category=maybe", 422),
        (f"{API}/sharing?limit=0", 422),
        (f"{API}/sharing?limit=100000", 422),
        (f"{API}/sharing?offset=-3", 422),
        (f"{API}/sharing?colour=blue", 422),
        (f"{API}/services?controller=no-such-council", 422),
        (f"{API}/register?controller=no-such-council", 404),
        (f"{API}/no-such-thing", 404),
    ],
)
def test_bad_requests_get_problem_details(client: TestClient, path: str, status: int) -> None:
    assert_problem(client.get(path), status)


def test_unknown_filter_value_names_the_filter(client: TestClient) -> None:
    body = assert_problem(client.get(f"{API}/sharing?data_category=nope"), 422)
    assert body["errors"][0]["field"] == "data_category"


def test_register_document_is_complete_and_digest_stable(client: TestClient) -> None:
    first = client.get(f"{API}/register").json()
    second = client.get(f"{API}/register").json()
    assert first["schema_version"] == "1.0"
    assert first["digest"].startswith("sha256:")
    assert first["digest"] == second["digest"]
    assert first["controller"]["slug"] == COUNCIL
    for entity_type in e.SCOPED_TYPES:
        key = entity_type.name.replace("-", "_")
        listed = all_items(client, f"{API}/{entity_type.name}")
        assert [s["slug"] for s in first[key]] == [s["slug"] for s in listed], key
    assert len(first["lawful_bases"]) == 16


def test_register_digest_changes_with_content(write_client: TestClient, session: Session) -> None:
    before = write_client.get(f"{API}/register").json()["digest"]
    controller = session.scalars(select(Controller)).one()
    writes.create(
        session,
        e.SERVICES,
        controller,
        {
            "slug": "new-service",
            "name": "A new service",
            "sources": [{"kind": "notice", "quote": "x"}],
        },
        actor=SYSTEM,
    )
    session.commit()
    after = write_client.get(f"{API}/register").json()["digest"]
    assert after != before


def test_query_count_does_not_grow_with_rows(shared_db: str) -> None:
    """Measured with every cache off (response cache, recent snapshots,
    ``/sharing`` indexes): each request runs its own statements."""
    settings = make_settings(
        shared_db,
        response_cache_enabled=False,
        recent_snapshots_max_bytes=0,
        sharing_index_max_bytes=0,
    )
    uncached = create_app(settings)
    engine = services_of(uncached).engine
    with TestClient(uncached) as plain:
        # The first request also reads what a process reads once per data
        # version (the controllers' slugs): warm it up.
        assert plain.get(f"{API}/sharing", params={"limit": 1}).status_code == 200
        counts = []
        for limit in (5, 50, 200):
            with count_statements(engine) as statements:
                assert plain.get(f"{API}/sharing", params={"limit": limit}).status_code == 200
            counts.append(len(statements))
        assert counts[0] == counts[1] == counts[2], counts
        assert counts[0] > 0, "a cache answered: nothing was measured"
        registers = []
        for _ in range(3):
            with count_statements(engine) as statements:
                assert plain.get(f"{API}/register").status_code == 200
            registers.append(len(statements))
    # The first also builds this process's audit log tree (kept per process).
    assert 0 < registers[1] == registers[2] < 40, registers


def test_health_and_readiness(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    assert client.get("/readyz").json()["database"] == "ok"


def test_openapi_documents_every_read_route_with_examples(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    for entity_type in e.ALL_TYPES:
        assert f"{API}/{entity_type.name}/{{slug}}" in schema["paths"]
    sharing = schema["paths"][f"{API}/sharing"]["get"]
    names = {p["name"] for p in sharing["parameters"]}
    assert {"recipient", "data_category", "age", "special_category", "role"} <= names
    assert "examples" in str(sharing["parameters"])


@pytest.mark.parametrize("path", [f"{API}/register", f"{API}/recipients/nexus", "/healthz"])
def test_head_answers_like_get_without_a_body(client: TestClient, path: str) -> None:
    get = client.get(path)
    head = client.head(path)
    assert head.status_code == 200
    assert head.content == b""
    assert head.headers.get("etag") == get.headers.get("etag")
    assert head.headers["content-type"] == get.headers["content-type"]
    assert client.head(f"{API}/recipients/nobody").status_code == 404
