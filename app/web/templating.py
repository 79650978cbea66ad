"""Jinja2 templates, the static files and the links pages build.

Static files are read once and served with a content hash in their URL, so
they can be cached for a year and never go stale. Nothing is loaded from
another origin at view time.
"""

from __future__ import annotations

import base64
import hashlib
import mimetypes
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from app.register.basis import displayed
from app.web import diagram, readings, words

HERE = Path(__file__).resolve().parent
STATIC_DIR = HERE / "static"


@dataclass(frozen=True)
class StaticFile:
    body: bytes
    media_type: str
    digest: str


def _static_file(body: bytes, media_type: str) -> StaticFile:
    if media_type.startswith("text/"):
        media_type += "; charset=utf-8"
    return StaticFile(body, media_type, hashlib.sha256(body).hexdigest()[:16])


def _load_static() -> dict[str, StaticFile]:
    """Every file under ``static/``, by its path there."""
    files = {}
    for path in sorted(STATIC_DIR.rglob("*")):
        if path.is_file():
            media_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            files[path.relative_to(STATIC_DIR).as_posix()] = _static_file(
                path.read_bytes(), media_type
            )
    return files


STATIC: dict[str, StaticFile] = _load_static()


def static_url(name: str) -> str:
    return f"/static/{name}?v={STATIC[name].digest}"


# GOV.UK Frontend's components start from a module that imports its script by
# its versioned URL, so both can be cached for a year.
STATIC["init.js"] = _static_file(
    (
        f'import {{ initAll }} from "{static_url("govuk-frontend.min.js")}";\n'
        'document.body.classList.add("js-enabled", "govuk-frontend-supported");\n'
        "initAll();\n"
    ).encode(),
    "text/javascript",
)


def csp_hash(text: str) -> str:
    """A CSP source expression allowing exactly this inline ``<style>``."""
    digest = base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()
    return f"'sha256-{digest}'"


@dataclass(frozen=True)
class Links:
    """URLs of one controller's pages, keeping the version being viewed."""

    controller: str
    stamps: tuple[tuple[str, str], ...] = ()

    def _with(self, path: str, params: list[tuple[str, str]] | None = None) -> str:
        query = [*(params or []), *self.stamps]
        return path + ("?" + urlencode(query) if query else "")

    def notice(self, **params: str) -> str:
        return self._with(f"/controllers/{self.controller}", list(params.items()))

    def page(self, name: str, slug: str) -> str:
        return self._with(f"/controllers/{self.controller}/{name}/{slug}")

    def api(self, name: str, slug: str) -> str:
        return f"/api/v1/{name}/{slug}?controller={self.controller}"

    def part(self, name: str, **params: str) -> str:
        return self._with(f"/controllers/{self.controller}/{name}", list(params.items()))

    def audit(self) -> str:
        return self._with(f"/controllers/{self.controller}/audit")

    def child(self) -> str:
        return self._with(f"/controllers/{self.controller}/child")

    def changes(self) -> str:
        return f"/controllers/{self.controller}/changes"

    def diagram(self, **params: list[str]) -> str:
        query = [("controller", self.controller)]
        for key, values in params.items():
            query += [(key, v) for v in values]
        return self._with("/diagram.svg", query)

    def current(self) -> str:
        return f"/controllers/{self.controller}"


def _legislation_url(state: dict[str, Any]) -> str | None:
    ident = state.get("legislation_gov_uk_id")
    return f"https://www.legislation.gov.uk/{ident}" if ident else None


def _shown(value: Any) -> Any:
    """Every value a template prints, as people see it: the notice's redacted
    e-mail addresses in words (``sources`` keep them verbatim in the JSON)."""
    return displayed(value) if isinstance(value, str) else value


def make_environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(HERE / "templates"),
        autoescape=select_autoescape(["html", "svg"], default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        finalize=_shown,
    )
    env.globals.update(
        static_url=static_url,
        words=words,
        legislation_url=_legislation_url,
        reading=readings.reading,
        readings=readings,
        diagram_text=diagram.describe,
    )
    env.filters["duration"] = words.duration
    env.filters["and_list"] = words.and_list
    env.filters["in_sentence"] = words.in_sentence
    return env


ENV = make_environment()


def render(template: str, **context: Any) -> str:
    return ENV.get_template(template).render(**context)
