"""Request ids, structured JSON logs and Prometheus metrics."""

from __future__ import annotations

from fastapi import FastAPI

from app.observability.metrics import Metrics
from app.observability.middleware import ObservabilityMiddleware


def install(app: FastAPI) -> None:
    """Add the layer; call it last in ``install_middleware`` (outermost)."""
    app.state.metrics = Metrics()
    app.add_middleware(ObservabilityMiddleware, metrics=app.state.metrics)
