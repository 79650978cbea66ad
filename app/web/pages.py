"""What the page routes need besides templates: reading the version a reader
asked for, loading the register through ``load_snapshot``, and the few
page-specific queries (the list of controllers)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.errors import InvalidInput
from app.history import moments
from app.history.past import load_snapshot
from app.register import models as m
from app.register.paging import split_values
from app.register.scope import resolve_controllers
from app.snapshots.current import RecentSnapshots
from app.web import diagram, notice_parts
from app.web.register_view import Filters, RegisterView
from app.web.templating import Links

VERSION_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:+-]{0,99}$")
MAX_QUERY = 200


def _invalid(field: str, message: str, kind: str = "value_error") -> InvalidInput:
    return InvalidInput(message, errors=[{"field": field, "msg": message, "type": kind}])


@dataclass(frozen=True)
class When:
    """Which register a page shows: now (both ``None``), ``as_of`` a moment,
    or a published ``version``."""

    as_of: datetime | None = None
    version: str | None = None

    @property
    def stamps(self) -> tuple[tuple[str, str], ...]:
        if self.as_of is not None:
            return (("as_of", self.as_of.isoformat()),)
        if self.version is not None:
            return (("version", self.version),)
        return ()


def parse_moment(raw: str) -> datetime:
    """An ISO 8601 date or date-time, in UTC: a date means its first moment,
    a time without offset means UTC."""
    return moments.parse_moment(raw, "as_of")


def parse_when(as_of: str | None, version: str | None) -> When:
    if as_of and version:
        raise _invalid("version", "Ask for as_of or for version, not both.")
    if version is not None:
        if not VERSION_PATTERN.match(version):
            raise _invalid("version", "version must be a published version label.")
        return When(version=version)
    if as_of:
        return When(as_of=parse_moment(as_of))
    return When()


def parse_filters(
    q: str | None = None,
    data_subject: Sequence[str] | None = None,
    data_category: Sequence[str] | None = None,
    recipient: Sequence[str] | None = None,
    service: Sequence[str] | None = None,
) -> Filters:
    text = (q or "").strip()
    if len(text) > MAX_QUERY:
        raise _invalid("q", f"Search for at most {MAX_QUERY} characters.", "string_too_long")
    return Filters(
        q=text,
        data_subject=split_values(data_subject or []),
        data_category=split_values(data_category or []),
        recipient=split_values(recipient or []),
        service=split_values(service or []),
    )


def load_register(
    session: Session,
    controller: str | None,
    when: When,
    *,
    from_query: bool = False,
    recent: RecentSnapshots | None = None,
) -> RegisterView:
    """The register to show. A controller named in the query string (not the
    path) that does not exist is bad input (422), as in the API."""
    if from_query and controller is not None:
        resolve_controllers(session, [controller])
    snapshot = load_snapshot(
        session, controller, as_of=when.as_of, version=when.version, recent=recent
    )
    return RegisterView(snapshot)


def links_for(register: RegisterView, when: When) -> Links:
    return Links(register.snapshot.controller, when.stamps)


def controllers(session: Session) -> list[dict[str, Any]]:
    rows = session.execute(
        select(m.Controller.slug, m.Controller.name, m.Controller.notice_title).order_by(
            m.Controller.name, m.Controller.slug
        )
    ).all()
    return [{"slug": r[0], "name": r[1], "notice_title": r[2]} for r in rows]


def banner(register: RegisterView, when: When) -> str | None:
    """The banner's words for a past or published register (None for now)."""
    stamps = register.snapshot.stamps
    if when.version is not None or stamps.get("version"):
        return f"published version {stamps.get('version') or when.version}"
    if when.as_of is not None or stamps.get("as_of"):
        moment = stamps.get("as_of") or when.as_of
        if isinstance(moment, str):
            moment = parse_moment(moment)
        assert isinstance(moment, datetime)
        return f"the register as it was on {moment.strftime('%-d %B %Y at %H:%M')} UTC"
    return None


@dataclass(frozen=True)
class Summary:
    """The home page's short answers, counted from the register."""

    recipients: int
    arrangements: int
    special_held: list[str]
    special_shared: int
    unstated: int


def summary(register: RegisterView) -> Summary:
    arrangements = register.arrangements
    categories = register.section("data_categories")
    special = {c["slug"] for c in categories if c.get("special_category")}
    held = [c["name"] for c in categories if c["slug"] in special and c.get("group") not in special]
    return Summary(
        recipients=len({a.recipient["slug"] for a in arrangements}),
        arrangements=len(arrangements),
        special_held=held,
        special_shared=sum(1 for a in arrangements if a.special_category),
        unstated=sum(1 for a in arrangements if not a.data_categories),
    )


def home_context(register: RegisterView, when: When) -> dict[str, Any]:
    return {
        "register": register,
        "links": links_for(register, when),
        "banner": banner(register, when),
        "nav": "notice",
        "summary": summary(register),
        "parts": notice_parts.PARTS,
    }


def part_context(
    register: RegisterView, slug: str, filters: Filters, when: When
) -> tuple[str, dict[str, Any]]:
    """The template and context of one section of the notice. Only the
    sharing section takes filters."""
    part = notice_parts.part(slug)
    if part.slug != "sharing" and filters.active:
        field = next(
            name
            for name in ("q", "data_subject", "data_category", "recipient")
            if getattr(filters, name)
        )
        raise _invalid(field, f"Only the sharing section takes {field!r}.", "extra_forbidden")
    before, after = notice_parts.neighbours(part)
    context: dict[str, Any] = {
        "register": register,
        "links": links_for(register, when),
        "banner": banner(register, when),
        "nav": "sharing" if part.slug == "sharing" else "notice",
        "part": part,
        "before": before,
        "after": after,
    }
    if part.slug == "sharing":
        context.update(sharing_context(register, filters, when))
    return f"part_{part.slug}.html", context


def sharing_context(register: RegisterView, filters: Filters, when: When) -> dict[str, Any]:
    arrangements = register.filter(filters)
    groups = register.group_by_recipient(arrangements)
    links = links_for(register, when)
    diagram_url: str | None = links.diagram()
    if not groups:
        diagram_url = None
    elif filters.active:
        # The diagram shows the recipients listed below it.
        diagram_url = links.diagram(
            recipient=[g.recipient["slug"] for g in groups],
            data_subject=filters.data_subject,
            data_category=filters.data_category,
        )
    used = [
        s for s in register.section("recipients") if register.referenced_by("recipients", s["slug"])
    ]
    return {
        "filters": filters,
        "groups": groups,
        "shown": len(arrangements),
        "total_recipients": len(used),
        "search_hits": register.search(filters.q),
        "diagram_url": diagram_url,
        "diagram_size": diagram.size(register, arrangements),
        "diagram_narrow_size": diagram.size(register, arrangements, diagram.NARROW),
        "filter_fields": [
            ("data_subject", "About whom", register.section("data_subjects"), filters.data_subject),
            (
                "data_category",
                "What data",
                register.section("data_categories"),
                filters.data_category,
            ),
            ("recipient", "Recipient", used, filters.recipient),
        ],
    }
