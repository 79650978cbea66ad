"""A recipient's details list its arrangements from what the process keeps:
its controller's ``/sharing`` index (``app.sharing.index``), brought up to
date by the events after a write, where the tables would decode each of them
again. The index answers only when it holds exactly what the request's
transaction reads (``app.sharing.snapshot.holds``), so the details' bytes and
ETag are those of the tables either way.
"""

from __future__ import annotations

from functools import partial
from typing import Annotated

from fastapi import Depends

from app.api.deps import ControllerParam
from app.api.services import ServicesDep
from app.register.paging import split_values
from app.register.service import KeptArrangements
from app.sharing.index import current_index
from app.sharing.snapshot import recipient_arrangements


async def kept_arrangements(
    services: ServicesDep, controller: ControllerParam = ()
) -> KeptArrangements | None:
    """The named controller's kept index, brought up to date here, before the
    request takes its connection (one connection a request:
    ``app.cache.admission``). No index is built whole for a detail: for a
    recipient of a few arrangements that costs more than the tables."""
    named = split_values(controller)
    watcher = services.cache.watcher
    index = await current_index(services.sharing, watcher, named, kept_only=True)
    return None if index is None else partial(recipient_arrangements, index)


KeptArrangementsDep = Annotated[KeptArrangements | None, Depends(kept_arrangements)]
