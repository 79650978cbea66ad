"""``serve``: migrate, seed an empty database, and serve under uvicorn."""

from __future__ import annotations

import argparse

from app.cli.database import seed
from app.config import Settings
from app.migrate import upgrade


def where(host: str, port: int) -> str:
    """The first line ``serve`` prints: where to look."""
    shown = f"[{host}]" if ":" in host else host
    base = f"http://{'127.0.0.1' if host == '0.0.0.0' else shown}:{port}"
    return (
        f"Data Sharing Register: pages {base}/ · API docs {base}/docs · "
        f"the whole register {base}/api/v1/register"
    )


def cmd_serve(settings: Settings, args: argparse.Namespace) -> int:
    import logging.config

    import uvicorn

    print(where(args.host, args.port), flush=True)

    from app.observability.logs import logging_config
    from app.observability.metrics import multiprocess_metrics

    log_config = logging_config(settings.log_level, access_log=args.access_log)
    logging.config.dictConfig(log_config)
    upgrade(settings.database_url)
    if not args.no_seed and seed(settings, only_if_empty=True) != 0:
        return 1
    with multiprocess_metrics(args.workers):  # /metrics then sums every worker
        uvicorn.run(
            "app.main:app",
            host=args.host,
            port=args.port,
            workers=args.workers,
            access_log=False,  # JSON access lines come from the app (app.access)
            log_config=log_config,
            proxy_headers=False,  # the app trusts FORWARDED_ALLOW_IPS itself (app.main)
        )
    return 0
