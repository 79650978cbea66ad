"""The completeness audit as a page: every rule and finding of
/api/v1/register/audit, grouped by severity and rule, each finding linking
to the entries it is about, with a chart of findings by rule."""

from __future__ import annotations

import re
from typing import Any

from fastapi.testclient import TestClient

from tests.web_helpers import API, CONTROLLER, NOTICE, text

AUDIT = f"{NOTICE}/audit"


def _audit(client: TestClient) -> dict[str, Any]:
    body: dict[str, Any] = client.get(f"{API}/register/audit").json()
    return body


def _section(html: str, rule: str) -> str:
    return html.split(f'<section aria-labelledby="rule-{rule}">')[1].split("</section>")[0]


def test_the_page_says_what_the_api_says(client: TestClient) -> None:
    audit = _audit(client)
    response = client.get(AUDIT)
    assert response.status_code == 200
    html = response.text
    words = text(html)
    summary = audit["summary"]
    assert f"{summary['findings']} findings" in words
    assert f"{summary['error']} errors" in words
    assert f"{summary['warning']} warnings" in words
    assert ("The audit fails" in words) is (not audit["passed"])
    for rule in audit["rules"]:
        assert f"{rule['title']} {rule['severity'].capitalize()} {rule['findings']}" in words
        if rule["findings"]:
            section = _section(html, rule["id"])
            assert section.count("<li>") == rule["findings"], rule["id"]
        else:
            assert f'id="rule-{rule["id"]}"' not in html


def test_findings_are_grouped_by_severity_and_link_to_their_entries(client: TestClient) -> None:
    audit = _audit(client)
    html = client.get(AUDIT).text
    order = [html.index(f'id="severity-{s}"') for s in ("error", "warning", "info")]
    assert order == sorted(order)
    for finding in audit["findings"]:
        section = _section(html, finding["rule"])
        position = html.index(f'<section aria-labelledby="rule-{finding["rule"]}">')
        starts = {s: html.index(f'id="severity-{s}"') for s in ("error", "warning", "info")}
        severity = max((s for s in starts if starts[s] < position), key=starts.__getitem__)
        assert severity == finding["severity"]
        for entity in finding["entities"]:
            if entity["type"] == "controllers":
                assert f'href="{NOTICE}/contact"' in section
            else:
                assert f'href="{NOTICE}/{entity["type"]}/{entity["slug"]}"' in section
    for url in set(re.findall(rf'href="({NOTICE}/[a-z-]+/[a-z0-9-]+)"', html)):
        assert client.get(url).status_code == 200, url


def test_the_chart_has_a_bar_per_rule_sized_by_its_findings(client: TestClient) -> None:
    audit = _audit(client)
    html = client.get(AUDIT).text
    chart = html.split('<svg class="app-chart"')[1].split("</svg>")[0]
    bars = [float(w) for w in re.findall(r'<rect x="0" y="\d+" width="([\d.]+)"', chart)]
    counts = [r["findings"] for r in audit["rules"]]
    assert len(bars) == len(counts)
    most = max(counts)
    for bar, count in zip(bars, counts, strict=True):
        assert bar == max(2.0, round(580 * count / most, 1))
    assert 'role="img"' in chart
    assert "<title" in chart


def test_the_page_prints_without_navigation(client: TestClient) -> None:
    html = client.get(AUDIT).text
    css_url = re.search(r'href="(/static/app\.css\?v=[0-9a-f]+)"', html)
    assert css_url is not None
    css = client.get(css_url.group(1)).text
    assert "@media print" in css
    assert re.search(r"@media print\{[^@]*\.app-no-print", css)
    assert 'class="govuk-body app-no-print"' in html


def test_an_unknown_controller_is_a_404_page(client: TestClient) -> None:
    assert client.get("/controllers/nobody/audit").status_code == 404
    assert client.get(AUDIT, params={"controller": CONTROLLER}).status_code == 422
