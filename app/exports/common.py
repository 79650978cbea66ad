"""What every export shares: which register it is made from (current, ``as_of``
or a published version), its stamps, file name, validator and headers.

An export's body carries its generation time, so two downloads of the same
register differ byte for byte; their ETag is therefore weak and derived from
what they state (format, content digest and version stamps), which lets a
client revalidate cheaply without the body being rendered again.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Annotated, Any

import orjson
from fastapi import Depends, Query, Request
from pydantic import StringConstraints
from starlette.responses import Response

from app.api.deps import ReadSession
from app.api.responses import cache_control, if_none_match, weak_etag
from app.api.services import services
from app.cache.scope import depends_on
from app.errors import InvalidInput
from app.history.moments import parse_moment
from app.history.past import load_snapshot
from app.register.paging import split_values
from app.register.schemas import SLUG_PATTERN
from app.snapshots.current import Snapshot

SNAPSHOT_PARAMS = ("controller", "as_of", "version")
NOT_STATED = "Not stated"

STAMP_LABELS: dict[str, str] = {
    "data_version": "Register data version",
    "as_of": "As of",
    "version": "Published version",
    "version_name": "Published version name",
    "published_at": "Published at",
    "checkpoint": "Audit log checkpoint (signed)",
}


@dataclass(frozen=True)
class ExportFormat:
    name: str
    media_type: str
    extension: str
    attachment: bool = True


@dataclass(frozen=True)
class Export:
    """A snapshot being exported now."""

    snapshot: Snapshot
    generated_at: str = field(default_factory=lambda: datetime.now(UTC).isoformat())

    @property
    def controller(self) -> str:
        return self.snapshot.controller

    @property
    def digest(self) -> str:
        return self.snapshot.digest

    @property
    def stamps(self) -> dict[str, Any]:
        return dict(self.snapshot.stamps)

    def stamp_rows(self) -> list[tuple[str, str]]:
        """Generation time, version stamps and digest as (label, value) pairs."""
        rows = [("Generated at", self.generated_at)]
        for key, value in self.stamps.items():
            if value is not None:
                text = orjson.dumps(value).decode() if isinstance(value, dict) else str(value)
                rows.append((STAMP_LABELS.get(key, key.replace("_", " ").capitalize()), text))
        rows.append(("Content digest (SHA-256)", self.digest))
        return rows

    def filename(self, fmt: ExportFormat) -> str:
        stamps = self.stamps
        if stamps.get("version"):
            label = f"version-{stamps['version']}"
        elif stamps.get("as_of"):
            label = "as-of-" + re.sub(r"[^0-9T]", "", str(stamps["as_of"])[:19]) + "Z"
        else:
            label = f"v{stamps.get('data_version', 0)}"
        return f"{self.controller}-register-{label}.{fmt.extension}"

    def etag(self, fmt: ExportFormat, variant: str = "") -> str:
        stamps = orjson.dumps(self.stamps, option=orjson.OPT_SORT_KEYS).decode()
        return weak_etag(fmt.name, self.controller, self.digest, stamps, variant)

    def headers(self, request: Request, fmt: ExportFormat, etag: str) -> dict[str, str]:
        disposition = "attachment" if fmt.attachment else "inline"
        headers = {
            "ETag": etag,
            "Cache-Control": cache_control(request),
            "Vary": "Accept, Accept-Encoding",
            "Content-Disposition": f'{disposition}; filename="{self.filename(fmt)}"',
            "Register-Generated-At": self.generated_at,
            "Register-Digest": self.digest,
        }
        for key in ("data_version", "as_of", "version"):
            if self.stamps.get(key) is not None:
                headers["Register-" + key.replace("_", "-").title()] = str(self.stamps[key])
        return headers


def export_response(
    request: Request,
    export: Export,
    fmt: ExportFormat,
    render: Callable[[], bytes],
    *,
    variant: str = "",
) -> Response:
    """The rendered export, or 304 before rendering when the client has it."""
    etag = export.etag(fmt, variant)
    headers = export.headers(request, fmt, etag)
    if if_none_match(request, etag):
        return Response(status_code=304, headers=headers)
    return Response(render(), media_type=fmt.media_type, headers=headers)


@dataclass(frozen=True)
class SnapshotQuery:
    controller: str | None
    as_of: datetime | None
    version: str | None


OneControllerParam = Annotated[
    list[Annotated[str, StringConstraints(pattern=SLUG_PATTERN, max_length=120)]],
    Query(
        description="The controller's slug; may be left out when the register has one.",
        examples=["cambridgeshire-county-council"],
        max_length=1,
    ),
]


def snapshot_query(
    controller: OneControllerParam = [],  # noqa: B006
    as_of: Annotated[
        str | None,
        Query(
            max_length=64,
            description="An ISO 8601 time: the register exactly as it was then.",
            examples=["2026-11-30T09:00:00Z"],
        ),
    ] = None,
    version: Annotated[
        str | None,
        Query(pattern=SLUG_PATTERN, max_length=120, description="A published version's slug."),
    ] = None,
) -> SnapshotQuery:
    slugs = split_values(controller)
    if len(slugs) > 1:
        raise InvalidInput(
            "An export is of one controller: name one with ?controller=<slug>.",
            errors=[{"field": "controller", "msg": "one controller only", "type": "too_long"}],
        )
    refuse_as_of_with_version(as_of, version)
    return SnapshotQuery(
        controller=slugs[0] if slugs else None,
        as_of=parse_moment(as_of, "as_of") if as_of is not None else None,
        version=version,
    )


SnapshotQueryDep = Annotated[SnapshotQuery, Depends(snapshot_query)]


def refuse_as_of_with_version(as_of: str | None, version: str | None) -> None:
    """A register as of a moment, or a published version: not both."""
    if as_of is not None and version is not None:
        raise InvalidInput(
            "Ask for either as_of or version, not both.",
            errors=[{"field": "version", "msg": "conflicts with as_of", "type": "conflict"}],
        )


def load_export(request: Request, session: ReadSession, query: SnapshotQueryDep) -> Export:
    named = [] if query.controller is None else [query.controller]
    depends_on(request.scope, named, as_of=query.as_of)
    snapshot = load_snapshot(
        session,
        query.controller,
        as_of=query.as_of,
        version=query.version,
        recent=services(request).snapshots,
    )
    return Export(snapshot)


ExportDep = Annotated[Export, Depends(load_export)]
