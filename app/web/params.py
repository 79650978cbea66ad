"""Parameters and dependencies of the page routes: the register a page
shows, as of the moment or version it asks for, loaded once per request."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Path, Query, Request

from app.api.deps import ReadSession
from app.api.services import services
from app.register.schemas import SLUG_PATTERN
from app.web import pages
from app.web.register_view import RegisterView

Slug = Annotated[str, Path(pattern=SLUG_PATTERN, max_length=120)]
Values = Annotated[tuple[str, ...], Query(max_length=100)]
Text = Annotated[str | None, Query(max_length=500)]


def when_asked(as_of: Text = None, version: Text = None) -> pages.When:
    """Which register the page shows: now, ``as_of`` a moment, or a version."""
    return pages.parse_when(as_of, version)


WhenDep = Annotated[pages.When, Depends(when_asked)]


def register_at(
    request: Request, session: ReadSession, controller: Slug, when: WhenDep
) -> RegisterView:
    """The register of the controller in the path, as of ``when``."""
    return pages.load_register(session, controller, when, recent=services(request).snapshots)


def current_register(request: Request, session: ReadSession, controller: Slug) -> RegisterView:
    return pages.load_register(
        session, controller, pages.When(), recent=services(request).snapshots
    )


def queried_register(
    request: Request, session: ReadSession, controller: str | None, when: pages.When
) -> RegisterView:
    """The register of the controller named in the query string (a 422 if unknown)."""
    recent = services(request).snapshots
    return pages.load_register(session, controller, when, from_query=True, recent=recent)


RegisterDep = Annotated[RegisterView, Depends(register_at)]
CurrentRegister = Annotated[RegisterView, Depends(current_register)]
