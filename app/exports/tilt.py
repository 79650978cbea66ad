"""TILT, the Transparency Information Language (JSON Schema draft-07).

TILT describes disclosures per data category; the register knows them per
sharing arrangement, so each arrangement is one ``dataDisclosed`` entry whose
``category`` names the data categories it states. TILT requires some values
the register does not hold (a representative, yes/no flags about providing
data, the DPO's e-mail address the notice redacts): those say "Not stated"
(or ``false`` for the flags) and are listed in the object's ``x-notStated``.
Where TILT checks a value's format, the placeholder keeps to it: an e-mail
address nobody states is ``not-stated@not-stated.invalid`` (the ``.invalid``
top-level domain is reserved never to exist, RFC 2606 section 2), a URL is
the empty reference. Facts TILT has no field for (data subjects, special
category flags, processors, legislation, conditions) go in ``x-`` fields.

Every object made from a register entity carries ``x-basis``: the basis of
each of its facts (``stated``, ``inferred`` with quotes and reasoning,
``reference``, ``not_stated``; ``exhaustive: false`` on an open list), keyed
as in the API. A stated fact resting on the entity's own notice quotes
(``x-sources``) does not repeat them.
"""

from __future__ import annotations

import re
import uuid
from typing import Any

import orjson
from starlette.requests import Request
from starlette.responses import Response

from app.exports.common import NOT_STATED, Export, ExportFormat, export_response
from app.exports.content import SHARING, Activity, RegisterView, State
from app.exports.readings import CONTROLLERS, basis_map, compact, including
from app.register.basis import displayed

FORMAT = ExportFormat("tilt", "application/json", "tilt.json", attachment=False)
NOT_STATED_EMAIL = "not-stated@not-stated.invalid"
NOT_STATED_URL = ""
PLACEHOLDERS = {"email": NOT_STATED_EMAIL, "url": NOT_STATED_URL}
"""Placeholders of unstated values whose format TILT checks."""

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
PHONE = re.compile(r"^[+]*[(]{0,1}[0-9]{1,4}[)]{0,1}[-\s\./0-9]*$")
WEEKS = re.compile(r"(\d+)W")
RIGHTS = {
    "rightToInformation": ("Article 15",),
    "accessAndDataPortability": ("Article 15", "Article 20"),
    "rightToRectificationOrDeletion": ("Article 16", "Article 17"),
    "rightToDataPortability": ("Article 20",),
    "rightToWithdrawConsent": ("Article 7(3)",),
    "rightToComplain": ("Article 77",),
}


def basis_reference(basis: State) -> str:
    """``Article 6(1)(c)`` -> ``UKGDPR-6-1-c``: TILT's pattern for references."""
    parts = re.findall(r"\d+|[a-z]+", basis["reference"].lower().removeprefix("article"))
    return "-".join(["UKGDPR", *parts])


def tilt_duration(duration: str) -> str:
    """TILT's ``ttl`` pattern has no weeks: count them as days."""
    match = WEEKS.search(duration)
    if not match:
        return duration
    days = int(match.group(1)) * 7
    rest = WEEKS.sub("", duration)
    day_match = re.search(r"(\d+)D", rest)
    if day_match:
        days += int(day_match.group(1))
        rest = re.sub(r"\d+D", "", rest)
    date, _, time = rest.partition("T")
    return f"{date}{days}D" + (f"T{time}" if time else "")


def _camel(name: str) -> str:
    first, *rest = name.split("_")
    return first + "".join(part.capitalize() for part in rest)


def _filled(target: dict[str, Any], required: dict[str, Any]) -> dict[str, Any]:
    """Set TILT's required fields, "Not stated" (or the placeholder of its
    format) where the register has no value."""
    missing = []
    for key, value in required.items():
        if value is None or value == "":
            target[key] = PLACEHOLDERS.get(key, NOT_STATED)
            missing.append(key)
        elif key == "email" and not EMAIL.match(value):
            # Text that is not an address (TILT checks the format) keeps to x-email.
            target[key], target["x-email"] = NOT_STATED_EMAIL, value
        else:
            target[key] = value
    if missing:
        target["x-notStated"] = missing
    return target


def _sources(state: State) -> list[str]:
    """The entity's notice quotes, verbatim."""
    return [s["quote"] for s in state.get("sources") or [] if s.get("kind") == "notice"]


def _based(node: dict[str, Any], entity_type: str, state: State) -> dict[str, Any]:
    node["x-sources"] = _sources(state)
    node["x-basis"] = basis_map(entity_type, state)
    return node


class _Builder:
    def __init__(self, view: RegisterView) -> None:
        self.view = view
        self.controller = view.controller

    def contact(self, contact: State | None, *, country: str) -> dict[str, Any]:
        contact = contact or {}
        node = _filled(
            {},
            {
                "name": contact.get("name") or contact.get("team"),
                "address": contact.get("address"),
                "country": country,
                "email": contact.get("email"),
            },
        )
        phone = contact.get("phone")
        if phone:
            node["phone" if PHONE.match(phone) else "x-phone"] = phone
        return node

    def dpo(self) -> dict[str, Any]:
        c = self.controller
        node = self.contact(c["dpo"], country=c["country"])
        node["x-basis"] = {
            key: entry for key, entry in basis_map(CONTROLLERS, c).items() if key.startswith("dpo.")
        }
        return node

    def data_disclosed(self, activity: Activity) -> dict[str, Any]:
        view, state = self.view, activity.state
        categories = view.resolve("data_categories", activity.data_categories)
        recipient = view.get("recipients", activity.recipient)
        rules = view.retention_rules(activity)
        basis = state["basis"]
        entry: dict[str, Any] = _filled(
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
                _based(
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
        return _based(entry, "sharing", state)

    def right(self, key: str, articles: tuple[str, ...]) -> dict[str, Any]:
        rights = [r for r in self.view.section("rights") if r["gdpr_article"] in articles]
        node: dict[str, Any] = {"available": bool(rights)}
        text = " ".join(displayed(r["description"]) or r["name"] for r in rights)
        if text:
            node["description"] = text
        authority = self.controller["supervisory_authority"] or {}
        if key == "rightToComplain" and (rights or authority):
            # Once available, TILT requires the authority (by name at least).
            node["supervisoryAuthority"] = _filled({}, {"name": authority.get("name")})
            if authority.get("address"):
                node["supervisoryAuthority"]["address"] = authority["address"]
            email = authority.get("email")
            if email:
                node["supervisoryAuthority"]["email" if EMAIL.match(email) else "x-email"] = email
            if authority.get("url"):
                node["supervisoryAuthority"]["x-url"] = authority["url"]
        return node

    def sources(self) -> list[dict[str, Any]]:
        found = []
        for source in self.view.section("data_sources"):
            node = _based(
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
                    "x-providers": self.view.names("recipients", source["providers"]),
                    "x-dataSubjects": self.view.names("data_subjects", source["data_subjects"]),
                },
                "data-sources",
                source,
            )
            found.append(node)
        return found

    def document(self, export: Export) -> dict[str, Any]:
        c, view = self.controller, self.view
        stamps = export.stamps
        meta = _filled(
            {
                "_id": str(uuid.uuid5(uuid.NAMESPACE_URL, f"sharing-register:{c['slug']}")),
                "name": c["name"],
                "created": export.generated_at,
                "modified": stamps.get("as_of")
                or stamps.get("published_at")
                or export.generated_at,
                "version": max(1, int(stamps.get("data_version") or 1)),
                "language": "en",
                "status": "active",
                "_hash": export.digest.removeprefix("sha256:"),
            },
            {"url": c["notice_url"] or c["website"]},
        )
        meta["x-generatedAt"] = export.generated_at
        meta["x-digest"] = export.digest
        meta.update({f"x-{_camel(k)}": v for k, v in stamps.items() if v is not None})
        controller = _filled(
            {"x-slug": c["slug"]},
            {"name": c["name"], "address": c["address"], "country": c["country"]},
        )
        _based(controller, CONTROLLERS, c)
        controller["representative"] = _filled(
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
            "dataProtectionOfficer": self.dpo(),
            "dataDisclosed": [
                self.data_disclosed(a) for a in view.activities() if a.kind == SHARING
            ],
            "thirdCountryTransfers": [],
            "x-thirdCountryTransfers": {
                "status": transfers,
                "details": c["third_country_details"],
            },
            "sources": self.sources(),
        }
        for key, articles in RIGHTS.items():
            document[key] = self.right(key, articles)
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
    return _Builder(RegisterView(export.snapshot.content)).document(export)


def response(request: Request, export: Export) -> Response:
    return export_response(request, export, FORMAT, lambda: orjson.dumps(build(export)))
