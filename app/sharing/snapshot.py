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
from app.register.data_versions import Head, controller_version, head, sees
from app.register.entities import EntityType
from app.register.scope import ControllerScope
from app.register.service import list_entities
from app.register.trees import Tree

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
    hash: str = field(default="", compare=False)
    """The hash of the event at ``version``: which history it belongs to
    (``app.sharing.advancing`` continues it only along the same one)."""

    def check_known(self, param: str, label: str, slugs: Sequence[str]) -> None:
        unknown = [slug for slug in slugs if slug not in self.known[param]]
        if unknown:
            raise unknown_references(param, label, unknown)


def holds(session: Session, index: ControllerSharing, controller_slug: str) -> bool:
    """Whether ``index`` holds what ``session`` reads of its controller: the
    session sees the event the index was built at, along the same history
    (its hash), and no event of the controller or of reference data after it.
    Two lookups by key, where reading a recipient's arrangements from the
    tables decodes each of them again."""
    if not sees(session, index.version, index.hash):
        return False
    return controller_version(session, controller_slug).seq <= index.version


def recipient_arrangements(
    index: ControllerSharing, session: Session, recipient: m.Recipient, controller_slug: str
) -> list[dict[str, Any]] | None:
    """A recipient's arrangements as listed, from its controller's index when
    that index ``holds`` what ``session`` reads; else ``None`` (the caller reads
    the tables). The items are the index's own: read-only."""
    if index.controller_id != recipient.controller_id:
        return None
    if not holds(session, index, controller_slug):
        return None
    return [item for item in index.items if item["recipient"] == recipient.slug]


def read(
    session: Session,
    controller_id: int,
    controller_slug: str,
    named: Mapping[str, EntityType],
) -> ControllerSharing:
    """Everything a controller's ``/sharing`` queries need, read in one
    snapshot; ``named``: the entity type each filter naming entities names."""
    version = head(session)
    page = list_entities(
        session,
        e.SHARING,
        scope=ControllerScope.of({controller_id: controller_slug}),
        limit=UNLIMITED,
        offset=0,
    )
    categories, special = category_facts(session, controller_id)
    return assembled(
        controller_id,
        version,
        tuple(page.items),
        known={param: known_slugs(session, et, controller_id) for param, et in named.items()},
        categories=categories,
        special=special,
        laws=law_tree(session, controller_id),
    )


def assembled(
    controller_id: int,
    version: Head,
    items: tuple[dict[str, Any], ...],
    *,
    known: dict[str, frozenset[str]],
    categories: Tree[str],
    special: frozenset[str],
    laws: Tree[str],
) -> ControllerSharing:
    return ControllerSharing(
        controller_id=controller_id,
        version=version.seq,
        items=items,
        known=known,
        categories=categories,
        special=special,
        laws=laws,
        size=len(orjson.dumps(items)) * 2 + 10_000,
        hash=version.hash,
    )


def known_slugs(session: Session, entity_type: EntityType, controller_id: int) -> frozenset[str]:
    model = entity_type.model
    query = select(model.slug).where(*entity_type.of_controller(controller_id))
    return frozenset(session.scalars(query))


def category_facts(session: Session, controller_id: int) -> tuple[Tree[str], frozenset[str]]:
    """The data categories' groups, and the special categories."""
    dc = m.DataCategory
    rows = session.execute(
        select(dc.slug, dc.group_id, dc.special_category, dc.id).where(
            dc.controller_id == controller_id
        )
    ).all()
    slug = {row.id: row.slug for row in rows}
    tree = Tree.of((r.slug, slug.get(r.group_id)) for r in rows)
    return tree, frozenset(r.slug for r in rows if r.special_category)


def law_tree(session: Session, controller_id: int) -> Tree[str]:
    """Acts and the sections and regulations that are part of them."""
    law = m.Legislation
    rows = session.execute(
        select(law.id, law.slug, law.part_of_id).where(law.controller_id == controller_id)
    ).all()
    slug = {row.id: row.slug for row in rows}
    return Tree.of((r.slug, slug.get(r.part_of_id)) for r in rows)
