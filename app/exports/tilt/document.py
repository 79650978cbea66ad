"""The TILT document of one register, and the export's response."""

from __future__ import annotations

import uuid
from typing import Any

import orjson
from starlette.requests import Request
from starlette.responses import Response

from app.exports.common import Export, ExportFormat, export_response
from app.exports.content import SHARING, RegisterView
from app.exports.readings import CONTROLLERS, basis_map
from app.exports.tilt.disclosures import data_disclosed, sources
from app.exports.tilt.fields import based, camel, filled
from app.exports.tilt.parties import RIGHTS, dpo, right

FORMAT = ExportFormat("tilt", "application/json", "tilt.json", attachment=False)


def document(view: RegisterView, export: Export) -> dict[str, Any]:
    c = view.controller
    stamps = export.stamps
    meta = filled(
        {
            "_id": str(uuid.uuid5(uuid.NAMESPACE_URL, f"sharing-register:{c['slug']}")),
            "name": c["name"],
            "created": export.generated_at,
            "modified": stamps.get("as_of") or stamps.get("published_at") or export.generated_at,
            "version": max(1, int(stamps.get("data_version") or 1)),
            "language": "en",
            "status": "active",
            "_hash": export.digest.removeprefix("sha256:"),
        },
        {"url": c["notice_url"] or c["website"]},
    )
    meta["x-generatedAt"] = export.generated_at
    meta["x-digest"] = export.digest
    meta.update({f"x-{camel(k)}": v for k, v in stamps.items() if v is not None})
    controller = filled(
        {"x-slug": c["slug"]},
        {"name": c["name"], "address": c["address"], "country": c["country"]},
    )
    based(controller, CONTROLLERS, c)
    controller["representative"] = filled(
        {},
        {
            "name": (c["representative"] or {}).get("name"),
            "email": (c["representative"] or {}).get("email"),
        },
    )
    for key in ("phone", "email", "website"):
        if c[key]:
            controller[f"x-{key}"] = c[key]
    transfers = c["third_country_transfers"]
    document: dict[str, Any] = {
        "meta": meta,
        "controller": controller,
        "dataProtectionOfficer": dpo(c),
        "dataDisclosed": [data_disclosed(view, a) for a in view.activities() if a.kind == SHARING],
        "thirdCountryTransfers": [],
        "x-thirdCountryTransfers": {
            "status": transfers,
            "details": c["third_country_details"],
        },
        "sources": sources(view),
    }
    for key, articles in RIGHTS.items():
        document[key] = right(view, key, articles)
    document["automatedDecisionMaking"] = {"x-notStated": ["inUse"]}
    document["changesOfPurpose"] = []
    document["x-dataSubjects"] = [
        {"slug": s["slug"], "name": s["name"], "dpvTerm": s["dpv_term"]}
        for s in view.section("data_subjects")
    ]
    document["x-specialCategoryData"] = [
        {
            "slug": d["slug"],
            "name": d["name"],
            "article9Condition": d["article9_condition"],
            "basis": basis_map("data-categories", d),
        }
        for d in view.section("data_categories")
        if d["special_category"]
    ]
    document["x-processors"] = [
        {
            "slug": r["slug"],
            "name": r["name"],
            "contractReference": r["contract_reference"],
            "basis": basis_map("recipients", r),
        }
        for r in view.section("recipients")
        if r["role"] == "processor"
    ]
    document["x-retentionRules"] = [
        {
            "slug": r["slug"],
            "name": r["name"],
            "duration": r["duration"],
            "basis": basis_map("retention-rules", r),
        }
        for r in view.section("retention_rules")
    ]
    return document


def build(export: Export) -> dict[str, Any]:
    return document(RegisterView(export.snapshot.content), export)


def response(request: Request, export: Export) -> Response:
    return export_response(request, export, FORMAT, lambda: orjson.dumps(build(export)))
