"""``GET /metrics``: Prometheus scrapes this."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from starlette.responses import Response

from app.api.deps import only_params
from app.observability.metrics import Metrics

router = APIRouter(tags=["operations"])


@router.get(
    "/metrics",
    summary="Request counts and latencies per route, in the Prometheus text format",
    response_class=Response,
    dependencies=[Depends(only_params())],
    responses={200: {"content": {"text/plain": {}}, "description": "Prometheus exposition."}},
)
def metrics(request: Request) -> Response:
    collected: Metrics = request.app.state.metrics
    body, media_type = collected.exposition()
    return Response(body, media_type=media_type, headers={"Cache-Control": "no-store"})
