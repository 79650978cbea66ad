"""The register content a request asks for: current, at a past moment, or a
published version. Every output format (JSON document, exports, pages) starts
from a ``Snapshot`` so that all of them show exactly the same facts."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.audit.models import ChainHead
from app.register import models as m
from app.register import service
from app.register.document import content_digest, document, register_content


@dataclass(frozen=True)
class Snapshot:
    controller: str
    content: dict[str, Any]
    stamps: dict[str, Any] = field(default_factory=dict)
    """What the content is: ``data_version`` (current), ``as_of`` or ``version``."""

    @property
    def digest(self) -> str:
        return content_digest(self.content)

    def document(self) -> dict[str, Any]:
        return document(self.content, **self.stamps)


def data_version(session: Session) -> int:
    """The sequence number of the last change: bumps on every committed write."""
    return session.scalar(select(ChainHead.seq)) or 0


def current(session: Session, controller: m.Controller) -> Snapshot:
    return Snapshot(
        controller=controller.slug,
        content=register_content(session, controller),
        stamps={"data_version": data_version(session)},
    )


def load_snapshot(
    session: Session,
    controller_slug: str | None,
    *,
    as_of: datetime | None = None,
    version: str | None = None,
) -> Snapshot:
    """The register of one controller: now, ``as_of`` a moment, or a published version."""
    from app.history import past  # history builds on this module

    if version is not None:
        return past.published(session, controller_slug, version)
    if as_of is not None:
        return past.as_of(session, controller_slug, as_of)
    return current(session, service.single_controller(session, controller_slug))
