"""Entity tags as RFC 9110 reads them: list parsing, weak comparison for
``If-None-Match`` (304), strong comparison for ``If-Match`` (412 on a weak tag)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from app.etags import EntityTag, TagList, none_match, parse
from app.main import create_app
from tests.conftest import make_settings
from tests.helpers import assert_problem

API = "/api/v1"
IDENTITY = {"Accept-Encoding": "identity"}


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("*", TagList(any=True)),
        (" * ", TagList(any=True)),
        ('"a"', TagList(tags=(EntityTag('"a"'),))),
        ('W/"a"', TagList(tags=(EntityTag('"a"', weak=True),))),
        (
            '"a", W/"b" ,"c"',
            TagList(tags=(EntityTag('"a"'), EntityTag('"b"', True), EntityTag('"c"'))),
        ),
        ('"a,b", "c"', TagList(tags=(EntityTag('"a,b"'), EntityTag('"c"')))),
        ('"", W/""', TagList(tags=(EntityTag('""'), EntityTag('""', True)))),
        ('bare, "ok"', TagList(tags=(EntityTag('"ok"'),))),
        ('w/"lower", "ok"', TagList(tags=(EntityTag('"ok"'),))),
        ('"unterminated', TagList()),
        ("", TagList()),
        (",,", TagList()),
    ],
)
def test_tag_lists_parse_as_rfc_9110_writes_them(header: str, expected: TagList) -> None:
    assert parse(header) == expected


def test_a_star_among_tags_is_no_wildcard() -> None:
    assert not parse('"a", *').matches_weakly('"b"')


def test_weak_comparison_ignores_weakness_strong_comparison_does_not() -> None:
    tags = parse('W/"a", "b"')
    assert tags.matches_weakly('"a"')
    assert tags.matches_weakly('W/"a"')
    assert tags.matches_weakly('W/"b"')
    assert not tags.matches_strongly('"a"')
    assert tags.matches_strongly('"b"')
    assert not tags.matches_strongly('W/"b"')  # a weak current tag never matches strongly
    assert not parse('"c"').matches_weakly('"a"')
    assert parse("*").matches_strongly('"anything"')


def test_strong_comparison_may_map_a_listed_tag_to_the_one_it_stands_for() -> None:
    tags = parse('"abc-gzip"')
    assert not tags.matches_strongly('"abc"')
    assert tags.matches_strongly('"abc"', lambda tag: tag.replace("-gzip", ""))


def test_none_match_takes_text_or_bytes_and_no_header_matches_nothing() -> None:
    assert none_match(b'W/"a"', b'"a"')
    assert none_match('"x", "a"', '"a"')
    assert not none_match(None, '"a"')
    assert not none_match("", '"a"')
    assert none_match("*", '"a"')


@pytest.fixture(scope="module")
def uncached(shared_db: str) -> Iterator[TestClient]:
    """Without the response cache: the routes' own conditional answers."""
    with TestClient(create_app(make_settings(shared_db, response_cache_enabled=False))) as client:
        yield client


@pytest.mark.parametrize("cached", [True, False], ids=["response cache", "route"])
def test_if_none_match_answers_304_for_a_listed_or_weakened_tag_or_star(
    client: TestClient, uncached: TestClient, cached: bool
) -> None:
    reader = client if cached else uncached
    path = f"{API}/recipients/nexus"
    etag = reader.get(path, headers=IDENTITY).headers["etag"]
    for header in (etag, f'"other", {etag}', f"W/{etag}", "*"):
        response = reader.get(path, headers={"If-None-Match": header, **IDENTITY})
        assert response.status_code == 304, header
        assert response.headers["etag"] == etag
        assert response.content == b""
    changed = reader.get(path, headers={"If-None-Match": '"other", W/"other"', **IDENTITY})
    assert changed.status_code == 200
    assert changed.json()["slug"] == "nexus"


def test_if_match_compares_strongly_a_weak_tag_is_412(
    write_client: TestClient, auth: dict[str, str]
) -> None:
    path = f"{API}/recipients/nexus"
    etag = write_client.get(path, headers=IDENTITY).headers["etag"]
    assert not etag.startswith("W/")
    patch = {"contract_reference": "Contract 2026/1"}
    body = assert_problem(
        write_client.patch(path, json=patch, headers={**auth, "If-Match": f"W/{etag}"}), 412
    )
    assert body["current_etag"] == etag
    assert write_client.get(path).json()["contract_reference"] != "Contract 2026/1"
    listed = write_client.patch(path, json=patch, headers={**auth, "If-Match": f'"old", {etag}'})
    assert listed.status_code == 200, listed.text
    assert listed.json()["contract_reference"] == "Contract 2026/1"


def test_if_match_star_accepts_the_current_state_and_a_gzip_tag_its_variant(
    write_client: TestClient, auth: dict[str, str]
) -> None:
    path = f"{API}/recipients/nexus"
    starred = write_client.patch(
        path, json={"contract_reference": "C1"}, headers={**auth, "If-Match": "*"}
    )
    assert starred.status_code == 200, starred.text
    gzip_tag = write_client.get(path, headers={"Accept-Encoding": "gzip"}).headers["etag"]
    assert gzip_tag.endswith('-gzip"')
    coded = write_client.patch(
        path, json={"contract_reference": "C2"}, headers={**auth, "If-Match": gzip_tag}
    )
    assert coded.status_code == 200, coded.text
    assert_problem(write_client.delete(path, headers={**auth, "If-Match": f"W/{gzip_tag}"}), 412)
