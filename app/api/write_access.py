"""Authentication and authorisation of write requests.

Reads are public. Writes need ``Authorization: Bearer <key>`` with the right
scope, and a key limited to one controller may only change that controller.
Every refusal is answered with problem details and recorded (without the
key) in ``security_events``, in a transaction of its own so that it is kept
even though the request changes nothing.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated, NoReturn

from fastapi import Depends, Request
from sqlalchemy.exc import SQLAlchemyError

from app.api.deps import ControllerParam, ReadSession
from app.api.services import services
from app.auth.keys import Scope, authenticate, existing_key_id
from app.auth.models import SecurityEvent
from app.errors import InvalidInput, ProblemError, Problems
from app.register.paging import split_values
from app.register.scope import controller_id, single_controller
from app.trail.chain import Actor

REALM = 'Bearer realm="sharing-register"'
logger = logging.getLogger("app.auth")


@dataclass(frozen=True)
class Principal:
    """The key a write request was made with."""

    pk: int
    key_id: str
    name: str
    scopes: frozenset[str]
    controller_id: int | None

    @property
    def actor(self) -> Actor:
        return Actor(type="api_key", name=self.name, id=self.key_id)


def request_id(request: Request) -> str:
    """The request's id: set by the logging layer, sent by the client, or new."""
    rid = getattr(request.state, "request_id", None) or request.headers.get("x-request-id")
    if not rid or len(rid) > 100:
        rid = uuid.uuid4().hex
    request.state.request_id = rid
    return str(rid)


def save_refusal(request: Request) -> None:
    """Persist the refusal noted on this request, if any.

    Called by the error handler once the request's own transaction is over
    (it may hold the writers' lock), in a transaction of its own.
    """
    event: SecurityEvent | None = getattr(request.state, "refusal", None)
    if event is None:
        return
    request.state.refusal = None
    factory = services(request).sessions
    try:
        with factory() as session:
            session.add(event)
            session.commit()
    except SQLAlchemyError:  # the database is down: still answer the refusal
        logger.warning("could not record a refused request", exc_info=True)


def refuse(
    request: Request,
    status: int,
    reason: str,
    *,
    key_id: str | None = None,
    error: str | None = None,
) -> NoReturn:
    request.state.refusal = SecurityEvent(
        occurred_at=datetime.now(UTC),
        status_code=status,
        reason=reason,
        key_id=key_id,
        method=request.method,
        path=request.url.path[:2000],
        client=request.client.host if request.client else None,
        request_id=request_id(request),
    )
    headers = {}
    if status == 401:
        headers["WWW-Authenticate"] = REALM + (f', error="{error}"' if error else "")
    raise ProblemError(
        reason,
        problem=Problems.UNAUTHENTICATED if status == 401 else Problems.FORBIDDEN,
        headers=headers,
    )


def require_scope(scope: Scope | str) -> Callable[[Request], Principal]:
    wanted = Scope(scope).value

    def dependency(request: Request) -> Principal:
        limiter = services(request).auth_limiter
        client = request.client.host if request.client else "unknown"
        header = request.headers.get("authorization", "")
        scheme, _, token = header.partition(" ")
        bearer = scheme.lower() == "bearer" and bool(token.strip())
        factory = services(request).sessions
        with factory() as session:
            named = existing_key_id(session, token.strip()) if bearer else None
            wait = limiter.retry_after(session, client, named)
            if wait is not None:
                raise ProblemError(
                    "Too many failed authentications from this client: try again later.",
                    problem=Problems.TOO_MANY_FAILED_AUTHENTICATIONS,
                    headers={"Retry-After": str(wait)},
                )
            if not bearer:
                refuse(request, 401, "This request needs an API key: Authorization: Bearer <key>.")
            key = authenticate(session, token.strip())
            if key is None:
                refuse(
                    request,
                    401,
                    "The API key is not valid or has been revoked.",
                    key_id=named,
                    error="invalid_token",
                )
            principal = Principal(
                pk=key.id,
                key_id=key.key_id,
                name=key.name,
                scopes=frozenset(key.scopes),
                controller_id=key.controller_id,
            )
        if wanted not in principal.scopes:
            refuse(
                request, 403, f"The API key lacks the scope {wanted!r}.", key_id=principal.key_id
            )
        request.state.principal = principal
        return principal

    dependency.required_scope = wanted  # type: ignore[attr-defined]  # read by app.contract
    return dependency


def require_controller(request: Request, principal: Principal, controller_id: int | None) -> None:
    """A key limited to one controller may only touch that controller's entries
    (and never global reference data or the list of controllers)."""
    if principal.controller_id is not None and principal.controller_id != controller_id:
        refuse(
            request, 403, "The API key is limited to another controller.", key_id=principal.key_id
        )


RegisterWriter = Annotated[Principal, Depends(require_scope(Scope.REGISTER_WRITE))]


def writable_controller(
    request: Request,
    principal: RegisterWriter,
    session: ReadSession,
    controller: ControllerParam = (),
) -> int:
    """The id of the controller a write is for (named, the key's own, or the
    only one), authorised before the request body is even validated."""
    slugs = split_values(controller)
    if len(slugs) > 1:
        raise InvalidInput(
            "Name one controller.",
            errors=[{"field": "controller", "msg": "one controller only", "type": "too_long"}],
        )
    if slugs:
        target_id = controller_id(session, slugs[0])
    elif principal.controller_id is not None:
        target_id = principal.controller_id
    else:
        target_id = single_controller(session, None).id
    require_controller(request, principal, target_id)
    return target_id


WritableController = Annotated[int, Depends(writable_controller)]
KeysAdmin = Annotated[Principal, Depends(require_scope(Scope.KEYS_ADMIN))]
