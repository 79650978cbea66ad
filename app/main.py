"""The ASGI application."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import anyio.to_thread
from fastapi import APIRouter, FastAPI

from app import health
from app.config import Settings, get_settings
from app.db import make_engine, make_sessionmaker
from app.errors import install_error_handlers
from app.middleware import install_middleware
from app.register.router import router as register_router

DESCRIPTION = """
A machine-readable register of what a public body does with personal data:
its services, data subjects, data categories, purposes, legislation, lawful
bases, recipients and the sharing arrangements that tie them together,
retention rules, national data collections and the rights of data subjects.

Reads are public. Errors are RFC 9457 problem details.
"""


def routers() -> list[APIRouter]:
    """Every router of the app, in matching order (specific paths first)."""
    return [health.router, register_router]


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    engine = make_engine(
        settings.database_url,
        pool_size=settings.db_pool_size,
        max_overflow=settings.db_max_overflow,
        pool_timeout=settings.db_pool_timeout,
    )

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        limiter = anyio.to_thread.current_default_thread_limiter()
        limiter.total_tokens = settings.thread_pool_size
        yield
        engine.dispose()

    app = FastAPI(
        title="Data Sharing Register",
        version="1.0.0",
        description=DESCRIPTION,
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.engine = engine
    app.state.sessionmaker = make_sessionmaker(engine)
    install_error_handlers(app)
    install_middleware(app, settings)
    for router in routers():
        app.include_router(router)
    return app


app = create_app()
