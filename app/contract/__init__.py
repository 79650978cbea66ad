"""The API contract: the OpenAPI document clients are generated from, served
with validators and compression; the interactive docs served offline; and
405/OPTIONS answers that list the methods each path really has."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import FastAPI

from app.config import Settings
from app.contract import docs, methods, spec
from app.contract.document import complete


def install(app: FastAPI, settings: Settings) -> None:
    """Call after every router is included (the document covers them all).
    The app is created with ``openapi_url``, ``docs_url`` and ``redoc_url``
    set to None: these routes replace FastAPI's."""
    generate: Callable[[], dict[str, Any]] = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = complete(generate(), app, settings)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
    app.include_router(spec.router)
    app.include_router(docs.router)
    methods.install(app)
