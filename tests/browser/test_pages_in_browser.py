"""The pages in a real browser: Debian's Chromium, driven by Playwright, on a
running server. Screenshots land in test-artifacts/; axe-core checks every
page for serious or critical accessibility violations."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.browser.conftest import ARTIFACTS, AXE, CONTROLLER, Servers

NOTICE = f"/controllers/{CONTROLLER}"
WIDTHS = {"phone": 390, "desktop": 1280}
MAX_SHOT = 15_000  # Chromium cannot capture taller surfaces in one image.

PAGES = {
    "notice": "/",
    "notice-filtered": f"{NOTICE}?data_subject=children-and-young-people&data_category=address",
    "notice-searched": f"{NOTICE}?q=processor",
    "child-form": f"{NOTICE}/child",
    "child-14": f"{NOTICE}/child?data_subject=children-and-young-people&age=14",
    "child-16": f"{NOTICE}/child?data_subject=children-and-young-people&age=16",
    "child-error": f"{NOTICE}/child?data_subject=children-and-young-people&age=fourteen",
    "recipient": f"{NOTICE}/recipients/youth-support-services",
    "processor": f"{NOTICE}/recipients/nexus",
    "sharing": f"{NOTICE}/sharing/youth-support-services-from-13",
    "law": f"{NOTICE}/legislation/education-act-1996",
    "data-category": f"{NOTICE}/data-categories/personal-identifying-information",
    "purpose": f"{NOTICE}/purposes/produce-statistics",
    "collection": f"{NOTICE}/data-collections/national-pupil-database",
    "changes": f"{NOTICE}/changes",
    "not-found": f"{NOTICE}/recipients/nobody",
    "embed": f"/embed/recipients?controller={CONTROLLER}",
}


def recipients(servers: Servers) -> list[dict[str, Any]]:
    response = httpx.get(servers.page("/api/v1/recipients?limit=500"), timeout=10)
    items: list[dict[str, Any]] = response.json()["items"]
    return items


def screenshot(page: Any, name: str) -> None:
    """The whole page (its top part when it is taller than Chromium can
    capture at once) at the page's current width."""
    ARTIFACTS.mkdir(exist_ok=True)
    width = page.viewport_size["width"]
    height = page.evaluate("document.documentElement.scrollHeight")
    path = ARTIFACTS / f"{name}-{width}.png"
    if height <= MAX_SHOT:
        page.screenshot(path=path, full_page=True)
        return
    page.set_viewport_size({"width": width, "height": MAX_SHOT})
    page.screenshot(path=path)
    page.set_viewport_size({"width": width, "height": 900})


def axe_violations(page: Any) -> list[dict[str, Any]]:
    page.add_script_tag(path=str(AXE))
    result: dict[str, Any] = page.evaluate(
        "async () => await axe.run(document, {resultTypes: ['violations']})"
    )
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"][:5]]}
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def test_notice_shows_every_recipient(page: Any, servers: Servers) -> None:
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(servers.page("/"))
    cards = page.locator("#recipients section.card")
    expected = recipients(servers)
    assert cards.count() == len(expected) == 33
    headings = page.locator("#recipients section.card h3").all_inner_texts()
    for recipient, heading in zip(expected, headings, strict=True):
        assert heading.startswith(recipient["name"])
    assert page.get_by_role("heading", name="Who we share this information with").is_visible()
    assert page.locator("#recipient-nexus .tag").inner_text() == "Data processor"
    # Our own CSP lets every resource of the page load: no violation reported.
    assert errors == []


def test_filters_narrow_the_list_without_javascript(browser: Any, servers: Servers) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(servers.page(NOTICE))
        page.select_option("#filter-data_subject", "looked-after-children")
        page.get_by_role("button", name="Apply filters").click()
        page.wait_for_url("**data_subject=looked-after-children**")
        assert page.locator("#recipients section.card h3").all_inner_texts() == [
            "Welfare Call ltd Data processor"
        ]
        assert "1 of 33 recipients" in page.locator("#sharing-status").inner_text()
        page.select_option("#filter-data_subject", "")
        page.select_option("#filter-data_category", "contact-details")
        page.get_by_role("button", name="Apply filters").click()
        page.wait_for_url("**data_category=contact-details**")
        cards = page.locator("#recipients section.card")
        assert 1 <= cards.count() < 33
        assert page.locator("#recipient-youth-support-services").is_visible()
        page.get_by_role("link", name="Clear filters").first.click()
        assert page.locator("#recipients section.card").count() == 33
    finally:
        context.close()


def test_search_box_narrows_as_you_type(page: Any, servers: Servers) -> None:
    page.goto(servers.page(NOTICE))
    page.locator("#q").press_sequentially("aspire")
    visible = page.locator("#recipients section.card:visible")
    assert visible.count() == 1
    assert visible.locator("h3").inner_text().startswith("Fischer Family Trust (FFT) Aspire")
    assert "1 recipient matches" in page.locator("#sharing-status").inner_text()
    page.locator("#q").fill("")
    page.locator("#q").dispatch_event("input")
    assert page.locator("#recipients section.card:visible").count() == 33


def test_child_view_explains_ages(page: Any, servers: Servers) -> None:
    page.goto(servers.page(f"{NOTICE}/child"))
    page.fill("#age", "14")
    page.get_by_role("button", name="Show what happens").click()
    page.wait_for_url("**age=14**")
    youth = page.locator('[data-arrangement="youth-support-services-from-13"]')
    assert "A parent or guardian can ask" in youth.inner_text()
    later = page.locator("#later + ul").inner_text()
    assert "At 16:" in later
    assert "The child or young person can ask" in later


def test_iframe_embed_renders_on_another_origin(page: Any, servers: Servers) -> None:
    page.goto(servers.host + "/index.html")
    frame = page.frame_locator("#frame-embed")
    items = frame.locator("li.srr-recipient")
    items.first.wait_for()
    assert items.count() == 33
    assert "Department for Education (DfE)" in items.first.inner_text()
    embedded = [f for f in page.frames if f.url.startswith(servers.app)]
    assert len(embedded) == 1
    assert not servers.host.startswith(servers.app)
    screenshot(page, "embed-host")


def test_script_embed_renders_into_host_elements(page: Any, servers: Servers) -> None:
    page.goto(servers.host + "/index.html")
    everything = page.locator('#script-embed[data-state="loaded"] li.srr-recipient')
    everything.first.wait_for()
    names = page.locator("#script-embed .srr-name").all_inner_texts()
    assert names == [r["name"] for r in recipients(servers)]
    youth = page.locator('#script-embed-filtered[data-state="loaded"] li.srr-recipient')
    youth.first.wait_for()
    assert youth.count() == 1
    text = youth.inner_text()
    assert "Youth support services" in text
    assert "Contact details" in text
    assert "Address, Date of birth, Name" not in text  # from 13: "we pass their details"
    assert "Education Act 1996, section 507B" in text
    # The script says exactly what the iframe fragment says.
    fragment = page.frame_locator("#frame-embed").locator(
        '[data-recipient="youth-support-services"] dl'
    )
    assert youth.locator("dl").all_inner_texts() == fragment.all_inner_texts()
    assert axe_violations(page) == []


def test_diagram_is_visible_and_its_text_fits(page: Any, servers: Servers) -> None:
    page.goto(servers.page(NOTICE))
    image = page.locator("figure.diagram img")
    image.scroll_into_view_if_needed()
    assert image.is_visible()
    complete, width, height = image.evaluate(
        "img => [img.complete, img.naturalWidth, img.naturalHeight]"
    )
    assert complete
    assert width > 600
    assert height > 600
    page.goto(servers.page("/diagram.svg"))
    overflowing = page.evaluate(
        """() => [...document.querySelectorAll('g')].flatMap(g => {
            const box = g.querySelector('rect');
            if (!box) return [];
            const right = box.x.baseVal.value + box.width.baseVal.value;
            return [...g.querySelectorAll('text')]
              .filter(t => { const b = t.getBBox(); return b.x + b.width > right - 4; })
              .map(t => t.textContent);
        })"""
    )
    assert overflowing == []
    ARTIFACTS.mkdir(exist_ok=True)
    page.locator("svg").screenshot(path=ARTIFACTS / "diagram.png")


@pytest.mark.parametrize("width", WIDTHS.values(), ids=WIDTHS.keys())
def test_screenshots(browser: Any, servers: Servers, width: int) -> None:
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    try:
        for name in ("notice", "child-14", "recipient", "changes", "embed"):
            page.goto(servers.page(PAGES[name]))
            # Nothing may stick out sideways on a phone (the diagram scrolls in its box).
            overflow = page.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            assert overflow <= 0, name
            screenshot(page, name)
        assert (ARTIFACTS / f"notice-{width}.png").stat().st_size > 10_000
    finally:
        context.close()


@pytest.mark.parametrize("name", PAGES.keys())
def test_no_serious_accessibility_violations(axe_page: Any, servers: Servers, name: str) -> None:
    response = axe_page.goto(servers.page(PAGES[name]))
    assert response.status in (200, 404, 422)
    assert axe_violations(axe_page) == []


def test_the_accessibility_check_does_find_violations(axe_page: Any) -> None:
    """The harness is not vacuous: a page with known faults fails it."""
    axe_page.set_content(
        '<html><body><img src="x.png"><a href="/"></a>'
        '<p style="color:#ccc;background:#fff">faint</p></body></html>'
    )
    found = {v["id"] for v in axe_violations(axe_page)}
    assert {"image-alt", "link-name", "color-contrast", "html-has-lang"} <= found
