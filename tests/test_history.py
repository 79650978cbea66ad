"""Point-in-time history: as_of, diffs and published versions."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient

from tests.helpers import assert_problem, etag

API = "/api/v1"
SOURCE = [{"kind": "notice", "quote": "x"}]
STAMPS = (
    "generated_at",
    "digest",
    "data_version",
    "as_of",
    "version",
    "version_name",
    "published_at",
    "checkpoint",
)


def content(document: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in document.items() if k not in STAMPS}


def now() -> str:
    moment = datetime.now(UTC).isoformat()
    time.sleep(0.002)  # the next change happens strictly later
    return moment


def test_every_past_snapshot_equals_what_was_served_then(
    write_client: TestClient, auth: dict[str, str]
) -> None:
    served: list[tuple[str, dict[str, Any]]] = []

    def snapshot() -> None:
        document = write_client.get(f"{API}/register").json()
        served.append((now(), document))

    snapshot()
    steps = [
        lambda: write_client.post(
            f"{API}/services",
            json={"slug": "tmp-service", "name": "Tmp", "sources": SOURCE},
            headers=auth,
        ),
        lambda: write_client.patch(
            f"{API}/recipients/nexus",
            json={"contract_reference": "C-9", "name": "Nexus (renamed)"},
            headers={**auth, "If-Match": etag(write_client, f"{API}/recipients/nexus")},
        ),
        lambda: write_client.put(
            f"{API}/sharing/nexus/data-categories/name",
            headers={**auth, "If-Match": etag(write_client, f"{API}/sharing/nexus")},
        ),
        lambda: write_client.delete(
            f"{API}/services/tmp-service",
            headers={**auth, "If-Match": etag(write_client, f"{API}/services/tmp-service")},
        ),
        lambda: write_client.post(
            f"{API}/services",
            json={"slug": "tmp-service", "name": "Tmp again", "sources": SOURCE},
            headers=auth,
        ),
        lambda: write_client.patch(
            f"{API}/controllers/cambridgeshire-county-council",
            json={"dpo": {"email": "dpo@example.org.uk"}},
            headers={
                **auth,
                "If-Match": etag(write_client, f"{API}/controllers/cambridgeshire-county-council"),
            },
        ),
    ]
    for step in steps:
        response = step()
        assert response.status_code < 300, response.text
        snapshot()
    digests = [document["digest"] for _, document in served]
    assert len(set(digests)) == len(digests), "every step changed the register"
    for moment, document in served:
        past = write_client.get(f"{API}/register", params={"as_of": moment})
        assert past.status_code == 200, past.text
        body = past.json()
        assert body["as_of"] == datetime.fromisoformat(moment).isoformat()
        assert body["digest"] == document["digest"]
        assert content(body) == content(document)


def test_as_of_before_the_register_existed_is_404(client: TestClient) -> None:
    assert_problem(client.get(f"{API}/register", params={"as_of": "1999-01-01T00:00:00Z"}), 404)
    assert_problem(client.get(f"{API}/register", params={"as_of": "not a time"}), 422)


def test_diff_lists_additions_removals_and_field_changes(
    write_client: TestClient, auth: dict[str, str]
) -> None:
    start = now()
    write_client.post(
        f"{API}/services",
        json={"slug": "added-service", "name": "Added", "sources": SOURCE},
        headers=auth,
    )
    write_client.patch(
        f"{API}/recipients/sentinel-partners-limited",
        json={"contract_reference": "CASEY-2026"},
        headers={
            **auth,
            "If-Match": etag(write_client, f"{API}/recipients/sentinel-partners-limited"),
        },
    )
    write_client.delete(
        f"{API}/storage-locations/paper-files",
        headers={**auth, "If-Match": etag(write_client, f"{API}/storage-locations/paper-files")},
    )
    diff = write_client.get(f"{API}/register/diff", params={"from": start})
    assert diff.status_code == 200, diff.text
    body = diff.json()
    assert body["from_digest"] != body["to_digest"]
    sections = body["sections"]
    assert [s["slug"] for s in sections["services"]["added"]] == ["added-service"]
    assert [s["slug"] for s in sections["storage_locations"]["removed"]] == ["paper-files"]
    (sentinel,) = sections["recipients"]["changed"]
    assert sentinel["slug"] == "sentinel-partners-limited"
    assert set(sentinel["fields"]) == {"contract_reference", "basis"}
    assert sentinel["fields"]["contract_reference"] == {"from": None, "to": "CASEY-2026"}
    # Of the basis, only the fact that changed: from not stated to a value a person
    # should confirm (the patch gave no basis and no new quote).
    basis = sentinel["fields"]["basis"]
    assert set(basis["from"]) == set(basis["to"]) == {"contract_reference"}
    assert basis["from"]["contract_reference"]["basis"] == "not_stated"
    assert basis["to"]["contract_reference"]["basis"] == "inferred"
    assert set(sections) == {"services", "storage_locations", "recipients"}
    empty = write_client.get(f"{API}/register/diff", params={"from": now(), "to": now()}).json()
    assert empty["sections"] == {}
    assert empty["controller"] == {}


def test_published_versions_never_change(write_client: TestClient, auth: dict[str, str]) -> None:
    current = write_client.get(f"{API}/register").json()
    published = write_client.post(
        f"{API}/versions",
        json={"name": "Education privacy notice, November 2026"},
        headers=auth,
    )
    assert published.status_code == 201, published.text
    version = published.json()
    assert version["slug"] == "education-privacy-notice-november-2026"
    assert version["digest"] == current["digest"]
    first = write_client.get(f"{API}/versions/{version['slug']}/register")
    assert first.status_code == 200
    write_client.patch(
        f"{API}/recipients/nexus",
        json={"name": "Changed later"},
        headers={**auth, "If-Match": etag(write_client, f"{API}/recipients/nexus")},
    )
    again = write_client.get(f"{API}/versions/{version['slug']}/register")
    assert again.content == first.content
    assert again.headers["etag"] == first.headers["etag"]
    frozen = again.json()
    assert frozen["version"] == version["slug"]
    assert frozen["digest"] == current["digest"]
    assert content(frozen) == content(current)
    by_param = write_client.get(f"{API}/register", params={"version": version["slug"]}).json()
    assert by_param["digest"] == current["digest"]
    listed = write_client.get(f"{API}/versions").json()["items"]
    assert [v["slug"] for v in listed] == [version["slug"]]
    duplicate = write_client.post(
        f"{API}/versions", json={"name": "Education privacy notice, November 2026"}, headers=auth
    )
    assert_problem(duplicate, 409)
    assert_problem(write_client.get(f"{API}/versions/no-such-version/register"), 404)
    assert_problem(write_client.post(f"{API}/versions", json={"name": "x"}), 401)


def test_as_of_a_future_moment_is_the_current_register(client: TestClient) -> None:
    future = (datetime.now(UTC) + timedelta(days=1)).isoformat()
    assert (
        client.get(f"{API}/register", params={"as_of": future}).json()["digest"]
        == client.get(f"{API}/register").json()["digest"]
    )
