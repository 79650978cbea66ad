"""What a cached answer depends on: one controller's data, or the whole register.

The response cache cannot know before routing which data an answer reads,
so the routed path declares it while it answers: the cache puts a
``Dependency`` in the request's ASGI scope, and a route (or the dependency
resolving its ``?controller=``) that reads exactly one explicitly named
controller says so with ``depends_on``. The entry is then stamped with that
controller's data version (``VersionWatcher.version_of``) and stays valid
while other controllers change. An answer that declares nothing depends on
the whole register (the global version): lists across controllers, reference
data, a controller chosen implicitly (the only one there is), past moments.
"""

from __future__ import annotations

from collections.abc import MutableMapping, Sequence
from typing import Any

SCOPE_KEY = "app.cache.dependency"


class Dependency:
    """The controller an answer was declared to depend on, if exactly one."""

    __slots__ = ("controller", "declared")

    def __init__(self) -> None:
        self.controller: str | None = None
        self.declared = False

    def on_controller(self, slug: str) -> None:
        if not self.declared:
            self.controller, self.declared = slug, True
        elif self.controller != slug:  # two different controllers: the whole register
            self.controller = None


def depends_on(
    scope: MutableMapping[str, Any], named: Sequence[str], *, as_of: object = None
) -> None:
    """Declare that the answer reads only the controller ``named`` (the
    request's ``?controller=`` values) and reference data. Anything but
    exactly one named controller, or a past moment (``as_of``: its stamps
    follow the whole trail), leaves the answer on the global version."""
    found = scope.get(SCOPE_KEY)
    if not isinstance(found, Dependency):
        return
    if len(named) == 1 and as_of is None:
        found.on_controller(named[0])
    else:
        found.controller, found.declared = None, True
