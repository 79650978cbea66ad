"""``dataDisclosed`` (one entry per sharing arrangement) and ``sources``."""

from __future__ import annotations

from typing import Any

from app.exports.common import NOT_STATED
from app.exports.content import Activity, RegisterView
from app.exports.readings import compact, including
from app.exports.tilt.fields import NOT_STATED_URL, based, basis_reference, filled, tilt_duration
from app.register.basis import displayed


def data_disclosed(view: RegisterView, activity: Activity) -> dict[str, Any]:
    state = activity.state
    categories = view.resolve("data_categories", activity.data_categories)
    recipient = view.get("recipients", activity.recipient)
    rules = view.retention_rules(activity)
    basis = state["basis"]
    entry: dict[str, Any] = filled(
        {"_id": state["slug"]},
        {"category": including([c["name"] for c in categories], basis.get("data_categories"))},
    )
    entry["purposes"] = [
        {"purpose": p["name"], "description": displayed(p["description"]) or p["name"]}
        for p in view.resolve("purposes", activity.purposes)
    ]
    bases = view.legal_bases(activity)
    entry["legalBases"] = [
        {"reference": basis_reference(b), "description": f"{b['reference']} {b['name']}"}
        for b in bases
    ]
    entry["legitimateInterests"] = (
        [{"exists": True}] if any(b["slug"] == "article-6-1-f" for b in bases) else []
    )
    entry["recipients"] = []
    if recipient is not None:
        entry["recipients"].append(
            based(
                {
                    "name": recipient["name"],
                    "category": recipient["kind"].replace("_", " "),
                    "x-slug": recipient["slug"],
                    "x-role": recipient["role"],
                    "x-contractReference": recipient["contract_reference"],
                },
                "recipients",
                recipient,
            )
        )
    if rules:
        entry["storage"] = [
            {
                "temporal": [
                    {"description": r["name"], "ttl": tilt_duration(r["duration"])}
                    for r in rules
                    if r["duration"]
                ],
                "purposeConditional": [r["name"] for r in rules if not r["duration"]],
                # TILT wants references like "SGB-100-42" here: laws go in x-legislation.
                "legalBasisConditional": [],
                "aggregationFunction": "max",
                "x-legislation": [
                    law["name"]
                    for r in rules
                    for law in view.resolve("legislation", r["legislation"])
                ],
            }
        ]
    else:
        entry["storage"] = []
    entry["nonDisclosure"] = {
        "legalRequirement": False,
        "contractualRegulation": False,
        "obligationToProvide": False,
        "consequences": NOT_STATED,
        "x-notStated": [
            "legalRequirement",
            "contractualRegulation",
            "obligationToProvide",
            "consequences",
        ],
    }
    special = view.special_categories(activity.data_categories)
    entry.update(
        {
            "x-name": displayed(state["name"]),
            "x-dataCategories": [
                {
                    "slug": c["slug"],
                    "name": c["name"],
                    "specialCategory": c["special_category"],
                    "basis": compact(state, basis[f"data_categories/{c['slug']}"]),
                }
                for c in categories
            ],
            "x-specialCategory": bool(special),
            "x-specialCategoryData": [c["slug"] for c in special],
            "x-dataSubjects": [
                {"slug": s["slug"], "name": s["name"]}
                for s in view.resolve("data_subjects", activity.data_subjects)
            ],
            "x-processor": recipient is not None and recipient["role"] == "processor",
            "x-legislation": [
                {
                    "name": law["name"],
                    "citedAs": law["cited_as"],
                    "legislationGovUkId": law["legislation_gov_uk_id"],
                }
                for law in view.resolve("legislation", activity.legislation)
            ],
            "x-frequency": state["frequency"],
            "x-consent": state["consent"],
            "x-appliesFromAge": state["applies_from_age"],
            "x-appliesUntilAge": state["applies_until_age"],
            "x-conditions": [displayed(c["description"]) for c in state["conditions"]],
        }
    )
    return based(entry, "sharing", state)


def sources(view: RegisterView) -> list[dict[str, Any]]:
    found = []
    for source in view.section("data_sources"):
        node = based(
            {
                "_id": source["slug"],
                "dataCategory": NOT_STATED,
                "sources": [
                    {
                        "description": displayed(source["description"]) or source["name"],
                        "url": NOT_STATED_URL,
                        "publiclyAvailable": False,
                        "x-notStated": ["url", "publiclyAvailable"],
                    }
                ],
                "x-notStated": ["dataCategory"],
                "x-name": source["name"],
                "x-mandatory": source["mandatory"],
                "x-providers": view.names("recipients", source["providers"]),
                "x-dataSubjects": view.names("data_subjects", source["data_subjects"]),
            },
            "data-sources",
            source,
        )
        found.append(node)
    return found
