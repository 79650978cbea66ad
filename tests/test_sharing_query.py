"""``/sharing`` reads its query string as one model (app.sharing.query):
the same parameters, documentation and errors as FastAPI's own parsing."""

from __future__ import annotations

from typing import Annotated, Any

import pytest
from fastapi import Depends, FastAPI, Query
from fastapi.testclient import TestClient

from app.api.deps import query_model
from app.errors import install_error_handlers
from app.register.schemas import RecipientRole
from app.sharing.query import SharingQuery
from tests.exports_helpers import API

BAD_QUERIES = [
    "age=old",
    "age=-1",
    "age=131",
    "age=",
    "role=king",
    "role=processor&role=nobody",
    "special_category=maybe",
    "data_categories_stated=2",
    "limit=0",
    "limit=x",
    "offset=-3",
    "cursor=" + "x" * 401,
    "age=old&limit=0&special_category=maybe",
    "recipient=" + "&recipient=".join(["a"] * 101),
]


@pytest.fixture(scope="module")
def fastapi_parsed() -> TestClient:
    """The same model parsed by FastAPI itself (``Annotated[..., Query()]``)."""
    reference = FastAPI()
    install_error_handlers(reference)

    @reference.get(f"{API}/sharing")
    def parsed(query: Annotated[SharingQuery, Query()]) -> dict[str, Any]:
        return query.model_dump(mode="json")

    return TestClient(reference)


@pytest.fixture(scope="module")
def query_model_parsed() -> TestClient:
    """The model read by the product's ``query_model`` dependency."""
    app = FastAPI()

    @app.get("/q")
    async def parsed(
        query: Annotated[SharingQuery, Depends(query_model(SharingQuery))],
    ) -> dict[str, Any]:
        return query.model_dump(mode="json")

    return TestClient(app)


@pytest.mark.parametrize("query", BAD_QUERIES)
def test_errors_are_those_fastapi_gives_for_the_same_model(
    client: TestClient, fastapi_parsed: TestClient, query: str
) -> None:
    ours = client.get(f"{API}/sharing?{query}")
    theirs = fastapi_parsed.get(f"{API}/sharing?{query}")
    assert ours.status_code == theirs.status_code == 422
    assert ours.json()["errors"] == theirs.json()["errors"]
    assert ours.json()["detail"] == theirs.json()["detail"]


@pytest.mark.parametrize(
    "query",
    [
        "",
        "age=10&age=14",  # a repeated single value: the last one counts
        "recipient=police&recipient=nspcc,nspcc&role=processor&role=internal",
        "special_category=yes&data_categories_stated=0&limit=3&offset=2",
        "controller=cambridgeshire-county-council&data_category=name",
    ],
)
def test_values_are_read_as_fastapi_reads_them(
    fastapi_parsed: TestClient, query_model_parsed: TestClient, query: str
) -> None:
    ours = query_model_parsed.get(f"/q?{query}")
    assert ours.status_code == 200, ours.text
    assert ours.json() == fastapi_parsed.get(f"{API}/sharing?{query}").json()


def test_every_field_is_documented_as_a_query_parameter(client: TestClient) -> None:
    operation = client.get("/openapi.json").json()["paths"][f"{API}/sharing"]["get"]
    parameters = {p["name"]: p for p in operation["parameters"]}
    assert tuple(parameters) == tuple(SharingQuery.model_fields)
    assert all(p["in"] == "query" and not p["required"] for p in parameters.values())
    assert parameters["age"]["schema"]["anyOf"][0]["maximum"] == 130
    assert parameters["recipient"]["schema"]["maxItems"] == 100
    # enums inline: the document has no component for a query model's own enums
    assert parameters["role"]["schema"]["items"]["enum"] == [r.value for r in RecipientRole]
    assert parameters["basis"]["schema"]["enum"] == ["any", "stated"]
    assert "next_cursor" in parameters["cursor"]["description"]


@pytest.mark.parametrize("query", ["colour=blue", "colour=blue&limit=0", "Age=3&zz=1&limit=2"])
def test_unknown_parameters_are_refused_as_on_every_other_route(
    client: TestClient, query: str
) -> None:
    ours = client.get(f"{API}/sharing?{query}")
    other = client.get(f"{API}/recipients?{query}")  # only_params, before any validation
    assert ours.status_code == other.status_code == 422
    assert ours.json()["detail"] == other.json()["detail"]
    assert ours.json()["detail"].startswith("Unknown query parameter(s): ")
    assert ours.json()["errors"] == other.json()["errors"]
