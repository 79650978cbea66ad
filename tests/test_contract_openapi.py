"""The OpenAPI document states the contract the server keeps: a valid OpenAPI
3.1 document (openapi-spec-validator), problem details under
application/problem+json on every error, bearer security with the scope the
route really checks, the page size the server enforces, methods and Allow
as the server answers them, and the document itself served with validators
and compression."""

from __future__ import annotations

import gzip
import re
from typing import Any

import brotli
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from openapi_spec_validator import validate

from app.api.services import services_of
from app.errors import PROBLEM_MEDIA_TYPE
from app.limits import MAX_QUERY_VALUE
from app.main import create_app
from tests.conftest import make_settings
from tests.helpers import assert_problem

API = "/api/v1"
WRITES = {"post", "put", "patch", "delete"}
HTTP = WRITES | {"get", "head", "options", "trace"}
IDENTITY = {"Accept-Encoding": "identity"}


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    app = create_app(make_settings("sqlite://"))
    services_of(app).engine.dispose()
    with TestClient(app) as client:
        response = client.get("/openapi.json")
    assert response.status_code == 200
    body: dict[str, Any] = response.json()
    return body


def operations(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    found = [
        (path, method, operation)
        for path, item in document["paths"].items()
        for method, operation in item.items()
        if method in HTTP
    ]
    assert len(found) > 90
    return found


def test_the_document_is_valid_openapi(document: dict[str, Any]) -> None:
    validate(document)
    assert document["openapi"].startswith("3.1")
    assert document["info"]["contact"]["name"]
    assert document["info"]["license"]["name"]
    assert document["servers"][0]["url"]


def test_every_error_is_a_problem_under_its_media_type(document: dict[str, Any]) -> None:
    for path, method, operation in operations(document):
        assert operation["description"].strip(), (method, path)
        assert "500" in operation["responses"], (method, path)
        for status, response in operation["responses"].items():
            if int(status) >= 400:
                assert response["content"] == {
                    PROBLEM_MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}
                }, (method, path, status)


def test_every_write_declares_the_key_and_scope_it_needs(document: dict[str, Any]) -> None:
    schemes = document["components"]["securitySchemes"]
    assert schemes["bearerAuth"] == {**schemes["bearerAuth"], "type": "http", "scheme": "bearer"}
    writes = [(p, m, op) for p, m, op in operations(document) if m in WRITES]
    assert len(writes) > 50
    for path, method, operation in writes:
        assert operation["security"] == [{"bearerAuth": []}], (method, path)
        scope = "keys:admin" if path.startswith(f"{API}/keys") else "register:write"
        assert f"`{scope}`" in operation["description"], (method, path)
        assert {"401", "403", "429"} <= operation["responses"].keys(), (method, path)
        assert "WWW-Authenticate" in operation["responses"]["401"]["headers"]
        assert "Retry-After" in operation["responses"]["429"]["headers"]
    public = [op for p, m, op in operations(document) if m == "get" and p != f"{API}/keys"]
    assert all("security" not in op for op in public)


def test_the_scope_in_the_document_is_the_one_the_server_checks(app: FastAPI) -> None:
    from tests.conftest import make_key

    document = TestClient(app).get("/openapi.json").json()
    assert "`keys:admin`" in document["paths"][f"{API}/keys"]["post"]["description"]
    writer = make_key(app, "register:write", name="writer only")
    with TestClient(app) as client:
        refused = client.post(
            f"{API}/keys",
            json={"name": "x", "scopes": ["register:write"]},
            headers={"Authorization": f"Bearer {writer}"},
        )
        assert_problem(refused, 403)
        assert "keys:admin" in refused.json()["detail"]
        anonymous = client.delete(f"{API}/services/school-admissions", headers={"If-Match": "*"})
        assert_problem(anonymous, 401)
        assert anonymous.headers["www-authenticate"].startswith("Bearer")


def test_binary_and_svg_answers_are_declared_with_their_media_types(
    document: dict[str, Any],
) -> None:
    xlsx = document["paths"][f"{API}/register.xlsx"]["get"]["responses"]["200"]["content"]
    (media_type,) = xlsx
    assert media_type.startswith("application/vnd.openxmlformats-officedocument")
    assert xlsx[media_type]["schema"]["format"] == "binary"
    svg = document["paths"]["/diagram.svg"]["get"]["responses"]["200"]["content"]
    assert svg["image/svg+xml"]["schema"]["type"] == "string"


def test_tags_are_defined_and_no_component_is_unused(document: dict[str, Any]) -> None:
    defined = {tag["name"]: tag["description"] for tag in document["tags"]}
    used = {tag for _p, _m, op in operations(document) for tag in op["tags"]}
    assert used == set(defined)
    assert all(defined.values())
    text = str(document["paths"])
    schemas = document["components"]["schemas"]
    reachable = {name for name in schemas if f"#/components/schemas/{name}'" in str(document)}
    assert set(schemas) == reachable
    assert "HTTPValidationError" not in schemas
    assert "'$ref': '#/components/schemas/" in text


def test_every_query_string_is_bounded_as_the_server_enforces(
    document: dict[str, Any], client: TestClient
) -> None:
    for path, method, operation in operations(document):
        for parameter in operation.get("parameters", []):
            text = str(parameter["schema"])
            if parameter["in"] == "query" and "'type': 'string'" in text:
                assert "maxLength" in text or "enum" in text, (method, path, parameter)
    long_value = "a" * (MAX_QUERY_VALUE + 1)
    body = assert_problem(client.get(f"{API}/recipients", params={"controller": long_value}), 422)
    assert body["errors"][0]["field"] == "controller"
    # at the bound, the value is read (and names no controller)
    at_bound = client.get(f"{API}/recipients", params={"controller": "a" * MAX_QUERY_VALUE})
    assert assert_problem(at_bound, 422)["errors"][0]["type"] == "unknown_reference"


def test_the_page_size_bound_is_the_deployments(shared_db: str) -> None:
    app = create_app(make_settings(shared_db, max_page_size=7))
    with TestClient(app) as client:
        document = client.get("/openapi.json").json()
        (limit,) = [
            p
            for p in document["paths"][f"{API}/recipients"]["get"]["parameters"]
            if p["name"] == "limit"
        ]
        (integer,) = [o for o in limit["schema"]["anyOf"] if o.get("type") == "integer"]
        assert integer["maximum"] == 7
        assert client.get(f"{API}/recipients", params={"limit": 7}).status_code == 200
        assert_problem(client.get(f"{API}/recipients", params={"limit": 8}), 422)
    services_of(app).engine.dispose()


def concrete(path: str) -> str:
    return re.sub(r"\{(\w+)\}", "x", path)


def test_405_and_options_list_the_methods_each_path_has(
    document: dict[str, Any], client: TestClient
) -> None:
    for path, item in document["paths"].items():
        documented = {m.upper() for m in item if m in HTTP}
        expected = documented | {"OPTIONS"} | ({"HEAD"} if "GET" in documented else set())
        options = client.options(concrete(path))
        assert options.status_code == 204, (path, options.text)
        assert set(options.headers["allow"].split(", ")) == expected, path
        missing = sorted({"GET", "POST", "PUT", "PATCH", "DELETE"} - documented)
        if missing:
            refused = client.request(missing[0], concrete(path))
            if refused.status_code == 405:  # (an unknown key may be refused before: 401)
                body = assert_problem(refused, 405)
                assert refused.headers["allow"] == options.headers["allow"], path
                assert missing[0] in body["detail"]
    nexus = client.put(f"{API}/recipients/nexus")
    assert_problem(nexus, 405)
    assert nexus.headers["allow"] == "GET, HEAD, PATCH, DELETE, OPTIONS"


def test_the_document_is_served_with_validators_and_compression(client: TestClient) -> None:
    plain = client.get("/openapi.json", headers=IDENTITY)
    assert plain.headers["cache-control"].startswith("public")
    assert "Accept-Encoding" in plain.headers["vary"]
    tags = {plain.headers["etag"]}
    for coding, decode in (("gzip", gzip.decompress), ("br", brotli.decompress)):
        with client.stream("GET", "/openapi.json", headers={"Accept-Encoding": coding}) as raw:
            compressed = b"".join(raw.iter_raw())
        assert raw.headers["content-encoding"] == coding
        assert decode(compressed) == plain.content
        assert len(compressed) < len(plain.content) / 4
        tags.add(raw.headers["etag"])
        again = client.get(
            "/openapi.json",
            headers={"Accept-Encoding": coding, "If-None-Match": raw.headers["etag"]},
        )
        assert again.status_code == 304
        assert again.headers["etag"] == raw.headers["etag"]
    assert len(tags) == 3  # one strong ETag per content coding
    assert all(not tag.startswith("W/") for tag in tags)
    stale = client.get("/openapi.json", headers={"If-None-Match": '"other"', **IDENTITY})
    assert stale.status_code == 200


def test_each_content_coding_of_a_read_has_its_own_strong_etag(
    write_client: TestClient, auth: dict[str, str]
) -> None:
    path = f"{API}/recipients/department-for-education"
    tags = {}
    for coding in ("identity", "gzip", "br"):
        for _ in range(2):  # a miss, then a cache hit
            response = write_client.get(path, headers={"Accept-Encoding": coding})
            assert response.status_code == 200
            tags.setdefault(coding, response.headers["etag"])
            assert response.headers["etag"] == tags[coding]
        assert response.headers.get("content-encoding", "identity") == coding
        revalidated = write_client.get(
            path, headers={"Accept-Encoding": coding, "If-None-Match": tags[coding]}
        )
        assert revalidated.status_code == 304
        assert revalidated.headers["etag"] == tags[coding]
    assert len(set(tags.values())) == 3
    # another coding's tag does not revalidate this coding's bytes
    other = write_client.get(path, headers={"Accept-Encoding": "br", "If-None-Match": tags["gzip"]})
    assert other.status_code == 200
    # any coding's tag of the current state is a valid If-Match
    changed = write_client.patch(
        path,
        json={"description": "Changed through the br ETag."},
        headers={**auth, "If-Match": tags["br"], "Content-Type": "application/merge-patch+json"},
    )
    assert changed.status_code == 200, changed.text
    stale = write_client.patch(
        path,
        json={"description": "Again."},
        headers={**auth, "If-Match": tags["gzip"], "Content-Type": "application/merge-patch+json"},
    )
    assert_problem(stale, 412)


def test_an_accept_the_resource_cannot_serve_gets_406(
    client: TestClient, document: dict[str, Any]
) -> None:
    for path, accept in [
        (f"{API}/recipients", "text/html"),
        (f"{API}/register.xlsx", "application/json"),
        (f"{API}/recipients/nobody", "text/html"),  # before the lookup
    ]:
        refused = assert_problem(client.get(path, headers={"Accept": accept}), 406)
        assert refused["type"].endswith("/not-acceptable")
        assert "406" in document["paths"][path.replace("nobody", "{slug}")]["get"]["responses"]
    for path, accept, served in [
        (f"{API}/recipients", "application/*", "application/json"),
        (f"{API}/recipients", "text/html, application/json;q=0.1", "application/json"),
        (f"{API}/register", "application/ld+json", "application/ld+json"),
        (f"{API}/register.csv", "text/csv", "text/csv"),
        (f"{API}/recipients", "*/*", "application/json"),
    ]:
        response = client.get(path, headers={"Accept": accept})
        assert response.status_code == 200, (path, accept)
        assert response.headers["content-type"].startswith(served)
    # an Accept that only excludes is disregarded (RFC 9110 12.5.1)
    assert client.get(f"{API}/recipients", headers={"Accept": "text/html;q=0"}).status_code == 200
