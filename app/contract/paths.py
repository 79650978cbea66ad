"""The operations of the OpenAPI document, and the scopes their routes check."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute, iter_route_contexts

WRITE_METHODS = frozenset({"post", "put", "patch", "delete"})
HTTP_METHODS = frozenset({"get", "put", "post", "delete", "options", "head", "patch", "trace"})


def required_scopes(dependant: Dependant) -> list[str]:
    """The scopes a route's dependencies check (``app.api.write_access.require_scope``)."""
    found: list[str] = []
    pending: list[Dependant] = [dependant]
    while pending:
        dependant = pending.pop()
        scope = getattr(dependant.call, "required_scope", None)
        if isinstance(scope, str) and scope not in found:
            found.append(scope)
        pending.extend(dependant.dependencies)
    return found


def route_scopes(app: FastAPI) -> dict[tuple[str, str], list[str]]:
    """(path, method) -> scopes, for every route that checks a key."""
    scopes: dict[tuple[str, str], list[str]] = {}
    for context in iter_route_contexts(app.routes):
        route = context.original_route
        if isinstance(route, APIRoute) and route.include_in_schema:
            needed = required_scopes(getattr(context, "dependant", None) or route.dependant)
            if needed:
                for method in context.methods or ():
                    scopes[(str(context.path_format), method.lower())] = needed
    return scopes


def operations(document: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, item in document.get("paths", {}).items():
        for method, operation in item.items():
            if method in HTTP_METHODS and isinstance(operation, dict):
                yield path, method, operation
