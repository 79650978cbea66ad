"""Request ids, structured JSON logs and Prometheus metrics."""

from __future__ import annotations

from fastapi import FastAPI

from app.observability.metrics import Metrics
from app.observability.middleware import ObservabilityMiddleware


def install(app: FastAPI, metrics: Metrics) -> None:
    """Add the layer; call it last in ``install_middleware`` (outermost)."""
    app.add_middleware(ObservabilityMiddleware, metrics=metrics)
