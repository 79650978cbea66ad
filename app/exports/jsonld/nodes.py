"""The JSON-LD nodes of the controller and of the register's entities."""

from __future__ import annotations

from typing import Any

from app.exports.content import State
from app.exports.jsonld.iris import Iris
from app.exports.jsonld.terms import KIND_TYPES, ROLE_TYPES, dpv_iri, ref
from app.register.basis import displayed


def controller_node(iris: Iris) -> dict[str, Any]:
    c = iris.view.controller
    node: dict[str, Any] = {
        "@id": iris.controller_iri(),
        "@type": ["dpv:DataController", "dpv:Organisation"],
        "dpv:hasName": c["name"],
    }
    if c["address"]:
        node["dpv:hasAddress"] = c["address"]
    contacts = [v for v in (c["email"], c["phone"], c["website"]) if v]
    if contacts:
        node["dpv:hasContact"] = contacts
    dpo = c["dpo"]
    dpo_node: dict[str, Any] = {"@type": "dpv:DataProtectionOfficer"}
    if dpo["name"] or dpo["team"]:
        dpo_node["dpv:hasName"] = dpo["name"] or dpo["team"]
    if dpo["address"]:
        dpo_node["dpv:hasAddress"] = dpo["address"]
    dpo_contacts = [v for v in (dpo["email"], dpo["phone"], dpo["url"]) if v]
    if dpo_contacts:
        dpo_node["dpv:hasContact"] = dpo_contacts
    node["dpv:hasDataProtectionOfficer"] = dpo_node
    rep = c["representative"]
    if rep and (rep["name"] or rep["team"]):
        node["dpv:hasRepresentative"] = {
            "@type": "dpv:Representative",
            "dpv:hasName": rep["name"] or rep["team"],
        }
    if c["security_measures"]:
        node["dpv:hasTechnicalOrganisationalMeasure"] = {
            "@type": "dpv:TechnicalOrganisationalMeasure",
            "dct:description": c["security_measures"],
        }
    rights = [
        ref(dpv_iri(r["dpv_term"]) or iris.iri("rights", r["slug"]))
        for r in iris.view.section("rights")
    ]
    if rights:
        node["dpv:hasRight"] = rights
    return node


def described(node: dict[str, Any], state: State) -> dict[str, Any]:
    node["rdfs:label"] = displayed(state["name"])
    if state.get("description"):
        node["dct:description"] = displayed(state["description"])
    if state.get("dpv_term") and not dpv_iri(state["dpv_term"]):
        node["dsr:dpvTerm"] = state["dpv_term"]  # not a DPV 2.3 term: text only
    return node


def entity_nodes(iris: Iris) -> list[dict[str, Any]]:
    nodes: list[dict[str, Any]] = []
    node: dict[str, Any]
    for subject in iris.view.section("data_subjects"):
        types = ["dpv:DataSubject"]
        if dpv_iri(subject["dpv_term"]):
            types.append(subject["dpv_term"])
        node = {"@id": iris.iri("data-subjects", subject["slug"]), "@type": types}
        nodes.append(described(node, subject))
    for category in iris.view.section("data_categories"):
        types = ["dpv:PersonalData"]
        if category["special_category"]:
            types.append("dpv:SpecialCategoryPersonalData")
        broader: list[dict[str, str]] = []
        if category["group"]:
            broader.append(ref(iris.iri("data-categories", category["group"])))
        if dpv_iri(category["dpv_term"]):
            broader.append(ref(category["dpv_term"]))
        node = {"@id": iris.iri("data-categories", category["slug"]), "@type": types}
        if broader:
            node["skos:broader"] = broader
        nodes.append(described(node, category))
    for purpose in iris.view.section("purposes"):
        types = ["dpv:Purpose"] + ([purpose["dpv_term"]] if dpv_iri(purpose["dpv_term"]) else [])
        node = {"@id": iris.iri("purposes", purpose["slug"]), "@type": types}
        nodes.append(described(node, purpose))
    for recipient in iris.view.section("recipients"):
        types = ["dpv:Recipient", *ROLE_TYPES.get(recipient["role"], [])]
        if recipient["kind"] in KIND_TYPES:
            types.append(KIND_TYPES[recipient["kind"]])
        node = {
            "@id": iris.iri("recipients", recipient["slug"]),
            "@type": types,
            "dpv:hasName": recipient["name"],
            "dsr:role": recipient["role"],
        }
        nodes.append(described(node, recipient))
    for law in iris.view.section("legislation"):
        node = {"@id": iris.law_iri(law), "@type": "dpv:Law"}
        parent = iris.view.get("legislation", law["part_of"])
        if parent is not None:
            node["dct:isPartOf"] = ref(iris.law_iri(parent))
        if law["cited_as"]:
            node["dsr:citedAs"] = law["cited_as"]
        nodes.append(described(node, law))
    for rule in iris.view.section("retention_rules"):
        node = {
            "@id": iris.iri("retention-rules", rule["slug"]),
            "@type": "dpv:StorageDuration",
        }
        if rule["duration"]:
            node["dpv:hasDuration"] = rule["duration"]
        nodes.append(described(node, rule))
    return nodes
