"""The OpenAPI document as the contract clients are generated from.

FastAPI generates the paths and schemas from the routes; this completes what
it cannot know: the problem schema under ``application/problem+json`` on
every error, the bearer-key security of each write with its scope, the
answers every operation can give (401/403/429 where a key is checked, 500
everywhere), the page size the deployment enforces, integer formats, the
media types of binary and SVG answers, tags with descriptions, a description
per operation, contact, licence and servers, and no unused component.
Almost everything is derived from the routes and the settings; the few query
parameters whose format FastAPI cannot see (moments, the entity names of
/changes, version labels) are named in ``QUERY_FORMATS`` (``app/contract/parameters.py``).
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI

from app.config import Settings
from app.contract.components import drop_unused
from app.contract.constraints import integer_formats, no_nul
from app.contract.descriptions import BEARER, describe
from app.contract.info import add_info, add_tags
from app.contract.parameters import constrain_parameters
from app.contract.paths import WRITE_METHODS, operations, route_scopes
from app.contract.responses import complete_responses


def complete(document: dict[str, Any], app: FastAPI, settings: Settings) -> dict[str, Any]:
    """Complete FastAPI's document in place (see the module docstring)."""
    scopes = route_scopes(app)
    components = document.setdefault("components", {})
    components["securitySchemes"] = {
        BEARER: {
            "type": "http",
            "scheme": "bearer",
            "description": "An API key, as `Authorization: Bearer <key>`. Keys are made "
            "with `POST /api/v1/keys` (scope `keys:admin`) or `sharing-register keys create`.",
        }
    }
    for path, method, operation in operations(document):
        needed = scopes.get((path, method), [])
        describe(path, method, operation, needed)
        complete_responses(path, operation, needed)
        constrain_parameters(operation, settings, write=method in WRITE_METHODS)
    integer_formats(document)
    no_nul(document)
    add_info(document, settings)
    add_tags(document)
    drop_unused(document)
    return document
