"""Liveness and readiness probes."""

from __future__ import annotations

from fastapi import APIRouter, Depends
from sqlalchemy import text
from starlette.responses import Response

from app.api.deps import only_params
from app.api.services import ServicesDep
from app.errors import problem_response

router = APIRouter(tags=["health"], dependencies=[Depends(only_params())])


@router.get("/healthz", summary="The process is up")
def healthz() -> dict[str, str]:
    return {"status": "ok"}


@router.get(
    "/readyz",
    summary="The database is reachable",
    response_model=None,
    responses={503: {"description": "The database is unreachable."}},
)
def readyz(services: ServicesDep) -> Response | dict[str, str]:
    try:
        with services.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception:
        return problem_response(
            503,
            "Service Unavailable",
            "The database is unreachable.",
            headers={"Retry-After": "5"},
            checks={"database": "unreachable"},
        )
    return {"status": "ok", "database": "ok"}
