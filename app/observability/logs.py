"""Structured logs: one JSON object per line, each carrying the id of the
request it was written for (``null`` outside a request).

The id travels in a context variable set by the request layer
(``app.observability.middleware``); Starlette runs sync endpoints in worker
threads with a copy of the context, so their log lines carry it too.

API keys must never reach a log: every line is scrubbed of anything shaped
like a key or an ``Authorization`` credential before it is written, whoever
logged it (a traceback, a library, a careless ``%r`` of the headers).
"""

from __future__ import annotations

import logging
import re
import traceback
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

import orjson

request_id_var: ContextVar[str | None] = ContextVar("request_id", default=None)

KEY_PATTERN = re.compile(r"\b(dsr_[0-9A-Za-z]{1,64})_[A-Za-z0-9_\-]{4,}")
CREDENTIAL_PATTERN = re.compile(r"(?i)\b(bearer|basic)(\s+)[A-Za-z0-9._~+/=\-]{4,}")
REDACTED = "[redacted]"

# Attributes every LogRecord has; anything else was passed with ``extra=``.
_STANDARD = frozenset(
    vars(logging.LogRecord("", 0, "", 0, "", (), None)).keys() | {"message", "asctime"}
)


def scrub(text: str) -> str:
    """Remove API keys and credentials from a line about to be written."""
    if "dsr_" in text:
        text = KEY_PATTERN.sub(rf"\1_{REDACTED}", text)
    return CREDENTIAL_PATTERN.sub(rf"\1\2{REDACTED}", text)


class RequestIdFilter(logging.Filter):
    """Stamps each record with the current request's id (on handlers, so it
    also applies to records propagated from any logger)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = request_id_var.get()
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "pid": record.process,
            "request_id": getattr(record, "request_id", None) or request_id_var.get(),
            "msg": record.getMessage(),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD and key not in entry:
                entry[key] = value
        if record.exc_info:
            entry["exc"] = "".join(traceback.format_exception(*record.exc_info)).rstrip()
        elif record.exc_text:
            entry["exc"] = record.exc_text
        line = orjson.dumps(entry, default=repr).decode()
        return scrub(line)


def logging_config(level: str = "INFO", *, access_log: bool = False) -> dict[str, Any]:
    """A ``logging.config.dictConfig`` document (also uvicorn's ``log_config``,
    which each worker process applies): everything, uvicorn's own messages
    included, as JSON lines on stderr. Access lines come from ``app.access``
    (the request layer), uvicorn's unstructured ones are off."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request_id": {"()": RequestIdFilter}},
        "formatters": {"json": {"()": JsonFormatter}},
        "handlers": {
            "stderr": {
                "class": "logging.StreamHandler",
                "stream": "ext://sys.stderr",
                "formatter": "json",
                "filters": ["request_id"],
            }
        },
        "root": {"handlers": ["stderr"], "level": level.upper()},
        "loggers": {
            "uvicorn": {"handlers": [], "propagate": True},
            "uvicorn.error": {"handlers": [], "propagate": True},
            "uvicorn.access": {"handlers": [], "propagate": False},
            "app.access": {"level": "INFO" if access_log else "WARNING"},
        },
    }
