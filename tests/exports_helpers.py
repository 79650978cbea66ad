"""Helpers shared by the export, import and completeness tests."""

from __future__ import annotations

import csv
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from fastapi import FastAPI
from sqlalchemy import select

from app.api.services import services_of
from app.config import PROJECT_ROOT
from app.db import session_scope
from app.register import entities as e
from app.register import service, writes
from app.register.models import Controller
from app.register.scope import ControllerScope
from app.trail.chain import SYSTEM, begin_write

SEED_DIR = PROJECT_ROOT / "seed_data"
API = "/api/v1"
COUNCIL = "cambridgeshire-county-council"
REFERENCE = Path(__file__).parent / "fixtures" / "reference"
DPV_CSVS = ("dpv.csv", "pd.csv", "eu-gdpr.csv")
STAMPS = frozenset(
    {
        "generated_at",
        "digest",
        "data_version",
        "as_of",
        "version",
        "version_name",
        "published_at",
        "checkpoint",
    }
)


def change(
    app: FastAPI, entity_type: str, slug: str, patch: Mapping[str, Any], controller: str = COUNCIL
) -> None:
    """Update one entity through the register's write path (audited, committed)."""
    kind = e.BY_NAME[entity_type]
    with session_scope(services_of(app).sessions) as session:
        begin_write(session)
        owner = session.scalars(select(Controller).where(Controller.slug == controller)).one()
        loaded = []  # held: the session's identity map keeps objects only weakly
        if kind.scoped:  # the write walks groups and parts of Acts: load them all
            loaded = session.scalars(
                select(kind.model)
                .where(kind.model.controller_id == owner.id)
                .options(*e.load_options(kind.shape))
            ).all()
        obj = service.get_entity(session, kind, slug, ControllerScope.of({owner.id: owner.slug}))
        scope = owner if kind.scoped else None
        writes.update(session, kind, scope, obj, patch, actor=SYSTEM)
        del loaded


def content_of(document: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in document.items() if k not in STAMPS}


@cache
def dpv_terms() -> frozenset[str]:
    """Every term IRI of the vendored DPV 2.3 lists."""
    terms: set[str] = set()
    for name in DPV_CSVS:
        with (REFERENCE / "dpv-2.3" / name).open(encoding="utf-8", newline="") as handle:
            terms.update(row["iri"] for row in csv.DictReader(handle))
    return frozenset(terms)


@cache
def seed(name: str) -> Any:
    """One seed file of the council, read independently of the loader."""
    return yaml.safe_load((SEED_DIR / COUNCIL / f"{name}.yaml").read_text(encoding="utf-8"))
