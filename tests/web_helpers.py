"""Helpers for the page tests: reading what a page lists, and asking the
JSON API the same question."""

from __future__ import annotations

import re
from html import unescape
from typing import Any

from fastapi.testclient import TestClient

CONTROLLER = "cambridgeshire-county-council"
NOTICE = f"/controllers/{CONTROLLER}"
SHARING = f"{NOTICE}/sharing"
PARTS = (
    "services",
    "information",
    "why",
    "laws",
    "storage",
    "sharing",
    "collections",
    "rights",
    "contact",
)
API = "/api/v1"

_CARD = re.compile(r'<section class="govuk-summary-card" id="recipient-([a-z0-9-]+)"')
_EMBED = re.compile(r'<li class="srr-recipient" data-recipient="([a-z0-9-]+)"')


def listed_recipients(html: str) -> list[str]:
    """Recipient slugs of the cards on a notice or entity page, in order."""
    return _CARD.findall(html)


def embedded_recipients(html: str) -> list[str]:
    return _EMBED.findall(html)


def api_items(client: TestClient, path: str, **params: Any) -> list[dict[str, Any]]:
    response = client.get(f"{API}/{path}", params={**params, "limit": 500})
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


def api_recipients(client: TestClient, **filters: Any) -> list[str]:
    """Recipients of the arrangements the API returns for these filters, in
    first-seen order."""
    seen: dict[str, None] = {}
    for item in api_items(client, "sharing", **filters):
        seen[item["expanded"]["recipient"]["slug"]] = None
    return list(seen)


def text(html: str) -> str:
    """The page's text, tags removed and entities decoded, whitespace collapsed."""
    words = " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())
    return re.sub(r" ([,.;:)])", r"\1", words)
