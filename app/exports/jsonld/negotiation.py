"""Content negotiation between JSON-LD and plain JSON on ``/api/v1/register``."""

from __future__ import annotations

from starlette.requests import Request

from app.accept import weighted
from app.exports.jsonld.document import MEDIA_TYPE


def _quality(request: Request) -> tuple[float, float]:
    """q of application/ld+json and of plain JSON in the Accept header."""
    ld = json = 0.0
    for media, q in weighted(request.headers.get("accept", "")):
        if media == MEDIA_TYPE:
            ld = max(ld, q)
        elif media == "application/json":
            json = max(json, q)
    return ld, json


def prefers_jsonld(request: Request) -> bool:
    """Whether content negotiation on ``/api/v1/register`` picks JSON-LD: the
    client names it, and does not prefer plain JSON to it."""
    ld, json = _quality(request)
    return ld > 0 and ld >= json
