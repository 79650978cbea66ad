"""The change log page: the audit trail of one controller, newest first.

Lawful bases belong to no controller (their events carry no controller), so
they appear in every controller's log: they change what every notice says.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from app.errors import InvalidInput, NotFound
from app.register import entities as e
from app.trail.chain import as_utc
from app.trail.models import AuditEvent
from app.web.register_view import SECTION_OF

PER_PAGE = 50
ACTIONS = {"create": "Added", "update": "Changed", "delete": "Removed"}
IGNORED_FIELDS = frozenset({"position"})


@dataclass(frozen=True)
class Change:
    seq: int
    occurred_at: datetime
    action: str
    entity_type: str
    label: str
    slug: str
    name: str
    fields: list[str]
    actor: str

    @property
    def linkable(self) -> bool:
        """Whether the entry has a page now (it exists, and is not a controller
        or an event about something else, such as a publication)."""
        return self.action != "Removed" and self.entity_type in SECTION_OF


@dataclass(frozen=True)
class ChangePage:
    changes: list[Change]
    total: int
    page: int
    pages: int


def parse_page(raw: str | None) -> int:
    if raw is None or raw == "":
        return 1
    if not (raw.isascii() and raw.isdigit()) or not 1 <= int(raw) <= 1_000_000:
        raise InvalidInput(
            "page must be a whole number from 1.",
            errors=[{"field": "page", "msg": "not a page number", "type": "int_parsing"}],
        )
    return int(raw)


def changed_fields(before: dict[str, Any] | None, after: dict[str, Any] | None) -> list[str]:
    if before is None or after is None:
        return []
    keys = sorted(set(before) | set(after))
    return [k for k in keys if k not in IGNORED_FIELDS and before.get(k) != after.get(k)]


def change_page(session: Session, controller: str, page: int) -> ChangePage:
    scope = or_(AuditEvent.controller == controller, AuditEvent.controller.is_(None))
    total = session.scalar(select(func.count()).select_from(AuditEvent).where(scope)) or 0
    pages = max(1, -(-total // PER_PAGE))
    if page > pages:
        raise NotFound(f"The change log has {pages} page(s); there is no page {page}.")
    rows = session.scalars(
        select(AuditEvent)
        .where(scope)
        .order_by(AuditEvent.seq.desc())
        .limit(PER_PAGE)
        .offset((page - 1) * PER_PAGE)
    ).all()
    changes = []
    for row in rows:
        state = row.after or row.before or {}
        entity_type = e.BY_NAME.get(row.entity_type)
        changes.append(
            Change(
                seq=row.seq,
                occurred_at=as_utc(row.occurred_at),
                action=ACTIONS.get(row.action, row.action),
                entity_type=row.entity_type,
                label=entity_type.label if entity_type else row.entity_type,
                slug=row.slug,
                name=str(state.get("name") or row.slug),
                fields=changed_fields(row.before, row.after),
                actor=row.actor_name,
            )
        )
    return ChangePage(changes, total, page, pages)
