"""``GET /metrics``: Prometheus scrapes this."""

from __future__ import annotations

from fastapi import APIRouter, Depends
from starlette.responses import Response

from app.api.deps import only_params
from app.api.services import ServicesDep

router = APIRouter(tags=["operations"])


@router.get(
    "/metrics",
    summary="Request counts and latencies per route, in the Prometheus text format",
    response_class=Response,
    dependencies=[Depends(only_params())],
    responses={200: {"content": {"text/plain": {}}, "description": "Prometheus exposition."}},
)
def metrics(services: ServicesDep) -> Response:
    body, media_type = services.metrics.exposition()
    return Response(body, media_type=media_type, headers={"Cache-Control": "no-store"})
