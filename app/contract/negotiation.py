"""406 for an ``Accept`` the API resource cannot serve.

The media types a route can answer with are those it declares (its response
class and the content of its 2xx responses). A request under ``/api/`` whose
``Accept`` admits none of them (no matching range with a non-zero ``q``) is
answered 406, as problem details (RFC 9457 lets a problem be sent whatever
``Accept`` says). Requests without ``Accept``, or admitting ``*/*``, cost a
dictionary lookup.
"""

from __future__ import annotations

from fastapi import Request
from fastapi.routing import APIRoute

from app.accept import weighted
from app.errors import ProblemError, Problems

API_PREFIX = "/api/"
_served: dict[int, tuple[APIRoute, frozenset[str]]] = {}
"""Per route, by identity (routes are not hashable; they live as long as the app)."""


def served_types(route: APIRoute) -> frozenset[str]:
    entry = _served.get(id(route))
    found = entry[1] if entry is not None and entry[0] is route else None
    if found is None:
        types = set()
        response_class = getattr(route.response_class, "value", route.response_class)
        media_type = getattr(response_class, "media_type", None)
        if isinstance(media_type, str):
            types.add(media_type)
        for status, response in route.responses.items():
            if str(status).startswith("2"):
                types.update(response.get("content", {}))
        if not types:
            types.add("application/json")
        found = frozenset(t.split(";")[0].strip().lower() for t in types)
        _served[id(route)] = (route, found)
    return found


def ranges(accept: str) -> list[str]:
    """The media ranges of ``Accept`` with a non-zero quality; ``*/*`` when it
    only excludes (every range at ``q=0``): RFC 9110 (12.5.1) lets a server
    disregard the header rather than answer 406, and a client that only says
    what it does not want takes the rest."""
    admitted = []
    excluded = False
    for media_range, quality in weighted(accept):
        if quality > 0:
            admitted.append(media_range)
        else:
            excluded = True
    return admitted if admitted or not excluded else ["*/*"]


def admits(media_range: str, media_type: str) -> bool:
    if media_range in ("*/*", media_type):
        return True
    kind, _, sub = media_range.partition("/")
    return sub == "*" and media_type.startswith(kind + "/")


async def acceptable(request: Request) -> None:  # async: no I/O, no thread-pool hop
    accept = request.headers.get("accept")
    if not accept or "*/*" in accept or not request.url.path.startswith(API_PREFIX):
        return
    route = request.scope.get("route")
    if not isinstance(route, APIRoute):
        return
    served = served_types(route)
    wanted = ranges(accept)
    if not any(admits(r, t) for r in wanted for t in served):
        raise ProblemError(
            f"This resource is served as {', '.join(sorted(served))}; Accept admits none of them.",
            problem=Problems.NOT_ACCEPTABLE,
        )
