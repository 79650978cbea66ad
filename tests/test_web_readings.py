"""The pages show where each fact comes from: a reading of ours says so with
its reasoning, an unstated fact says "Not stated in the notice", an open
list says "Including", and the notice's redacted e-mail addresses are put in
words. Checked on the notice, entry pages, the child's-data view, the embed
(fragment and the data its script reads) and the diagram."""

from __future__ import annotations

import re
from html import unescape
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.register.basis import REDACTED_EMAIL
from tests.helpers import etag
from tests.web_helpers import API, CONTROLLER, NOTICE, SHARING, api_items, text

ROLE_REASONING = "Listed by the notice under 'These data processors include'."
BASIS_REASONING = "Read from the notice's words that the law requires the sharing."
PROCESSORS = (
    "Companies who process child level data on behalf of schools and settings, Local "
    "Authorities and the Department for Education to provide anonymised and aggregated "
    "management information or to help us support particular groups of children. These data "
    "processors include"
)
DFE = "dfe-individual-pupils-regulations-2013"
YOUTH = "youth-support-services-from-13"
CHILD = f"{NOTICE}/child"


def _patch(client: TestClient, auth: dict[str, str], path: str, body: dict[str, Any]) -> None:
    url = f"{API}/{path}"
    response = client.patch(url, json=body, headers={**auth, "If-Match": etag(client, url)})
    assert response.status_code == 200, response.text


def _reading(reasoning: str, quote: str = PROCESSORS) -> dict[str, Any]:
    return {"basis": "inferred", "quotes": [quote], "reasoning": reasoning}


@pytest.fixture
def readings(write_client: TestClient, auth: dict[str, str]) -> TestClient:
    """The seeded register with a few readings, an open list and a silence."""
    _patch(write_client, auth, "recipients/nexus", {"basis": {"role": _reading(ROLE_REASONING)}})
    dfe = write_client.get(f"{API}/sharing/{DFE}").json()
    assert "article-6-1-c" in dfe["lawful_bases"], "the seed's DfE arrangement changed"
    purposes_quote = dfe["basis"]["purposes"]["quotes"][0]
    _patch(
        write_client,
        auth,
        f"sharing/{DFE}",
        {
            "basis": {
                "lawful_bases/article-6-1-c": _reading(BASIS_REASONING),
                "purposes": {"basis": "stated", "quotes": [purposes_quote], "exhaustive": False},
            }
        },
    )
    _patch(write_client, auth, f"sharing/{YOUTH}", {"data_categories": []})
    return write_client


def _card(html: str, recipient: str) -> str:
    return html.split(f'id="recipient-{recipient}"')[1].split("</section>")[0]


def _embed_item(html: str, recipient: str) -> str:
    return text(html.split(f'data-recipient="{recipient}"')[1].split("</li>")[0])


def test_the_notice_marks_readings_open_lists_and_silence(readings: TestClient) -> None:
    html = readings.get(SHARING).text
    nexus = text(_card(html, "nexus"))
    assert f"Role: data processor. Our reading: {ROLE_REASONING}" in nexus
    dfe = text(_card(html, "department-for-education"))
    assert f"UK GDPR Article 6(1)(c) Our reading: {BASIS_REASONING}" in dfe
    assert "Why Including " in dfe
    youth = text(_card(html, "youth-support-services"))
    assert "What they receive Not stated in the notice Why" in youth
    # A stated fact is not marked.
    police = text(_card(html, "police"))
    assert "Our reading" not in police
    assert "Including" not in police


def test_entry_pages_mark_readings(readings: TestClient) -> None:
    nexus = text(readings.get(f"{NOTICE}/recipients/nexus").text)
    assert f"Role Data processor (acts on the council’s behalf) Our reading: {ROLE_REASONING}" in (
        nexus
    )
    sharing = text(readings.get(f"{NOTICE}/sharing/{DFE}").text)
    assert f"Article 6(1)(c) Our reading: {BASIS_REASONING}" in sharing
    assert "Why Including " in sharing
    youth = text(readings.get(f"{NOTICE}/sharing/{YOUTH}").text)
    assert "What they receive Not stated in the notice" in youth


def test_the_embed_and_its_script_data_say_the_same(readings: TestClient) -> None:
    html = readings.get("/embed/recipients", params={"controller": CONTROLLER}).text
    nexus = _embed_item(html, "nexus")
    assert "Nexus Data processor (our reading)" in nexus
    dfe = _embed_item(html, "department-for-education")
    assert f"UK GDPR Article 6(1)(c) (our reading: {BASIS_REASONING})" in dfe
    assert "Why Including " in dfe
    assert "What they receive Not stated in the notice" in _embed_item(
        html, "youth-support-services"
    )
    # The script reads the same facts from the API: the reasoning and the
    # open list are in the item it renders from.
    item = readings.get(f"{API}/sharing/{DFE}").json()
    assert item["basis"]["lawful_bases/article-6-1-c"]["reasoning"] == BASIS_REASONING
    assert item["basis"]["purposes"]["exhaustive"] is False
    (nexus_item,) = api_items(readings, "sharing", recipient="nexus")
    assert nexus_item["expanded"]["recipient"]["role_basis"] == "inferred"
    script = readings.get("/embed/recipients.js").text
    for words in ("our reading: ", "Including ", "exhaustive === false", '"inferred"'):
        assert words in script


def test_the_diagram_draws_readings_dashed_and_open_lists_as_more(readings: TestClient) -> None:
    svg = readings.get("/diagram.svg", params={"controller": CONTROLLER}).text
    assert "Data processor (our reading)" in svg
    assert "Dashed lines: our reading" in svg
    (nexus,) = api_items(readings, "sharing", recipient="nexus")
    links = [key for key in nexus["basis"] if "/" in key]
    assert all(nexus["basis"][key]["basis"] != "inferred" for key in links)
    only_nexus = readings.get(
        "/diagram.svg", params={"controller": CONTROLLER, "recipient": "nexus"}
    ).text
    assert "Data processor (our reading)" in only_nexus
    assert not re.findall(DASHED, only_nexus)  # a reading of its role, none of its links
    # The text equivalent on the notice says the same in words.
    details = text(readings.get(SHARING).text.split("<details")[1].split("</details>")[0])
    assert "Nexus (data processor; our reading) receives" in details


DASHED = r'<path d="[^"]+" stroke="[^"]+" stroke-dasharray="6 4"/>'


def _acme(client: TestClient, auth: dict[str, str], basis: dict[str, Any]) -> str:
    """A recipient and an arrangement of the test's own: children's names to
    "Acme", with the basis entries given. Returns the recipient's slug."""
    source = [{"kind": "notice", "quote": PROCESSORS}]
    created = client.post(
        f"{API}/recipients", json={"slug": "acme", "name": "Acme", "sources": source}, headers=auth
    )
    assert created.status_code == 201, created.text
    arrangement = {
        "slug": "acme-sharing",
        "name": "Acme",
        "recipient": "acme",
        "data_subjects": ["children-and-young-people"],
        "data_categories": ["name"],
        "sources": source,
        "basis": basis,
    }
    created = client.post(f"{API}/sharing", json=arrangement, headers=auth)
    assert created.status_code == 201, created.text
    return "acme"


def test_a_reading_of_a_data_category_link_is_a_dashed_line(
    write_client: TestClient, auth: dict[str, str]
) -> None:
    reading = _reading("A pupil record names the pupil.")
    _acme(write_client, auth, {"data_categories/name": reading})
    params = {"controller": CONTROLLER, "recipient": "acme"}
    svg = write_client.get("/diagram.svg", params=params).text
    assert len(re.findall(DASHED, svg)) == 2  # who -> name, name -> Acme: only our reading
    card = text(_card(write_client.get(SHARING).text, "acme"))
    assert "What they receive Name Our reading: A pupil record names the pupil." in card
    # Stated, the same links are solid.
    stated = {"basis": "stated", "quotes": [PROCESSORS]}
    _patch(write_client, auth, "sharing/acme-sharing", {"basis": {"data_categories/name": stated}})
    assert re.findall(DASHED, write_client.get("/diagram.svg", params=params).text) == []


def test_a_14_year_old_youth_support_does_not_claim_what_is_not_stated(
    readings: TestClient,
) -> None:
    html = readings.get(CHILD, params={"data_subject": "children-and-young-people", "age": 14})
    assert html.status_code == 200
    page = html.text
    card = page.split(f'data-arrangement="{YOUTH}"')[1].split("</section>")[0]
    words = text(card)
    assert "What they receive Not stated in the notice" in words
    # The restriction is a right to limit what is passed, not the default.
    assert re.search(r"A parent or guardian can ask that only [a-z ,]+ be passed on", words)
    assert "What they receive Name" not in words


def test_a_14_year_old_arrangements_without_an_age_are_marked(client: TestClient) -> None:
    page = client.get(CHILD, params={"data_subject": "children-and-young-people", "age": 14}).text
    row = r'<tr class="govuk-table__row" data-arrangement="([a-z0-9-]+)" data-age-not-stated>'
    marked = set(re.findall(row, page))
    answer = client.get(
        f"{API}/sharing",
        params={"age": 14, "data_subject": "children-and-young-people", "limit": 500},
    ).json()
    ageless = {
        i["slug"]
        for i in answer["items"]
        if "age" in i["not_stated"]
        and not any(
            c.get("from_age") is not None or c.get("until_age") is not None for c in i["conditions"]
        )
    }
    assert marked == ageless
    assert marked
    (silence,) = [u for u in answer["unstated"] if u["filter"] == "age"]
    assert silence["count"] >= len(marked)
    words = text(page)
    assert f"The notice states no age for these {len(marked)} arrangements" in words


@pytest.mark.parametrize(
    "path",
    [
        SHARING,
        f"{NOTICE}/sharing/{YOUTH}",
        f"{CHILD}?data_subject=children-and-young-people&age=14",
        f"/embed/recipients?controller={CONTROLLER}&service=youth-support-service",
        f"/diagram.svg?controller={CONTROLLER}",
    ],
)
def test_redacted_addresses_are_put_in_words(client: TestClient, path: str) -> None:
    html = unescape(client.get(path).text)
    assert REDACTED_EMAIL not in html
    if not path.startswith(("/embed", "/diagram")):  # these show no condition's words
        assert "e-mail address not published in the notice" in html
    # The quotes keep the notice's text verbatim in the JSON.
    youth = client.get(f"{API}/sharing/{YOUTH}").json()
    assert any(REDACTED_EMAIL in s["quote"] for s in youth["sources"])


def test_the_dpo_address_withheld_by_the_notice_says_so(client: TestClient) -> None:
    words = text(client.get(f"{NOTICE}/contact").text)
    assert "Email E-mail address not published in the notice" in words


def test_an_open_list_of_data_is_worded_including_and_drawn_as_more(
    write_client: TestClient, auth: dict[str, str]
) -> None:
    recipient = _acme(write_client, auth, {})
    params = {"controller": CONTROLLER, "recipient": recipient}
    assert "Other data" not in write_client.get("/diagram.svg", params=params).text
    embed = write_client.get("/embed/recipients", params={"controller": CONTROLLER})
    assert "What they receive Name" in _embed_item(embed.text, recipient)
    whole = {"basis": "stated", "quotes": [PROCESSORS], "exhaustive": False}
    _patch(write_client, auth, "sharing/acme-sharing", {"basis": {"data_categories": whole}})
    svg = write_client.get("/diagram.svg", params=params).text
    assert "Other data: the notice gives examples only" in svg
    card = text(_card(write_client.get(SHARING).text, recipient))
    assert "What they receive Including Name" in card
    embed = write_client.get("/embed/recipients", params={"controller": CONTROLLER})
    assert "What they receive Including Name" in _embed_item(embed.text, recipient)


def test_entry_pages_show_the_basis_as_readings_never_as_a_field(client: TestClient) -> None:
    document = client.get(f"{API}/register").json()
    for key in ("data_collections", "recipients", "sharing", "rights"):
        for state in document[key][:2]:
            html = client.get(f"{NOTICE}/{key.replace('_', '-')}/{state['slug']}").text
            assert ">Basis<" not in html
            assert "&#39;basis&#39;" not in html
