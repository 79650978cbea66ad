"""The pages in a real browser: Debian's Chromium, driven by Playwright, on a
running server. Every page at 390 and 1280 px: screenshots in test-artifacts/,
no horizontal overflow, bounded height, and no axe-core violation at all."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.browser.conftest import ARTIFACTS, AXE, CONTROLLER, Servers

NOTICE = f"/controllers/{CONTROLLER}"
SHARING = f"{NOTICE}/sharing"
WIDTHS = {"phone": 390, "desktop": 1280}
MAX_SHOT = 15_000  # Chromium cannot capture taller surfaces in one image.
SECTIONS = ("services", "information", "why", "laws", "storage", "collections", "rights")

PAGES = {
    "home": "/",
    **{f"section-{name}": f"{NOTICE}/{name}" for name in SECTIONS},
    "contact": f"{NOTICE}/contact",
    "sharing": SHARING,
    "sharing-filtered": f"{SHARING}?data_subject=children-and-young-people&data_category=address",
    "sharing-searched": f"{SHARING}?q=processor",
    "audit": f"{NOTICE}/audit",
    "child-form": f"{NOTICE}/child",
    "child-14": f"{NOTICE}/child?data_subject=children-and-young-people&age=14",
    "child-16": f"{NOTICE}/child?data_subject=children-and-young-people&age=16",
    "child-error": f"{NOTICE}/child?data_subject=children-and-young-people&age=fourteen",
    "recipient": f"{NOTICE}/recipients/youth-support-services",
    "processor": f"{NOTICE}/recipients/nexus",
    "sharing-entry": f"{NOTICE}/sharing/youth-support-services-from-13",
    "law": f"{NOTICE}/legislation/education-act-1996",
    "data-category": f"{NOTICE}/data-categories/personal-identifying-information",
    "purpose": f"{NOTICE}/purposes/produce-statistics",
    "collection": f"{NOTICE}/data-collections/national-pupil-database",
    "changes": f"{NOTICE}/changes",
    "not-found": f"{NOTICE}/recipients/nobody",
    "embed": f"/embed/recipients?controller={CONTROLLER}",
}
SCREEN = 900
HEIGHT_LIMITS = {
    "home": 3 * SCREEN,
    "sharing": 24 * SCREEN,
    "audit": 26 * SCREEN,
    "embed": 14 * SCREEN,
}
"""Page heights (px) at either width: the home page a few screens at most."""
SECTION_LIMIT = 4.5 * SCREEN
OTHER_LIMIT = 9 * SCREEN


def height_limit(name: str) -> float:
    if name in HEIGHT_LIMITS:
        return HEIGHT_LIMITS[name]
    if name.startswith("section-") or name == "contact":
        return SECTION_LIMIT
    return OTHER_LIMIT


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
    ]


def test_notice_shows_every_recipient(page: Any, servers: Servers) -> None:
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(servers.page(SHARING))
    cards = page.locator("#recipients section.govuk-summary-card")
    expected = recipients(servers)
    assert cards.count() == len(expected) > 0
    headings = page.locator("#recipients section.govuk-summary-card h3").all_inner_texts()
    for recipient, heading in zip(expected, headings, strict=True):
        assert heading.startswith(recipient["name"])
    assert page.get_by_role("heading", name="Who we share this information with").is_visible()
    assert page.locator("#recipient-nexus .govuk-tag").inner_text() == "Data processor"
    # GOV.UK Frontend's script ran.
    assert "govuk-frontend-supported" in page.locator("body").get_attribute("class")
    # Our own CSP lets every resource of the page load: no violation reported.
    assert errors == []


def test_filters_narrow_the_list_without_javascript(browser: Any, servers: Servers) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(servers.page(SHARING))
        page.select_option("#filter-data_subject", "looked-after-children")
        page.get_by_role("button", name="Apply filters").click()
        page.wait_for_url("**data_subject=looked-after-children**")
        assert page.locator("#recipients section.govuk-summary-card h3").all_inner_texts() == [
            "Welfare Call ltd Data processor"
        ]
        total = len(recipients(servers))
        assert f"1 of {total} recipients" in page.locator("#sharing-status").inner_text()
        page.select_option("#filter-data_subject", "")
        page.select_option("#filter-data_category", "contact-details")
        page.get_by_role("button", name="Apply filters").click()
        page.wait_for_url("**data_category=contact-details**")
        cards = page.locator("#recipients section.govuk-summary-card")
        assert 1 <= cards.count() < total
        assert page.locator("#recipient-youth-support-services").is_visible()
        page.get_by_role("link", name="Clear filters").first.click()
        assert page.locator("#recipients section.govuk-summary-card").count() == total
    finally:
        context.close()


def test_search_box_narrows_as_you_type(page: Any, servers: Servers) -> None:
    page.goto(servers.page(SHARING))
    page.locator("#q").press_sequentially("aspire")
    visible = page.locator("#recipients section.govuk-summary-card:visible")
    assert visible.count() == 1
    assert visible.locator("h3").inner_text().startswith("Fischer Family Trust (FFT) Aspire")
    assert "1 recipient matches" in page.locator("#sharing-status").inner_text()
    page.locator("#q").fill("")
    page.locator("#q").dispatch_event("input")
    everyone = len(recipients(servers))
    assert page.locator("#recipients section.govuk-summary-card:visible").count() == everyone


def test_a_parent_on_a_phone_finds_their_childs_data_from_the_home_page(
    browser: Any, servers: Servers
) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    try:
        page.goto(servers.page("/"))
        age = page.get_by_label("Your child’s age in years")
        assert age.is_visible()
        assert age.bounding_box()["y"] < 844  # on the first screen
        age.fill("14")
        page.get_by_role("button", name="Show what happens").click()
        page.wait_for_url("**age=14**")
        youth = page.locator('[data-arrangement="youth-support-services-from-13"]')
        assert "A parent or guardian can ask" in youth.inner_text()
    finally:
        context.close()


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
    assert items.count() == len(recipients(servers))
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
    assert "Education Act 1996, section 507B" in text
    # The script says exactly what the iframe fragment says.
    fragment = page.frame_locator("#frame-embed").locator(
        '[data-recipient="youth-support-services"] dl'
    )
    assert youth.locator("dl").all_inner_texts() == fragment.all_inner_texts()
    assert axe_violations(page) == []


CLIPPED_TEXT = """() => [...document.querySelectorAll('g')].flatMap(g => {
    const box = g.querySelector('rect');
    if (!box) return [];
    const left = box.x.baseVal.value, right = left + box.width.baseVal.value;
    return [...g.querySelectorAll('text')]
      .filter(t => { const b = t.getBBox(); return b.x < left || b.x + b.width > right - 4; })
      .map(t => t.textContent);
})"""


@pytest.mark.parametrize("width", WIDTHS.values(), ids=WIDTHS.keys())
def test_diagram_fits_the_page_and_its_text_fits(
    browser: Any, servers: Servers, width: int
) -> None:
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    try:
        page.goto(servers.page(SHARING))
        image = page.locator("figure.app-diagram img")
        image.scroll_into_view_if_needed()
        assert image.is_visible()
        complete, natural, shown, source = image.evaluate(
            "img => [img.complete, img.naturalWidth, img.getBoundingClientRect().width,"
            " img.currentSrc]"
        )
        assert complete
        assert ("layout=narrow" in source) is (width < 641)
        # Scaled to the column, never wider than the screen, and never below
        # 70% of its size (the text stays readable).
        assert shown <= width
        assert shown / natural >= 0.7, (shown, natural)
        svg = page.evaluate("src => fetch(src).then(r => r.text())", source)
        page.set_content(svg)
        assert page.evaluate(CLIPPED_TEXT) == []
        svg_width = page.evaluate("document.querySelector('svg').width.baseVal.value")
        ends = page.evaluate(
            "[...document.querySelectorAll('text')].map(t => { const b = t.getBBox();"
            " return b.x + b.width; })"
        )
        assert max(ends) <= svg_width  # nothing, legend included, runs off the drawing
        ARTIFACTS.mkdir(exist_ok=True)
        page.locator("svg").screenshot(path=ARTIFACTS / f"diagram-{width}.png")
    finally:
        context.close()


@pytest.mark.parametrize("width", WIDTHS.values(), ids=WIDTHS.keys())
def test_every_page_fits_the_width_is_bounded_and_has_no_axe_violation(
    browser: Any, servers: Servers, width: int
) -> None:
    """Every page at this width: nothing sticks out sideways, the page is at
    most its bound in height, and axe-core finds no violation of any impact."""
    context = browser.new_context(viewport={"width": width, "height": SCREEN}, bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(10_000)
    problems: dict[str, Any] = {}
    try:
        for name, path in PAGES.items():
            response = page.goto(servers.page(path))
            assert response.status in (200, 404, 422), name
            overflow = page.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            height = page.evaluate("document.documentElement.scrollHeight")
            screenshot(page, name)
            found = {
                "overflow": overflow if overflow > 0 else None,
                "height": height if height > height_limit(name) else None,
                "axe": axe_violations(page) or None,
            }
            found = {k: v for k, v in found.items() if v is not None}
            if found:
                problems[name] = found
        assert problems == {}
        assert (ARTIFACTS / f"home-{width}.png").stat().st_size > 10_000
    finally:
        context.close()


def test_the_accessibility_check_does_find_violations(axe_page: Any) -> None:
    """The harness is not vacuous: a page with known faults fails it."""
    axe_page.set_content(
        '<html><body><img src="x.png"><a href="/"></a>'
        '<p style="color:#ccc;background:#fff">faint</p></body></html>'
    )
    found = {v["id"] for v in axe_violations(axe_page)}
    assert {"image-alt", "link-name", "color-contrast", "html-has-lang"} <= found
