"""405 with the methods the path really has, and ``OPTIONS`` answered with them.

Starlette answers a method a path lacks with the ``Allow`` of the first route
whose path matched, and FastAPI makes one route per operation: ``DELETE
/api/v1/recipients/nexus`` exists, yet ``PUT`` on that path said
``Allow: GET``. Here every route matching the path counts. ``OPTIONS`` (which
no route declares) gets 204 with the same ``Allow``; a CORS preflight never
reaches this (the CORS layer answers it).
"""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.routing import iter_route_contexts
from starlette.responses import Response
from starlette.routing import Match

from app.errors import Problems, problem

ORDER = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")


def allowed_methods(app: FastAPI, request: Request) -> list[str]:
    methods: set[str] = set()
    for context in iter_route_contexts(app.routes):
        if context.methods:
            match, _ = context.matches(request.scope)
            if match is not Match.NONE:  # PARTIAL: the path matches, the method does not
                methods |= context.methods
    if "GET" in methods:
        methods.add("HEAD")
    methods.add("OPTIONS")
    return sorted(methods, key=lambda m: ORDER.index(m) if m in ORDER else len(ORDER))


def install(app: FastAPI) -> None:
    async def method_not_allowed(request: Request, _exc: Exception) -> Response:
        allow = ", ".join(allowed_methods(app, request))
        if request.method == "OPTIONS":
            return Response(status_code=204, headers={"Allow": allow})
        return problem(
            Problems.METHOD_NOT_ALLOWED,
            f"{request.method} is not a method of this path; it has {allow}.",
            instance=request.url.path,
            headers={"Allow": allow},
        )

    app.add_exception_handler(405, method_not_allowed)
