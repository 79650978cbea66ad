"""Details served from what a process keeps: the controller's register
snapshot (``app.snapshots.current``) and ``/sharing`` index
(``app.sharing.index``).

An item is a lookup in the controller's kept snapshot when that snapshot is
the current one (the register, exports and pages keep it current, advancing it
by the events after a write); a recipient's arrangements are the items of the
controller's kept index with that recipient, the index brought up to date by
events first, where the tables would decode each of them again. Neither is
ever built whole for a detail. What is kept answers only when it holds exactly
what the request's transaction reads (``RecentSnapshots.kept`` compares the
controller's version read in it; ``app.sharing.snapshot.holds``), so a
detail's bytes and ETag are those of the tables either way.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends
from sqlalchemy.orm import Session

from app.api.deps import ControllerParam
from app.api.services import ServicesDep
from app.register import models as m
from app.register.document import section_key
from app.register.entities import EntityType
from app.register.paging import split_values
from app.register.scope import ControllerScope, only_controller
from app.register.service import Kept
from app.sharing.index import current_index
from app.sharing.snapshot import ControllerSharing, recipient_arrangements
from app.snapshots.current import RecentSnapshots


@dataclass(frozen=True)
class KeptReadings:
    """``app.register.service.Kept`` over this process's snapshots and, for a
    recipient's details, its controller's index as brought up to date."""

    snapshots: RecentSnapshots
    index: ControllerSharing | None = None

    def state(
        self, session: Session, entity_type: EntityType, slug: str, scope: ControllerScope
    ) -> dict[str, Any] | None:
        controller = only_controller(session, scope)
        if controller is None:
            return None  # several controllers: which one owns the slug is the tables' answer
        snapshot = self.snapshots.kept(session, controller)
        found = None if snapshot is None else snapshot.state(section_key(entity_type), slug)
        return None if found is None else {**found, "controller": controller.slug}

    def arrangements(
        self, session: Session, recipient: m.Recipient, controller_slug: str
    ) -> list[dict[str, Any]] | None:
        if self.index is None:
            return None
        return recipient_arrangements(self.index, session, recipient, controller_slug)


async def kept_readings(services: ServicesDep) -> Kept:
    return KeptReadings(services.snapshots)


async def kept_with_index(services: ServicesDep, controller: ControllerParam = ()) -> Kept:
    """With the named controller's kept ``/sharing`` index brought up to date
    here, before the request takes its connection (one connection a request:
    ``app.cache.admission``). No index is built whole for a detail: for a
    recipient of a few arrangements that costs more than the tables."""
    named = split_values(controller)
    watcher = services.cache.watcher
    index = await current_index(services.sharing, watcher, named, kept_only=True)
    return KeptReadings(services.snapshots, index)


KeptDep = Annotated[Kept, Depends(kept_readings)]
KeptWithIndexDep = Annotated[Kept, Depends(kept_with_index)]
