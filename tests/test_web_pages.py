"""The notice, entry pages, the child's-data view and the change log, over HTTP."""

from __future__ import annotations

import re
import shutil
from datetime import UTC, datetime
from html import unescape
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.api.services import services_of
from app.errors import ProblemError
from app.main import create_app
from app.register import entities as e
from app.register import writes
from app.register.models import Controller, Recipient
from app.trail.chain import SYSTEM
from app.trail.models import AuditEvent
from app.web.words import in_sentence
from tests.conftest import SEED_DIR, make_settings, migrate_and_seed
from tests.databases import DatabaseFactory
from tests.helpers import assert_problem
from tests.web_helpers import (
    CONTROLLER,
    NOTICE,
    PARTS,
    SHARING,
    api_items,
    api_recipients,
    listed_recipients,
    text,
)

SECTIONS = [
    "Our services",
    "What information we hold, and about whom",
    "Why we collect and use this information",
    "The laws we rely on",
    "Storing this information",
    "Who we share this information with",
    "National data collections",
    "Your rights",
    "Contact the Data Protection Officer, or complain",
]


def page(client: TestClient, path: str, status: int = 200, **params: object) -> str:
    response = client.get(path, params=params)  # type: ignore[arg-type]
    assert response.status_code == status, response.text[:2000]
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    return response.text


def test_home_is_the_notice_of_the_only_controller(client: TestClient) -> None:
    home = page(client, "/")
    assert '<h1 class="govuk-heading-xl">Privacy Policy</h1>' in home
    assert home == page(client, NOTICE)


def test_the_home_page_is_a_summary_linking_every_section(client: TestClient) -> None:
    home = page(client, NOTICE)
    for part, heading in zip(PARTS, SECTIONS, strict=True):
        assert f'href="{NOTICE}/{part}">{heading}</a>' in home, part
        section = page(client, f"{NOTICE}/{part}")
        assert f'<h1 class="govuk-heading-l">{heading}</h1>' in section
    assert listed_recipients(home) == []  # the recipients are on their own page
    words = text(home)
    sharing = api_items(client, "sharing")
    recipients = {a["recipient"] for a in sharing}
    assert f"{len(recipients)} recipients through {len(sharing)} sharing arrangements" in words
    unstated = [a for a in sharing if not a["data_categories"]]
    assert f"{len(unstated)} arrangements do not state what they share" in words
    assert f'action="{NOTICE}/child"' in home


def test_a_filtered_notice_link_goes_to_the_sharing_section(client: TestClient) -> None:
    query = "data_subject=looked-after-children&q=call"
    moved = client.get(f"{NOTICE}?{query}", follow_redirects=False)
    assert moved.status_code == 301
    assert moved.headers["location"] == f"{SHARING}?{query}"
    assert listed_recipients(client.get(f"{NOTICE}?{query}").text) == ["welfare-call"]
    page(client, NOTICE, 422, colour="blue")


def test_sections_link_to_their_neighbours(client: TestClient) -> None:
    for before, part, after in zip(PARTS, PARTS[1:], PARTS[2:], strict=False):
        html = page(client, f"{NOTICE}/{part}")
        assert f'href="{NOTICE}/{before}" rel="prev"' in html
        assert f'href="{NOTICE}/{after}" rel="next"' in html
    page(client, f"{NOTICE}/no-such-section", 404)
    page(client, f"{NOTICE}/rights", 422, q="x")


def test_notice_has_every_recipient_and_the_contact_details(client: TestClient) -> None:
    html = page(client, SHARING)
    recipients = api_items(client, "recipients")
    assert len(recipients) == 33
    listed = listed_recipients(html)
    assert set(listed) == {r["slug"] for r in recipients}
    assert listed == [r["slug"] for r in recipients]  # the notice's order
    words = text(page(client, f"{NOTICE}/contact"))
    for name in ("Data Protection Officer, Info and Records Team", "01223 699137"):
        assert name in words
    assert "Information Commissioner’s Office" in words
    assert "75 years" in text(page(client, f"{NOTICE}/storage"))


@pytest.mark.parametrize("section", ["recipients", "purposes", "legislation"])
def test_every_recipient_purpose_and_law_links_to_its_page_and_api(
    client: TestClient, section: str
) -> None:
    html = "".join(page(client, f"{NOTICE}/{part}") for part in PARTS)
    for item in api_items(client, section):
        own = f'href="{NOTICE}/{section}/{item["slug"]}"'
        api = f'href="/api/v1/{section}/{item["slug"]}?controller={CONTROLLER}"'
        if section == "purposes" and item["kind"] != "processing":
            # Sharing and collection purposes appear on the cards and their pages.
            entry = page(client, f"{NOTICE}/{section}/{item['slug']}")
            assert api in entry
            continue
        assert own in html, item["slug"]
        assert api in html, item["slug"]


def test_every_entry_page_answers(client: TestClient) -> None:
    document = client.get("/api/v1/register").json()
    for key in (
        "services",
        "data_subjects",
        "data_categories",
        "recipients",
        "sharing",
        "retention_rules",
        "data_collections",
        "rights",
        "data_sources",
        "storage_locations",
        "statements",
        "legislation",
        "purposes",
        "lawful_bases",
    ):
        name = key.replace("_", "-")
        for state in document[key][:3] + document[key][-1:]:
            html = page(client, f"{NOTICE}/{name}/{state['slug']}")
            heading = f'<h1 class="govuk-heading-l">{state["name"]}</h1>'
            assert heading in html.replace("&#39;", "'")
            assert f"/api/v1/{name}/{state['slug']}?controller={CONTROLLER}" in html


def test_recipient_page_shows_what_it_receives_why_and_the_law(client: TestClient) -> None:
    html = page(client, f"{NOTICE}/recipients/youth-support-services")
    words = text(html)
    # "we pass their details": which details is not stated; name, address and
    # date of birth are only what a parent may restrict the passing to.
    assert "Name, Date of birth, Address" not in words
    assert "Contact details" in words
    assert "Education Act 1996, section 507B" in words
    assert "Provide youth support service and careers advice" in words
    assert "2 sharing arrangements" in words
    dfe = text(page(client, f"{NOTICE}/recipients/department-for-education"))
    assert "UK GDPR Article 6(1)(c)" in dfe
    assert "The National Pupil Database" in dfe  # a collection it owns


def test_unknown_entries_and_sections_are_404_pages(client: TestClient) -> None:
    page(client, f"{NOTICE}/recipients/nobody", 404)
    page(client, f"{NOTICE}/nothing/nobody", 404)
    page(client, "/controllers/no-such-council", 404)
    page(client, "/controllers/no-such-council/child", 404)


@pytest.mark.parametrize(
    "filters",
    [
        {"recipient": "nexus"},
        {"data_subject": "looked-after-children"},
        {"data_subject": "education-professionals"},
        {"data_category": "contact-details"},
        {"data_subject": "pupils-not-in-education-training-or-employment"},
        {"data_subject": "education-professionals", "recipient": "schools"},
    ],
)
def test_filters_narrow_the_list_as_the_api_does(
    client: TestClient, filters: dict[str, str]
) -> None:
    listed = listed_recipients(page(client, SHARING, **filters))
    expected = api_recipients(client, **filters)
    assert 0 < len(listed) < 33
    assert set(listed) == set(expected)


def test_filter_examples(client: TestClient) -> None:
    assert listed_recipients(page(client, SHARING, data_subject="looked-after-children")) == [
        "welfare-call"
    ]
    both = page(client, SHARING, data_category="name", recipient="department-for-education")
    assert listed_recipients(both) == []
    assert "No recipient matches" in both
    assert "0 of 33 recipients" in text(both)


def test_search_box_narrows_and_finds_other_entries(client: TestClient) -> None:
    html = page(client, SHARING, q="507B")
    assert listed_recipients(html) == ["youth-support-services"]
    assert f'href="{NOTICE}/legislation/education-act-1996-section-507b"' in html
    html = page(client, SHARING, q="ASPIRE")
    assert listed_recipients(html) == ["fft-aspire"]
    assert listed_recipients(page(client, SHARING, q="no such words anywhere")) == []


def test_the_diagram_is_on_the_notice_with_a_text_alternative(client: TestClient) -> None:
    html = page(client, SHARING)
    img = re.search(r'<img src="([^"]+)" alt="([^"]+)" width="(\d+)" height="(\d+)"', html)
    assert img is not None
    assert img.group(1).startswith("/diagram.svg?controller=")
    assert "text description" in img.group(2).lower()
    svg = client.get(unescape(img.group(1))).text
    assert f'width="{img.group(3)}" height="{img.group(4)}"' in svg
    narrow = re.search(r'<source media="\(max-width: 640px\)" srcset="([^"]+)"', html)
    assert narrow is not None
    assert "layout=narrow" in narrow.group(1)
    assert "Text description of the diagram" in html
    welfare = r"Welfare Call ltd \(data processor[^)]*\) receives data the notice does not state"
    assert re.search(welfare, text(html))
    filtered = page(client, SHARING, data_subject="looked-after-children")
    assert "recipient=welfare-call" in filtered.replace("&amp;", "&")


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"recipient": "nobody"}, "recipient"),
        ({"data_subject": "martians"}, "data_subject"),
        ({"data_category": "shoe-size"}, "data_category"),
        ({"colour": "blue"}, "colour"),
        ({"q": "x" * 201}, "q"),
        ({"as_of": "yesterday"}, "as_of"),
        ({"as_of": "2025-01-01", "version": "v1"}, "version"),
    ],
)
def test_bad_input_is_a_422_page_or_problem(
    client: TestClient, params: dict[str, str], field: str
) -> None:
    html = page(client, SHARING, 422, **params)
    assert field in html
    problem = client.get(SHARING, params=params, headers={"Accept": "application/json"})
    body = assert_problem(problem, 422)
    assert field in str(body)


def test_as_of_renders_the_past_register_with_a_banner(client: TestClient) -> None:
    now = datetime.now(UTC).isoformat()
    html = page(client, SHARING, as_of=now)
    assert "You are viewing the register as it was on" in html
    assert listed_recipients(html) == listed_recipients(page(client, SHARING))
    # Links keep the moment, so the reader stays in the past.
    assert f"{NOTICE}/recipients/nexus?as_of=" in html
    entry = page(client, f"{NOTICE}/recipients/nexus", as_of=now)
    assert "You are viewing the register as it was on" in entry
    page(client, NOTICE, 404, as_of="2000-01-01")
    page(client, NOTICE, 404, version="no-such-version")


def test_published_version_and_past_moment_show_what_was_said_then(
    write_client: TestClient, session: Session, auth: dict[str, str]
) -> None:
    published = write_client.post(
        "/api/v1/versions", json={"name": "Before the rename"}, headers=auth
    )
    assert published.status_code == 201, published.text
    version = published.json()["slug"]
    before_rename = datetime.now(UTC).isoformat()
    rename_nexus(session, "Nexus Ltd")

    current = text(page(write_client, SHARING))
    assert "Nexus Ltd" in current
    assert "You are viewing" not in current
    for params in ({"version": version}, {"as_of": before_rename}):
        past = page(write_client, SHARING, **params)
        words = text(past)
        assert "Nexus Ltd" not in words
        assert "Nexus" in words
        assert "You are viewing" in words
        key = next(iter(params))
        assert f"{NOTICE}/recipients/nexus?{key}=" in past
        entry = text(page(write_client, f"{NOTICE}/recipients/nexus", **params))
        assert "Nexus Ltd" not in entry
        svg = write_client.get("/diagram.svg", params=params)
        assert svg.status_code == 200
        assert "Nexus Ltd" not in svg.text
    assert f"You are viewing published version {version}" in text(
        page(write_client, NOTICE, version=version)
    )


def rename_nexus(session: Session, name: str) -> None:
    controller = session.scalars(select(Controller).where(Controller.slug == CONTROLLER)).one()
    nexus = session.scalars(
        select(Recipient).where(Recipient.slug == "nexus", Recipient.controller_id == controller.id)
    ).one()
    writes.update(session, e.RECIPIENTS, controller, nexus, {"name": name}, actor=SYSTEM)
    session.commit()


def test_history_not_available_is_a_friendly_page(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    def unavailable(*_args: object, **_kwargs: object) -> None:
        raise ProblemError("History is not available yet.", status=501)

    monkeypatch.setattr("app.web.pages.load_snapshot", unavailable)
    html = page(client, NOTICE, 501, as_of="2025-01-01")
    assert "This version of the register cannot be shown yet" in html
    assert "History is not available yet." in html
    assert f'href="{NOTICE}"' in html


def test_pages_are_cacheable_with_etags(client: TestClient) -> None:
    first = client.get(NOTICE)
    again = client.get(NOTICE, headers={"If-None-Match": first.headers["etag"]})
    assert again.status_code == 304
    css = re.search(r'href="(/static/app\.css\?v=[0-9a-f]+)"', first.text)
    assert css is not None
    static = client.get(css.group(1))
    assert static.status_code == 200
    assert static.headers["content-type"].startswith("text/css")
    assert "immutable" in static.headers["cache-control"]
    assert_problem(client.get("/static/nothing.css"), 404)


def test_change_log_lists_the_audit_trail(client: TestClient, shared_app: object) -> None:
    with services_of(shared_app).sessions() as session:  # type: ignore[attr-defined]
        total = session.scalar(select(func.count()).select_from(AuditEvent))
    html = page(client, f"{NOTICE}/changes")
    assert f"{total} changes so far" in html
    assert html.count('<tr class="govuk-table__row">') == 1 + 50  # header + one page
    assert "Added" in html
    last = -(-total // 50)
    older = page(client, f"{NOTICE}/changes", page=str(last))
    assert f"page {last} of {last}" in older
    assert 'rel="prev"' in older
    page(client, f"{NOTICE}/changes", 404, page=str(last + 1))
    page(client, f"{NOTICE}/changes", 422, page="first")


def test_change_log_shows_what_changed(write_client: TestClient, session: Session) -> None:
    rename_nexus(session, "Nexus Ltd")
    html = page(write_client, f"{NOTICE}/changes")
    first_row = html.split('<tbody class="govuk-table__body">')[1].split("</tr>")[0]
    assert "Nexus Ltd" in first_row
    assert "Changed: name" in text(first_row)
    assert f'href="{NOTICE}/recipients/nexus"' in first_row
    assert "Nexus Ltd" in text(page(write_client, SHARING))


def test_several_controllers_are_listed_and_each_has_its_notice(
    databases: DatabaseFactory, tmp_path: Path
) -> None:
    seed = tmp_path / "seed"
    shutil.copytree(SEED_DIR, seed)
    other = seed / "other-council"
    shutil.copytree(seed / CONTROLLER, other)
    controller = (other / "controller.yaml").read_text()
    (other / "controller.yaml").write_text(
        controller.replace(f"slug: {CONTROLLER}", "slug: other-council").replace(
            "name: Cambridgeshire County Council", "name: Other Council"
        )
    )
    url = databases.create()
    migrate_and_seed(url, seed)
    application = create_app(make_settings(url))
    try:
        with TestClient(application) as multi:
            home = page(multi, "/")
            assert 'href="/controllers/other-council"' in home
            assert f'href="{NOTICE}"' in home
            assert "Other Council" in page(multi, "/controllers/other-council")
            other_notice = page(multi, "/controllers/other-council/sharing")
            assert 'href="/controllers/other-council/recipients/nexus"' in other_notice
            assert len(listed_recipients(other_notice)) == 33
            page(multi, "/controllers/other-council/recipients/nexus")
            # Several controllers: the embed must be told which one.
            assert "controller" in page(multi, "/embed/recipients", 422)
            assert multi.get("/embed/recipients?controller=other-council").status_code == 200
    finally:
        services_of(application).engine.dispose()


def test_an_empty_register_says_so(empty_db: str) -> None:
    application = create_app(make_settings(empty_db))
    try:
        with TestClient(application) as empty:
            assert "The register holds no privacy notice yet." in page(empty, "/")
            page(empty, NOTICE, 404)
            assert_problem(empty.get("/diagram.svg"), 404)
    finally:
        services_of(application).engine.dispose()


def test_names_inside_a_sentence_keep_their_acronyms() -> None:
    names = ["Ethnicity", "SEND", "Whether a child has SEND", "DfE data", "A"]
    assert [in_sentence(n) for n in names] == [
        "ethnicity",
        "SEND",
        "whether a child has SEND",
        "DfE data",
        "A",
    ]
