"""One controller's arrangements as served, with what the in-memory filters read.

Schools' systems ask the same controller's arrangements again and again with
different filters. Loading 50 arrangements with their links through the ORM
costs ~12 ms per request; a controller's whole list is a few hundred small
dicts. So, per controller and per data version, the arrangements are built
once (by the same code as the SQL path, in the same order) together with
what the filters need (category groups, parts of Acts, special categories,
known slugs), and each request filters them in memory (``app.sharing.memory``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import orjson
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.errors import unknown_references
from app.register import entities as e
from app.register import models as m
from app.register.entities import EntityType
from app.register.scope import ControllerScope
from app.register.service import list_entities
from app.register.trees import Tree
from app.trail.models import ChainHead

UNLIMITED = 1_000_000_000


@dataclass(frozen=True)
class ControllerSharing:
    """One controller's arrangements, as served, at one data version."""

    controller_id: int
    version: int
    items: tuple[dict[str, Any], ...]
    known: dict[str, frozenset[str]]
    """The slugs each filter naming entities may name, by filter."""
    categories: Tree[str]
    special: frozenset[str]
    laws: Tree[str]
    size: int = field(default=0, compare=False)

    def check_known(self, param: str, label: str, slugs: Sequence[str]) -> None:
        unknown = [slug for slug in slugs if slug not in self.known[param]]
        if unknown:
            raise unknown_references(param, label, unknown)


def _slugs(session: Session, entity_type: EntityType, controller_id: int) -> frozenset[str]:
    model = entity_type.model
    query = select(model.slug).where(*entity_type.of_controller(controller_id))
    return frozenset(session.scalars(query))


def read(
    session: Session,
    controller_id: int,
    controller_slug: str,
    named: Mapping[str, EntityType],
) -> ControllerSharing:
    """Everything a controller's ``/sharing`` queries need, read in one
    snapshot; ``named``: the entity type each filter naming entities names."""
    version = session.scalar(select(ChainHead.seq)) or 0
    page = list_entities(
        session,
        e.SHARING,
        scope=ControllerScope.of({controller_id: controller_slug}),
        limit=UNLIMITED,
        offset=0,
    )
    dc, law = m.DataCategory, m.Legislation
    categories = session.execute(
        select(dc.slug, dc.group_id, dc.special_category, dc.id).where(
            dc.controller_id == controller_id
        )
    ).all()
    category_slug = {row.id: row.slug for row in categories}
    laws = session.execute(
        select(law.id, law.slug, law.part_of_id).where(law.controller_id == controller_id)
    ).all()
    law_slug = {row.id: row.slug for row in laws}
    items = tuple(page.items)
    return ControllerSharing(
        controller_id=controller_id,
        version=version,
        items=items,
        known={param: _slugs(session, et, controller_id) for param, et in named.items()},
        categories=Tree.of((r.slug, category_slug.get(r.group_id)) for r in categories),
        special=frozenset(r.slug for r in categories if r.special_category),
        laws=Tree.of((r.slug, law_slug.get(r.part_of_id)) for r in laws),
        size=len(orjson.dumps(items)) * 2 + 10_000,
    )
