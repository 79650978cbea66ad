"""The ASGI layers around the app, in one place so their order is explicit.

Starlette wraps the router with each middleware added; the last one added is
the outermost. Layers that add headers must sit outside layers that answer
early (the response cache), so that every response carries them.
"""

from __future__ import annotations

from fastapi import FastAPI

from app.api.expensive import ExpensiveReads
from app.api.services import Services
from app.cache import install as install_response_cache
from app.head import HeadAsGet
from app.limits import install as install_limits
from app.observability import install as install_observability
from app.security_headers import ReadOnlyCORSMiddleware, SecurityHeadersMiddleware
from app.web import embed


def install_middleware(app: FastAPI, services: Services) -> None:
    """Innermost first."""
    settings = services.settings
    # 1. response cache for hot public reads (performance)
    install_response_cache(app, services.cache, settings)
    # 1a. HEAD answered as GET without the body (cached like the GET)
    app.add_middleware(HeadAsGet)
    # 1b. body size (413), JSON only (415), no NUL; a problem even for an escaped error
    install_limits(app, settings)
    # 1c. expensive reads (verify, as_of, diff) a few at a time: cheap ones keep their latency
    app.add_middleware(
        ExpensiveReads,
        limit=settings.expensive_concurrency,
        max_waiting=settings.expensive_max_waiting,
    )
    # 2. CORS: any origin may GET the read endpoints; nothing else
    app.add_middleware(ReadOnlyCORSMiddleware)
    # 3. security headers, CSP, framing rules
    app.add_middleware(SecurityHeadersMiddleware, embed_style_hashes=embed.STYLE_HASHES)
    # 4. request id, structured access logs, metrics (outermost)
    install_observability(app, services.metrics)
