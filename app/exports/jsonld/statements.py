"""Statement nodes: the basis of each fact the notice does not simply state
(``rdf:Statement`` nodes carrying ``dsr:basis``)."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from app.exports.jsonld.iris import Iris
from app.exports.jsonld.terms import KIND_TYPES, PREDICATES, REQUIRED_FACTS, camel, ref
from app.exports.readings import Note, entities, notes_of
from app.register.basis import BasisKind


def type_of(note: Note) -> str | None:
    """The class a fact makes its entity an instance of, where the export
    says it with ``rdf:type``: special category data, a recipient's kind."""
    if note.condition is not None:
        return None
    if note.entity_type == "data-categories" and note.field == "special_category":
        return "dpv:SpecialCategoryPersonalData" if note.value is True else None
    if note.entity_type == "recipients" and note.field == "kind":
        return KIND_TYPES.get(str(note.value))
    return None


def predicate(iris: Iris, note: Note) -> str:
    if type_of(note):
        return "rdf:type"
    if note.field in ("recipient", "owner") and note.value:
        recipient = iris.view.get("recipients", note.value)
        if recipient is not None and recipient["role"] == "processor":
            return "dpv:hasDataProcessor"
    if note.condition is None and note.field in PREDICATES:
        return PREDICATES[note.field]
    return "dsr:" + camel(note.own_key.split("/", 1)[0])


def fact_object(iris: Iris, note: Note) -> Any:
    """The statement's object: the linked entity or the value, if any."""
    value = note.value
    if note.basis is BasisKind.NOT_STATED or value is None or isinstance(value, dict):
        return None
    rdf_type = type_of(note)
    if rdf_type:
        return ref(rdf_type)
    if note.target_type and isinstance(value, str):
        return ref(iris.linked_iri(note.target_type, value))
    if isinstance(value, list):
        return None  # the list as a whole: its links have statements of their own
    return value


def statement(iris: Iris, note: Note) -> dict[str, Any]:
    """The statement node of one fact: what it is about and its basis."""
    subject = iris.entity_iri(note.entity_type, note.state)
    if note.condition is not None:
        subject += f"#condition-{note.condition + 1}"
    slug = note.state["slug"]
    node: dict[str, Any] = {
        "@id": f"{iris.register_iri()}#fact/{note.entity_type}/{slug}/{quote(note.key)}",
        "@type": ["rdf:Statement", "prov:Entity"],
        "rdf:subject": ref(subject),
        "rdf:predicate": ref(predicate(iris, note)),
        "dsr:factKey": note.key,
        "dsr:basis": note.basis.value,
    }
    value = fact_object(iris, note)
    if value is not None:
        node["rdf:object"] = value
    if note.basis is BasisKind.REFERENCE:
        node["prov:wasDerivedFrom"] = {
            "@type": "prov:Entity",
            "rdfs:label": note.reference,
            **({"prov:value": note.quotes} if note.quotes else {}),
        }
    elif note.quotes:  # the notice's words (for an unstated fact: those that omit it)
        node["prov:wasDerivedFrom"] = [
            {"@type": "prov:Entity", "prov:value": q} for q in note.quotes
        ]
    if note.basis is BasisKind.INFERRED:
        node["prov:wasGeneratedBy"] = {
            "@type": ["prov:Activity", "dpv:Infer"],
            "rdfs:comment": note.reasoning,
        }
        node["rdfs:comment"] = note.reasoning
    elif note.basis is BasisKind.NOT_STATED:
        required = note.condition is None and note.field in REQUIRED_FACTS
        applicability = "dpv:NotAvailable" if required else "dpv:UnknownApplicability"
        node["dpv:hasApplicability"] = ref(applicability)
        node["rdfs:comment"] = "The notice does not state it."
    if note.exhaustive is False:
        node["dsr:exhaustive"] = False
        node.setdefault("rdfs:comment", "The notice gives examples: the list is not complete.")
    return node


def statements(iris: Iris) -> list[dict[str, Any]]:
    """A statement node for each fact that is not simply stated."""
    return [
        statement(iris, note)
        for entity_type, state in entities(iris.view)
        for note in notes_of(entity_type, state)
        if note.basis is not BasisKind.STATED or note.exhaustive is False
    ]
