"""The ASGI application."""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any, cast

import anyio.to_thread
from fastapi import APIRouter, Depends, FastAPI
from starlette.types import ASGIApp
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from app.api.services import Services
from app.api.write_access import save_refusal
from app.cache import routed_concurrency
from app.config import Settings, get_settings
from app.contract import install as install_contract
from app.contract.negotiation import acceptable
from app.errors import install_error_handlers
from app.fast_hits import FastHits
from app.middleware import install_middleware
from app.routes import health
from app.routes.changes import router as audit_router
from app.routes.completeness import router as completeness_router
from app.routes.exports import router as exports_router
from app.routes.history import router as history_router
from app.routes.keys import router as keys_router
from app.routes.log import router as log_router
from app.routes.metrics import router as metrics_router
from app.routes.register import router as register_router
from app.routes.sharing_links import router as sharing_links_router
from app.routes.writes import router as write_router
from app.web.router import router as web_router

DESCRIPTION = """
A machine-readable register of what a public body does with personal data:
its services, data subjects, data categories, purposes, legislation, lawful
bases, recipients and the sharing arrangements that tie them together,
retention rules, national data collections and the rights of data subjects.

Reads are public. Errors are RFC 9457 problem details.
"""


def routers() -> list[APIRouter]:
    """Every router of the app, in matching order (specific paths first)."""
    return [
        health.router,
        metrics_router,
        history_router,
        completeness_router,
        exports_router,
        audit_router,
        log_router,
        keys_router,
        register_router,
        sharing_links_router,
        write_router,
        web_router,
    ]


class RegisterApp(FastAPI):
    """FastAPI with two layers outside Starlette's own error middleware: cache
    hits answered before any other layer runs (``app.fast_hits``), and, when
    proxies are trusted, their headers applied before even that."""

    services: Services

    def build_middleware_stack(self) -> ASGIApp:
        stack = super().build_middleware_stack()
        settings = self.services.settings
        cache = self.services.cache
        if cache.enabled:
            stack = FastHits(stack, lookup=cache.lookup, metrics=self.services.metrics)
        if settings.forwarded_allow_ips:  # every layer sees the client's address
            # uvicorn types ASGI apps with its own protocol classes: a boundary.
            proxied: Any = ProxyHeadersMiddleware(
                cast(Any, stack), trusted_hosts=settings.forwarded_allow_ips
            )
            stack = proxied
        return stack


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    services = Services.build(settings)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        # More threads than admitted requests (app/cache/admission.py): an
        # admitted request never waits for a thread.
        limiter = anyio.to_thread.current_default_thread_limiter()
        limiter.total_tokens = max(settings.thread_pool_size, routed_concurrency(settings) + 4)
        # Everything built at start-up lives as long as the process: keep it out
        # of the collector's full passes, which were most of the p99 at scale.
        gc.collect()
        gc.freeze()
        yield
        services.close()

    app = RegisterApp(
        title="Data Sharing Register",
        version="1.0.0",
        description=DESCRIPTION,
        lifespan=lifespan,
        # Served by app.contract (validators, compression, offline docs; 406).
        dependencies=[Depends(acceptable)],
        openapi_url=None,
        docs_url=None,
        redoc_url=None,
        # Metrics and request ids are the app's own (app.observability); FastAPI's
        # OpenTelemetry hooks otherwise check their providers on every request.
        telemetry={"tracing": False, "metrics": False, "logs": False},
    )
    app.services = services
    app.state.services = services
    install_error_handlers(app, record_refusal=save_refusal)
    install_middleware(app, services)
    for router in routers():
        app.include_router(router)
    install_contract(app, settings)
    return app


app = create_app()
