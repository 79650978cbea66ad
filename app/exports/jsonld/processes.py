"""``dpv:Process`` nodes: each sharing arrangement, national data collection
and purpose."""

from __future__ import annotations

from typing import Any

from app.exports.content import DATA_COLLECTION, SHARING, Activity, State
from app.exports.jsonld.iris import Iris
from app.exports.jsonld.nodes import described
from app.exports.jsonld.terms import dpv_iri, ref
from app.register.basis import displayed


def process(iris: Iris, activity: Activity) -> dict[str, Any]:
    view = iris.view
    kind = {SHARING: "sharing", DATA_COLLECTION: "data-collections"}[activity.kind]
    node: dict[str, Any] = {
        "@id": iris.iri(kind, activity.slug),
        "@type": "dpv:Process",
        "dpv:hasDataController": ref(iris.controller_iri()),
    }
    described(node, activity.state)
    if activity.purposes:
        node["dpv:hasPurpose"] = [
            ref(iris.iri("purposes", p["slug"]))
            for p in view.resolve("purposes", activity.purposes)
        ]
    if activity.data_subjects:
        node["dpv:hasDataSubject"] = [
            ref(iris.iri("data-subjects", s["slug"]))
            for s in view.resolve("data_subjects", activity.data_subjects)
        ]
    data: list[dict[str, str]] = []
    for category in view.resolve("data_categories", activity.data_categories):
        data.append(ref(iris.iri("data-categories", category["slug"])))
        if dpv_iri(category["dpv_term"]):
            data.append(ref(category["dpv_term"]))
    if data:
        node["dpv:hasPersonalData"] = data
    recipient = view.get("recipients", activity.recipient)
    if recipient is not None:
        prop = "dpv:hasDataProcessor" if recipient["role"] == "processor" else "dpv:hasRecipient"
        node[prop] = ref(iris.iri("recipients", recipient["slug"]))
    bases: list[dict[str, Any]] = [ref(iris.basis_iri(b)) for b in view.legal_bases(activity)]
    laws = view.resolve("legislation", activity.legislation)
    if laws:
        bases.append(
            {
                "@type": "dpv:LegalObligation",
                "dpv:hasApplicableLaw": [ref(iris.law_iri(law)) for law in laws],
            }
        )
    if bases:
        node["dpv:hasLegalBasis"] = bases
    rules = view.retention_rules(activity)
    if rules:
        node["dpv:hasStorageCondition"] = [
            ref(iris.iri("retention-rules", r["slug"])) for r in rules
        ]
    state = activity.state
    for field, term in (
        ("applies_from_age", "dsr:appliesFromAge"),
        ("applies_until_age", "dsr:appliesUntilAge"),
    ):
        if state.get(field) is not None:
            node[term] = state[field]
    for condition in state.get("conditions", []):
        node.setdefault("dsr:condition", []).append(displayed(condition["description"]))
    return node


def purpose_process(iris: Iris, purpose: State) -> dict[str, Any]:
    """A purpose as a process: what the controller does for it, and the
    arrangements and collections that serve it."""
    iri = iris.iri("purposes", purpose["slug"])
    node: dict[str, Any] = {
        "@id": iri + "#process",
        "@type": "dpv:Process",
        "rdfs:label": purpose["name"],
        "dpv:hasPurpose": ref(iri),
        "dpv:hasDataController": ref(iris.controller_iri()),
    }
    parts = [
        ref(iris.iri("sharing", s["slug"]))
        for s in iris.view.arrangements_for("purposes", purpose["slug"])
    ] + [
        ref(iris.iri("data-collections", c["slug"]))
        for c in iris.view.section("data_collections")
        if purpose["slug"] in c["purposes"]
    ]
    if parts:
        node["dct:hasPart"] = parts
    return node
