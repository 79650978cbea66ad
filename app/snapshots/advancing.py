"""A controller's next register content from its previous one and the events
between them.

Every audit event carries the entity's whole canonical state after the
change (the same state ``register_content`` reads from the tables; the
trail's reconciliation proves they agree), and a controller's data version
moves only with events naming it or naming no controller. So the content at
version ``new`` is the content at ``old`` with the ``after`` of each such
event in between put in place. After a write that is one or two states
instead of re-reading every row of the register: the sections the events
touch are rebuilt, the others are the previous content's own lists (contents
are shared read-only).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from app.register import entities as e
from app.register.data_versions import sees
from app.register.document import section_key, sort_states
from app.trail.models import AuditEvent

MAX_EVENTS = 200
"""Past this many events in between, re-reading the tables is as cheap."""

Event = tuple[str, str, dict[str, Any] | None]
"""Entity type name, slug, state after the event (``None``: deleted)."""


def events_between(
    session: Session, controller: str, old: tuple[int, str], new: int
) -> Sequence[Event] | None:
    """The events after ``old`` (sequence number, hash) up to ``new`` that move
    the controller's version, in order; ``None`` when the trail no longer holds
    ``old`` with that hash (a restored or rewritten database) or when there
    are more than ``MAX_EVENTS``. Writers are serialised on the chain head, so
    every event up to ``new`` is committed once ``new`` is."""
    seq, event_hash = old
    if not sees(session, seq, event_hash):
        return None
    rows = session.execute(
        select(AuditEvent.entity_type, AuditEvent.slug, AuditEvent.after)
        .where(
            AuditEvent.seq > seq,
            AuditEvent.seq <= new,
            or_(AuditEvent.controller == controller, AuditEvent.controller.is_(None)),
        )
        .order_by(AuditEvent.seq)
        .limit(MAX_EVENTS + 1)
    ).all()
    if len(rows) > MAX_EVENTS:
        return None
    return [(row.entity_type, row.slug, row.after) for row in rows]


def advanced(content: dict[str, Any], events: Sequence[Event]) -> dict[str, Any] | None:
    """``content`` with the events' states in place (``None``: the controller
    itself was deleted). Slugs never change (a rename is a create and a
    delete), so an event's slug names the entity before and after it."""
    controller = content["controller"]
    changed: defaultdict[str, dict[str, dict[str, Any] | None]] = defaultdict(dict)
    for entity_type, slug, after in events:
        if entity_type == e.CONTROLLERS.name:
            if after is None:
                return None
            controller = after
        elif entity_type in e.BY_NAME:
            changed[section_key(e.BY_NAME[entity_type])][slug] = after
        # Other events (publications) change no entity.
    result = {**content, "controller": controller}
    for key, states in changed.items():
        by_slug = {state["slug"]: state for state in content[key]}
        for slug, after in states.items():
            by_slug.pop(slug, None)
            if after is not None:
                by_slug[after["slug"]] = after
        result[key] = sort_states(list(by_slug.values()))
    return result
