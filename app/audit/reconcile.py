"""The register's tables reconciled with its audit trail.

A hash chain proves the trail was not edited; it says nothing of the tables
the API serves. Here the trail is replayed to its last event and each
controller's replayed register is compared with the one the tables give,
by the digest ``/api/v1/register`` serves; where they differ, the first
entity that differs (in document order) is named, with its fields.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.history.replay import Replay, replay
from app.register import entities as e
from app.register import models as m
from app.register.document import CONTENT_KEYS, content_digest, register_content

SECTION_TYPES = {key: key.replace("_", "-") for key in CONTENT_KEYS}
"""Document section -> entity type name."""


@dataclass(frozen=True)
class Difference:
    controller: str
    entity_type: str
    slug: str
    reason: str
    """"changed", "not in the trail" (a row no event made) or "not in the
    tables" (an entity the trail holds that the tables lost)."""
    fields: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class ControllerState:
    controller: str
    ok: bool
    digest: str | None
    """Of the tables, as ``/api/v1/register`` serves it (``None``: no such row)."""
    replayed_digest: str | None
    """Of the trail replayed (``None``: the trail holds no such controller)."""


@dataclass(frozen=True)
class StateVerification:
    ok: bool
    seq: int
    """The last event replayed."""
    controllers: list[ControllerState]
    first_difference: Difference | None = None


def _by_slug(states: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {state["slug"]: state for state in states}


def first_difference(
    controller: str, tables: dict[str, Any] | None, trail: dict[str, Any] | None
) -> Difference | None:
    """The first entity, in document order, whose state differs."""
    if tables is None or trail is None:
        reason = "not in the trail" if trail is None else "not in the tables"
        return Difference(controller, e.CONTROLLERS.name, controller, reason)
    for key in CONTENT_KEYS:
        entity_type = SECTION_TYPES[key]
        if key == "controller":
            pairs = [(controller, tables[key], trail[key])]
        else:
            now, then = _by_slug(tables[key]), _by_slug(trail[key])
            order = [s["slug"] for s in tables[key]] + [
                s["slug"] for s in trail[key] if s["slug"] not in now
            ]
            pairs = [(slug, now.get(slug), then.get(slug)) for slug in order]
        for slug, row, replayed in pairs:
            if row == replayed:
                continue
            if row is None or replayed is None:
                reason = "not in the trail" if replayed is None else "not in the tables"
                return Difference(controller, entity_type, slug, reason)
            fields = sorted(k for k in set(row) | set(replayed) if row.get(k) != replayed.get(k))
            return Difference(controller, entity_type, slug, "changed", fields)
    return None


def verify_state(session: Session) -> StateVerification:
    """Replay the whole trail; compare every controller's register with it."""
    return compare(session, replay(session))


def compare(session: Session, trail: Replay) -> StateVerification:
    """Every controller's register in the tables compared with ``trail``, the
    whole trail replayed (kept and extended by an incremental verification)."""
    rows = {c.slug: c for c in session.scalars(select(m.Controller).order_by(m.Controller.slug))}
    results: list[ControllerState] = []
    first: Difference | None = None
    for slug in sorted(set(rows) | set(trail.controllers())):
        tables = register_content(session, rows[slug]) if slug in rows else None
        replayed = trail.content(slug)
        digest = content_digest(tables) if tables is not None else None
        replayed_digest = content_digest(replayed) if replayed is not None else None
        ok = digest is not None and digest == replayed_digest
        results.append(ControllerState(slug, ok, digest, replayed_digest))
        if not ok and first is None:
            first = first_difference(slug, tables, replayed)
    return StateVerification(
        ok=all(r.ok for r in results), seq=trail.seq, controllers=results, first_difference=first
    )
