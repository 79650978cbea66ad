"""Request metrics in the Prometheus text format (prometheus-client).

Labels are bounded: the route *template* (``/api/v1/recipients/{slug}``,
never the raw path), a known method or ``OTHER``, and the status code. A
path no route matches is counted as ``<unmatched>``, so scanning random URLs
cannot grow the series.

Each app has its own registry (tests build many apps). With several
uvicorn workers, set ``PROMETHEUS_MULTIPROC_DIR`` (``sharing-register
serve --workers N`` does) and every worker reports the sum of all of them.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
)
from starlette.routing import BaseRoute
from starlette.types import Scope

METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
UNMATCHED = "<unmatched>"
BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self.requests = Counter(
            "http_requests",
            "HTTP requests answered, by route template, method and status.",
            ["method", "route", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "http_request_duration_seconds",
            "Time from receiving a request to sending the end of its response.",
            ["method", "route"],
            buckets=BUCKETS,
            registry=self.registry,
        )
        self.in_progress = Gauge(
            "http_requests_in_progress",
            "Requests being answered.",
            registry=self.registry,
            multiprocess_mode="livesum",
        )
        self.routes = RouteNames()
        # Labelled children, looked up once: ``labels()`` costs more than the count.
        self._counters: dict[tuple[str, str, int], Any] = {}
        self._timers: dict[tuple[str, str], Any] = {}

    def observe(self, scope: Scope, status: int, seconds: float) -> None:
        method = scope["method"] if scope["method"] in METHODS else "OTHER"
        route = self.routes.name(scope)
        counter = self._counters.get((method, route, status))
        if counter is None:
            counter = self._counters[method, route, status] = self.requests.labels(
                method, route, str(status)
            )
        counter.inc()
        timer = self._timers.get((method, route))
        if timer is None:
            timer = self._timers[method, route] = self.latency.labels(method, route)
        timer.observe(seconds)

    def exposition(self) -> tuple[bytes, str]:
        if os.environ.get(MULTIPROC_ENV):
            registry = CollectorRegistry()
            multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
            return generate_latest(registry), CONTENT_TYPE_LATEST
        return generate_latest(self.registry), CONTENT_TYPE_LATEST


class RouteNames:
    """The template of the route a request path belongs to, remembered per
    path (bounded). Resolved here rather than read from the scope because
    layers such as the response cache answer without reaching the router,
    or pass it a copy of the scope."""

    def __init__(self, max_entries: int = 4096) -> None:
        self.max_entries = max_entries
        self._known: dict[tuple[str, str], str] = {}
        self._routes: list[BaseRoute] | None = None

    def name(self, scope: Scope) -> str:
        key = (scope["method"], scope["path"])
        name = self._known.get(key)
        if name is None:
            name = self._resolve(scope)
            if len(self._known) >= self.max_entries:
                self._known.clear()
            self._known[key] = name
        return name

    def _resolve(self, scope: Scope) -> str:
        if self._routes is None:
            app: Any = scope.get("app")
            self._routes = list(flat_routes(getattr(app, "routes", [])))
        partial: str | None = None
        for route in self._routes:
            if route.path_regex.match(scope["path"]) is None:  # type: ignore[attr-defined]
                continue
            template: str = route.path_format  # type: ignore[attr-defined]
            methods = getattr(route, "methods", None)
            if not methods or scope["method"] in methods:
                return template
            if partial is None:
                partial = template  # the path exists, the method does not (405)
        return partial or UNMATCHED


def flat_routes(routes: list[BaseRoute]) -> Iterator[BaseRoute]:
    """Every matchable route in matching order, descending into included
    routers (FastAPI keeps them as one entry with the ``original_router``)."""
    for route in routes:
        inner = getattr(route, "original_router", None)
        if inner is not None:
            yield from flat_routes(inner.routes)
        elif hasattr(route, "path_regex") and hasattr(route, "path_format"):
            yield route


@contextmanager
def multiprocess_metrics(workers: int) -> Iterator[None]:
    """Give the worker processes about to be spawned a shared directory for
    their metrics (unless one is configured), removed when they are done."""
    if workers <= 1 or os.environ.get(MULTIPROC_ENV):
        yield
        return
    with tempfile.TemporaryDirectory(prefix="sharing-register-metrics-") as path:
        os.environ[MULTIPROC_ENV] = path
        try:
            yield
        finally:
            del os.environ[MULTIPROC_ENV]
