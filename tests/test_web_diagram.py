"""The server-side data-flow diagram."""

from __future__ import annotations

import copy
import itertools
import xml.etree.ElementTree as ET
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.register.document import CONTENT_KEYS
from app.snapshots.current import Snapshot
from app.web.diagram import diagram
from app.web.register_view import Filters, RegisterView
from tests.helpers import assert_problem
from tests.web_helpers import CONTROLLER, api_items, api_recipients

SVG = "{http://www.w3.org/2000/svg}"


def parse(body: str) -> ET.Element:
    root = ET.fromstring(body)
    assert root.tag == f"{SVG}svg"
    return root


def node_titles(root: ET.Element) -> list[str]:
    """The full label of every box (each box is a group with a title)."""
    return [
        g.findtext(f"{SVG}title") or ""
        for g in root.iter(f"{SVG}g")
        if g.find(f"{SVG}rect") is not None
    ]


def boxes(root: ET.Element) -> list[tuple[float, float, float, float]]:
    return [
        (
            float(r.get("x", 0)),
            float(r.get("y", 0)),
            float(r.get("width", 0)),
            float(r.get("height", 0)),
        )
        for g in root.iter(f"{SVG}g")
        for r in g.findall(f"{SVG}rect")[:1]
    ]


def get_svg(client: TestClient, **params: str) -> ET.Element:
    response = client.get("/diagram.svg", params=params)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "image/svg+xml"
    assert response.headers["etag"]
    return parse(response.text)


def test_diagram_shows_every_recipient_subject_and_marks_processors(client: TestClient) -> None:
    root = get_svg(client, controller=CONTROLLER)
    titles = node_titles(root)
    for recipient in api_items(client, "recipients"):
        label = recipient["name"]
        if recipient["role"] == "processor":  # "(our reading)" when the role is inferred
            label += " – Data processor"
        assert any(t.startswith(label) for t in titles), label
    for subject in ("Children and young people", "Looked After Children"):
        assert subject in titles
    assert "Data not stated in the notice" in titles
    assert root.findtext(f"{SVG}title", "").startswith("Where Cambridgeshire County Council")
    assert root.get("role") == "img"
    assert "33 recipients" in (root.findtext(f"{SVG}desc") or "")


def test_diagram_is_legible_at_the_seed_size(client: TestClient) -> None:
    root = get_svg(client)
    assert int(root.get("font-size", "0")) >= 14
    for element in root.iter():
        if element.get("font-size"):
            assert int(element.get("font-size", "0")) >= 14
    # Boxes of one column never overlap, and the whole drawing stays a sane size.
    by_column: dict[float, list[tuple[float, float]]] = {}
    for x, y, _w, h in boxes(root):
        by_column.setdefault(x, []).append((y, y + h))
    assert len(by_column) == 3
    for spans in by_column.values():
        spans.sort()
        for (_top, bottom), (next_top, _next_bottom) in itertools.pairwise(spans):
            assert bottom < next_top
    assert float(root.get("width", "0")) <= 1200
    assert float(root.get("height", "0")) <= 1600
    # Every text line fits its box at Arial's average width (the browser
    # tests measure the rendered text).
    for g in root.iter(f"{SVG}g"):
        rect = g.find(f"{SVG}rect")
        if rect is None:
            continue
        for line in g.findall(f"{SVG}text"):
            assert len(line.text or "") * 14 * 0.55 <= float(rect.get("width", "0")) - 12


@pytest.mark.parametrize(
    "filters",
    [
        {"recipient": "nexus"},
        {"data_subject": "looked-after-children"},
        {"data_subject": "pupils-not-in-education-training-or-employment"},
        {"recipient": "youth-support-services,schools"},
    ],
)
def test_filtered_diagram_shows_only_matching_recipients(
    client: TestClient, filters: dict[str, str]
) -> None:
    titles = node_titles(get_svg(client, **filters))
    names = {r["slug"]: r["name"] for r in api_items(client, "recipients")}
    expected = set(api_recipients(client, **filters))
    shown = {slug for slug, name in names.items() if any(t.startswith(name) for t in titles)}
    assert shown == expected


def test_youth_support_flows_through_its_stated_categories(client: TestClient) -> None:
    titles = node_titles(get_svg(client, recipient="youth-support-services"))
    assert "Contact details" in titles
    # From 13 "we pass their details": which details is not stated. Name, address
    # and date of birth are only what a parent may restrict the passing to.
    assert "Data not stated in the notice" in titles
    assert not {"Name", "Date of birth", "Address"} & set(titles)


def test_special_category_data_is_marked(client: TestClient) -> None:
    """The seed shares no special category data with a stated recipient; a
    register that does shows it marked in words and colour."""
    document = client.get("/api/v1/register").json()
    content: dict[str, Any] = copy.deepcopy({k: document[k] for k in CONTENT_KEYS})
    for arrangement in content["sharing"]:
        if arrangement["slug"] == "nexus":
            arrangement["data_categories"] = ["health-and-wellbeing", "name"]
    register = RegisterView(Snapshot(controller=CONTROLLER, content=content))
    root = parse(diagram(register, register.filter(Filters(recipient=["nexus"]))))
    titles = node_titles(root)
    assert "Information about the health and wellbeing of young people – Special category" in titles
    assert "Name" in titles
    assert any(t.startswith("Nexus – Data processor") for t in titles)


def test_empty_result_says_so(client: TestClient) -> None:
    root = get_svg(client, recipient="nexus", data_subject="looked-after-children")
    assert "No sharing arrangement matches." in ET.tostring(root, encoding="unicode")


@pytest.mark.parametrize(
    "params",
    [{"recipient": "nobody"}, {"controller": "nobody"}, {"colour": "red"}, {"as_of": "soon"}],
)
def test_bad_parameters_are_problems(client: TestClient, params: dict[str, str]) -> None:
    assert_problem(client.get("/diagram.svg", params=params), 422)
