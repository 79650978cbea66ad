"""Every page is well-formed HTML: html5lib's strict parser, which raises on
any parse error the HTML standard defines (unclosed or misnested elements,
stray end tags, duplicate attributes, bad character references)."""

from __future__ import annotations

import re
from collections import Counter

import html5lib
import pytest
from fastapi.testclient import TestClient

from tests.web_helpers import CONTROLLER, NOTICE, PARTS

PAGES = [
    "/",
    *(f"{NOTICE}/{part}" for part in PARTS),
    f"{NOTICE}/sharing?data_subject=children-and-young-people&data_category=address",
    f"{NOTICE}/sharing?q=processor",
    f"{NOTICE}/sharing?q=no+such+words",
    f"{NOTICE}/audit",
    f"{NOTICE}/child",
    f"{NOTICE}/child?data_subject=children-and-young-people&age=14",
    f"{NOTICE}/child?data_subject=children-and-young-people&age=fourteen",
    f"{NOTICE}/child?age=14",
    f"{NOTICE}/recipients/youth-support-services",
    f"{NOTICE}/recipients/nexus",
    f"{NOTICE}/sharing/youth-support-services-from-13",
    f"{NOTICE}/legislation/education-act-1996",
    f"{NOTICE}/data-categories/personal-identifying-information",
    f"{NOTICE}/data-collections/national-pupil-database",
    f"{NOTICE}/rights/right-of-access",
    f"{NOTICE}/changes",
    f"{NOTICE}/recipients/nobody",
    f"{NOTICE}/sharing?colour=blue",
    f"/embed/recipients?controller={CONTROLLER}",
]


def strict_parse(body: str) -> None:
    html5lib.HTMLParser(strict=True).parse(body)


def duplicate_ids(body: str) -> list[str]:
    """Ids used more than once (a validation error the parser does not raise)."""
    counts = Counter(re.findall(r'\sid="([^"]+)"', body))
    return sorted(name for name, count in counts.items() if count > 1)


@pytest.mark.parametrize("path", PAGES)
def test_every_page_parses_strictly(client: TestClient, path: str) -> None:
    response = client.get(path)
    expected = 404 if "nobody" in path else 422 if ("colour" in path or "age=" in path) else 200
    if path.endswith("age=14") and "data_subject" in path:
        expected = 200
    assert response.status_code == expected, path
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    strict_parse(response.text)
    assert duplicate_ids(response.text) == []
    for target in re.findall(r'href="#([^"]+)"', response.text):
        assert f'id="{target}"' in response.text, target  # in-page links land somewhere


def test_duplicate_ids_are_found() -> None:
    assert duplicate_ids('<p id="a"></p><div id="b"></div><span id="a"></span>') == ["a"]


def test_the_strict_parser_does_refuse_broken_html() -> None:
    """Not vacuous: the check fails on the faults it is there to find."""
    for broken in (
        "<!DOCTYPE html><html lang=en><title>x</title><p><div></p></div>",
        "<!DOCTYPE html><html lang=en><title>x</title><a href=x href=y>z</a>",
        "<html><title>x</title></html>",  # no doctype
    ):
        with pytest.raises(html5lib.html5parser.ParseError):
            strict_parse(broken)
