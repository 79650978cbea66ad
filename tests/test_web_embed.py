"""The embeddable recipient list: the HTML fragment for iframes and the script."""

from __future__ import annotations

import base64
import hashlib
import re

import pytest
from fastapi.testclient import TestClient

from tests.helpers import assert_problem
from tests.web_helpers import (
    CONTROLLER,
    api_items,
    api_recipients,
    embedded_recipients,
    text,
)

EMBED = "/embed/recipients"


def test_fragment_lists_every_recipient_with_what_why_and_law(client: TestClient) -> None:
    response = client.get(EMBED, params={"controller": CONTROLLER})
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    html = response.text
    assert embedded_recipients(html) == [r["slug"] for r in api_items(client, "recipients")]
    youth = html.split('data-recipient="youth-support-services"')[1].split("</li>")[0]
    words = text(youth)
    assert "What they receive Not stated in the notice" in words  # "we pass their details"
    assert "What they receive Including Contact details" in words
    assert "Why Provide youth support service and careers advice" in words
    assert "The law Education Act 1996, section 507B" in words
    assert "Not stated in the notice" in words  # the NEET arrangement states no purpose
    dfe = text(html.split('data-recipient="department-for-education"')[1].split("</li>")[0])
    assert "UK GDPR Article 6(1)(c)" in dfe
    nexus = html.split('data-recipient="nexus"')[1].split("</li>")[0]
    assert "Data processor" in nexus
    # Self-contained: no stylesheet, script or image from anywhere.
    assert "<link" not in html
    assert "<script" not in html
    assert "<img" not in html
    assert f'href="/controllers/{CONTROLLER}" target="_blank"' in html
    poisoned = client.get(EMBED, headers={"Host": "evil.example"}).text
    assert "evil.example" not in poisoned


def test_the_controller_may_be_left_out_when_there_is_one(client: TestClient) -> None:
    assert client.get(EMBED).text == client.get(EMBED, params={"controller": CONTROLLER}).text


@pytest.mark.parametrize(
    "filters",
    [
        {"service": "youth-support-service"},
        {"data_subject": "looked-after-children"},
        {"data_subject": "education-professionals"},
        {"data_category": "contact-details"},
        {"data_category": "contact-details", "service": "youth-support-service"},
    ],
)
def test_filters_narrow_the_fragment_as_the_api_does(
    client: TestClient, filters: dict[str, str]
) -> None:
    html = client.get(EMBED, params={"controller": CONTROLLER, **filters}).text
    listed = embedded_recipients(html)
    assert 0 < len(listed) < 33
    assert set(listed) == set(api_recipients(client, controller=CONTROLLER, **filters))


def test_filter_example(client: TestClient) -> None:
    html = client.get(EMBED, params={"service": "youth-support-service"}).text
    assert embedded_recipients(html) == ["youth-support-services"]
    assert "1 recipient." in html


@pytest.mark.parametrize(
    "params",
    [{"controller": "nobody"}, {"service": "nothing"}, {"recipient": "nexus"}, {"x": "1"}],
)
def test_bad_parameters_are_422(client: TestClient, params: dict[str, str]) -> None:
    response = client.get(EMBED, params=params)
    assert response.status_code == 422
    assert_problem(client.get(EMBED, params=params, headers={"Accept": "application/json"}), 422)


def test_inline_style_is_allowed_by_its_hash_only(client: TestClient) -> None:
    response = client.get(EMBED)
    styles = re.findall(r"<style>(.*?)</style>", response.text, re.S)
    assert len(styles) == 1
    digest = base64.b64encode(hashlib.sha256(styles[0].encode()).digest()).decode()
    csp = response.headers["content-security-policy"]
    style_src = next(d for d in csp.split("; ") if d.startswith("style-src"))
    assert f"'sha256-{digest}'" in style_src
    assert "unsafe-inline" not in csp
    assert "frame-ancestors *" in csp
    assert "x-frame-options" not in response.headers


def test_script_renders_from_the_json_api(client: TestClient) -> None:
    response = client.get("/embed/recipients.js")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/javascript; charset=utf-8"
    assert response.headers["etag"]
    script = response.text
    assert "[data-sharing-register-recipients]" in script
    assert "/api/v1/sharing?" in script
    # Text only: data never becomes markup in the host page.
    assert not re.search(r"innerHTML\s*=|outerHTML\s*=|insertAdjacentHTML|document\.write", script)
    assert "textContent" in script
    # The words it renders are the fragment's.
    fragment = client.get(EMBED).text
    for label in ("What they receive", "Why", "The law", "Data processor"):
        assert f'"{label}"' in script
        assert label in fragment
    assert "UK GDPR " in script
    # The script reads the fields the API provides.
    item = api_items(client, "sharing")[0]["expanded"]
    for key in ("recipient", "data_categories", "purposes", "legislation", "lawful_bases"):
        assert key in item
        assert key in script
    assert_problem(client.get("/embed/recipients.js?v=1"), 422)
