"""JSON-LD with the W3C Data Privacy Vocabulary (DPV 2.3).

Every sharing arrangement, national data collection and purpose is a
``dpv:Process``. Terms come only from DPV's published term lists (``dpv:``,
``pd:``, ``eu-gdpr:``); the register's own entities get IRIs under the API
(their detail paths), Acts and regulations their legislation.gov.uk
identifier URIs. Each process links to the register's own data category
nodes (which carry the special category flag) and also directly to the
``pd:`` term that fits, so DPV tools that only know ``pd:`` find them too.
The document is built as plain dicts: no RDF library at run time.

Each fact the notice does not simply state has an RDF statement node (an
``rdf:Statement`` about the entity, the property the export uses for the
fact and, for a value, the value) carrying its basis (``dsr:basis``):

- ``inferred``: the triple is asserted, and its statement node says how it
  was read: ``prov:wasDerivedFrom`` the quotes it rests on (``prov:value``),
  ``prov:wasGeneratedBy`` an activity of type ``dpv:Infer``, and the one-line
  reasoning as ``rdfs:comment``;
- ``reference``: ``prov:wasDerivedFrom`` the official source;
- ``not_stated``: no triple can be asserted; the statement node has no object
  and ``dpv:hasApplicability`` ``dpv:NotAvailable`` (a fact every arrangement
  has, such as what it shares) or ``dpv:UnknownApplicability`` (anything else),
  DPV's way of saying a value is required or possible but not given;
- an open list (``exhaustive: false``: the notice's examples) says so with
  ``dsr:exhaustive false``.

The statement's property is the one the export asserts the fact with
(``rdf:type`` for special category data and a recipient's kind); a law is
``dpv:hasApplicableLaw`` of the entity, though the export asserts it on the
process's ``dpv:LegalObligation``; a fact the export has no property for is
``dsr:<field>``.

A fact without a statement node is stated by the notice, in the words of the
entity's own sources.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import orjson
from starlette.requests import Request
from starlette.responses import Response

from app.exports.common import Export, ExportFormat, export_response
from app.exports.content import DATA_COLLECTION, PURPOSE, SHARING, Activity, RegisterView, State
from app.exports.readings import CONTROLLERS, Note, entities, notes_of
from app.register.basis import BasisKind, displayed
from app.register.vocabulary import dpv_terms

FORMAT = ExportFormat("jsonld", "application/ld+json", "jsonld", attachment=False)
MEDIA_TYPE = FORMAT.media_type

VOCAB = "https://sharing-register.example/ns#"
LEGISLATION_ID = "http://www.legislation.gov.uk/id/"

CONTEXT: dict[str, Any] = {
    "dpv": "https://w3id.org/dpv#",
    "pd": "https://w3id.org/dpv/pd#",
    "eu-gdpr": "https://w3id.org/dpv/legal/eu/gdpr#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dct": "http://purl.org/dc/terms/",
    "dcat": "http://www.w3.org/ns/dcat#",
    "prov": "http://www.w3.org/ns/prov#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "dsr": VOCAB,
    "dpv:hasDuration": {"@type": "xsd:duration"},
    "prov:generatedAtTime": {"@type": "xsd:dateTime"},
    "dsr:asOf": {"@type": "xsd:dateTime"},
    "dsr:publishedAt": {"@type": "xsd:dateTime"},
    "dsr:dataVersion": {"@type": "xsd:integer"},
    "dsr:checkpoint": {"@type": "@json"},
    "dsr:appliesFromAge": {"@type": "xsd:integer"},
    "dsr:appliesUntilAge": {"@type": "xsd:integer"},
}

PREFIXES = ("dpv:", "pd:", "eu-gdpr:")

ROLE_TYPES: dict[str, list[str]] = {
    "processor": ["dpv:DataProcessor"],
    "independent_controller": ["dpv:DataController"],
    "joint_controller": ["dpv:DataController"],
}
KIND_TYPES: dict[str, str] = {
    "government_department": "dpv:GovernmentalOrganisation",
    "government_agency": "dpv:GovernmentalOrganisation",
    "local_authority": "dpv:GovernmentalOrganisation",
    "regulator": "dpv:GovernmentalOrganisation",
    "council_service": "dpv:OrganisationalUnit",
    "school": "dpv:EducationalOrganisation",
    "education_provider": "dpv:EducationalOrganisation",
    "police": "dpv:LawEnforcementOrganisation",
    "charity": "dpv:CharityOrganisation",
    "health_body": "dpv:HealthcareOrganisation",
    "company": "dpv:ForProfitOrganisation",
    "awarding_body": "dpv:Organisation",
    "court_or_legal": "dpv:Organisation",
}
PREDICATES: dict[str, str] = {
    "purposes": "dpv:hasPurpose",
    "data_subjects": "dpv:hasDataSubject",
    "data_categories": "dpv:hasPersonalData",
    "lawful_bases": "dpv:hasLegalBasis",
    "legislation": "dpv:hasApplicableLaw",
    "recipient": "dpv:hasRecipient",
    "owner": "dpv:hasRecipient",
    "applies_from_age": "dsr:appliesFromAge",
    "applies_until_age": "dsr:appliesUntilAge",
    "role": "dsr:role",
    "group": "skos:broader",
    "part_of": "dct:isPartOf",
    "duration": "dpv:hasDuration",
    "cited_as": "dsr:citedAs",
    "address": "dpv:hasAddress",
    "security_measures": "dpv:hasTechnicalOrganisationalMeasure",
    "dpo": "dpv:hasDataProtectionOfficer",
    "representative": "dpv:hasRepresentative",
}
"""The property the export uses for a fact's field; others are ``dsr:<field>``."""
REQUIRED_FACTS = frozenset(
    {"data_categories", "data_subjects", "purposes", "lawful_bases", "recipient", "owner"}
)
"""Facts every processing has: unstated, they are ``dpv:NotAvailable``."""
STAMP_TERMS = {
    "data_version": "dsr:dataVersion",
    "as_of": "dsr:asOf",
    "version": "dsr:version",
    "version_name": "dsr:versionName",
    "published_at": "dsr:publishedAt",
    "checkpoint": "dsr:checkpoint",
}


def _ref(iri: str) -> dict[str, str]:
    return {"@id": iri}


def _camel(words: str) -> str:
    first, *rest = words.replace(".", "_").split("_")
    return first + "".join(part.capitalize() for part in rest)


def known_terms() -> frozenset[str]:
    """DPV 2.3's terms: a ``dpv_term`` outside them is kept as text, never as an IRI."""
    return dpv_terms()


def _term(value: str | None) -> str | None:
    """A DPV-family compact IRI from a ``dpv_term`` field, or None."""
    if value and value.startswith(PREFIXES) and value in known_terms():
        return value
    return None


class _Builder:
    def __init__(self, view: RegisterView, base_url: str) -> None:
        self.view = view
        self.api = base_url.rstrip("/") + "/api/v1/"
        self.controller = view.controller["slug"]
        self._register_iri = f"{self.api}register?controller={quote(self.controller)}"

    def iri(self, entity_type: str, slug: str) -> str:
        path = f"{self.api}{entity_type}/{quote(slug)}"
        if entity_type == "lawful-bases":
            return path
        return f"{path}?controller={quote(self.controller)}"

    def controller_iri(self) -> str:
        return f"{self.api}controllers/{quote(self.controller)}"

    def law_iri(self, law: State) -> str:
        if law["legislation_gov_uk_id"]:
            return LEGISLATION_ID + str(law["legislation_gov_uk_id"])
        return self.iri("legislation", law["slug"])

    def basis_iri(self, basis: State) -> str:
        return _term(basis["dpv_term"]) or self.iri("lawful-bases", basis["slug"])

    # --- nodes ---------------------------------------------------------------

    def controller_node(self) -> dict[str, Any]:
        c = self.view.controller
        node: dict[str, Any] = {
            "@id": self.controller_iri(),
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
            _ref(_term(r["dpv_term"]) or self.iri("rights", r["slug"]))
            for r in self.view.section("rights")
        ]
        if rights:
            node["dpv:hasRight"] = rights
        return node

    def described(self, node: dict[str, Any], state: State) -> dict[str, Any]:
        node["rdfs:label"] = displayed(state["name"])
        if state.get("description"):
            node["dct:description"] = displayed(state["description"])
        if state.get("dpv_term") and not _term(state["dpv_term"]):
            node["dsr:dpvTerm"] = state["dpv_term"]  # not a DPV 2.3 term: text only
        return node

    def entity_nodes(self) -> list[dict[str, Any]]:
        nodes: list[dict[str, Any]] = []
        node: dict[str, Any]
        for subject in self.view.section("data_subjects"):
            types = ["dpv:DataSubject"]
            if _term(subject["dpv_term"]):
                types.append(subject["dpv_term"])
            node = {"@id": self.iri("data-subjects", subject["slug"]), "@type": types}
            nodes.append(self.described(node, subject))
        for category in self.view.section("data_categories"):
            types = ["dpv:PersonalData"]
            if category["special_category"]:
                types.append("dpv:SpecialCategoryPersonalData")
            broader: list[dict[str, str]] = []
            if category["group"]:
                broader.append(_ref(self.iri("data-categories", category["group"])))
            if _term(category["dpv_term"]):
                broader.append(_ref(category["dpv_term"]))
            node = {"@id": self.iri("data-categories", category["slug"]), "@type": types}
            if broader:
                node["skos:broader"] = broader
            nodes.append(self.described(node, category))
        for purpose in self.view.section("purposes"):
            types = ["dpv:Purpose"] + ([purpose["dpv_term"]] if _term(purpose["dpv_term"]) else [])
            node = {"@id": self.iri("purposes", purpose["slug"]), "@type": types}
            nodes.append(self.described(node, purpose))
        for recipient in self.view.section("recipients"):
            types = ["dpv:Recipient", *ROLE_TYPES.get(recipient["role"], [])]
            if recipient["kind"] in KIND_TYPES:
                types.append(KIND_TYPES[recipient["kind"]])
            node = {
                "@id": self.iri("recipients", recipient["slug"]),
                "@type": types,
                "dpv:hasName": recipient["name"],
                "dsr:role": recipient["role"],
            }
            nodes.append(self.described(node, recipient))
        for law in self.view.section("legislation"):
            node = {"@id": self.law_iri(law), "@type": "dpv:Law"}
            parent = self.view.get("legislation", law["part_of"])
            if parent is not None:
                node["dct:isPartOf"] = _ref(self.law_iri(parent))
            if law["cited_as"]:
                node["dsr:citedAs"] = law["cited_as"]
            nodes.append(self.described(node, law))
        for rule in self.view.section("retention_rules"):
            node = {
                "@id": self.iri("retention-rules", rule["slug"]),
                "@type": "dpv:StorageDuration",
            }
            if rule["duration"]:
                node["dpv:hasDuration"] = rule["duration"]
            nodes.append(self.described(node, rule))
        return nodes

    # --- processes -----------------------------------------------------------

    def process(self, activity: Activity) -> dict[str, Any]:
        view = self.view
        kind = {SHARING: "sharing", DATA_COLLECTION: "data-collections"}[activity.kind]
        node: dict[str, Any] = {
            "@id": self.iri(kind, activity.slug),
            "@type": "dpv:Process",
            "dpv:hasDataController": _ref(self.controller_iri()),
        }
        self.described(node, activity.state)
        if activity.purposes:
            node["dpv:hasPurpose"] = [
                _ref(self.iri("purposes", p["slug"]))
                for p in view.resolve("purposes", activity.purposes)
            ]
        if activity.data_subjects:
            node["dpv:hasDataSubject"] = [
                _ref(self.iri("data-subjects", s["slug"]))
                for s in view.resolve("data_subjects", activity.data_subjects)
            ]
        data: list[dict[str, str]] = []
        for category in view.resolve("data_categories", activity.data_categories):
            data.append(_ref(self.iri("data-categories", category["slug"])))
            if _term(category["dpv_term"]):
                data.append(_ref(category["dpv_term"]))
        if data:
            node["dpv:hasPersonalData"] = data
        recipient = view.get("recipients", activity.recipient)
        if recipient is not None:
            prop = (
                "dpv:hasDataProcessor" if recipient["role"] == "processor" else "dpv:hasRecipient"
            )
            node[prop] = _ref(self.iri("recipients", recipient["slug"]))
        bases: list[dict[str, Any]] = [_ref(self.basis_iri(b)) for b in view.legal_bases(activity)]
        laws = view.resolve("legislation", activity.legislation)
        if laws:
            bases.append(
                {
                    "@type": "dpv:LegalObligation",
                    "dpv:hasApplicableLaw": [_ref(self.law_iri(law)) for law in laws],
                }
            )
        if bases:
            node["dpv:hasLegalBasis"] = bases
        rules = view.retention_rules(activity)
        if rules:
            node["dpv:hasStorageCondition"] = [
                _ref(self.iri("retention-rules", r["slug"])) for r in rules
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

    def purpose_process(self, purpose: State) -> dict[str, Any]:
        """A purpose as a process: what the controller does for it, and the
        arrangements and collections that serve it."""
        iri = self.iri("purposes", purpose["slug"])
        node: dict[str, Any] = {
            "@id": iri + "#process",
            "@type": "dpv:Process",
            "rdfs:label": purpose["name"],
            "dpv:hasPurpose": _ref(iri),
            "dpv:hasDataController": _ref(self.controller_iri()),
        }
        parts = [
            _ref(self.iri("sharing", s["slug"]))
            for s in self.view.arrangements_for("purposes", purpose["slug"])
        ] + [
            _ref(self.iri("data-collections", c["slug"]))
            for c in self.view.section("data_collections")
            if purpose["slug"] in c["purposes"]
        ]
        if parts:
            node["dct:hasPart"] = parts
        return node

    # --- the basis of facts ---------------------------------------------------

    def register_iri(self) -> str:
        return self._register_iri

    def entity_iri(self, entity_type: str, state: State) -> str:
        if entity_type == CONTROLLERS:
            return self.controller_iri()
        if entity_type == "legislation":
            return self.law_iri(state)
        if entity_type == "lawful-bases":
            return self.basis_iri(state)
        return self.iri(entity_type, state["slug"])

    def linked_iri(self, entity_type: str, slug: str) -> str:
        state = self.view.get(entity_type.replace("-", "_"), slug)
        if state is None:
            return self.iri(entity_type, slug)
        return self.entity_iri(entity_type, state)

    def type_of(self, note: Note) -> str | None:
        """The class a fact makes its entity an instance of, where the export
        says it with ``rdf:type``: special category data, a recipient's kind."""
        if note.condition is not None:
            return None
        if note.entity_type == "data-categories" and note.field == "special_category":
            return "dpv:SpecialCategoryPersonalData" if note.value is True else None
        if note.entity_type == "recipients" and note.field == "kind":
            return KIND_TYPES.get(str(note.value))
        return None

    def predicate(self, note: Note) -> str:
        if self.type_of(note):
            return "rdf:type"
        if note.field in ("recipient", "owner") and note.value:
            recipient = self.view.get("recipients", note.value)
            if recipient is not None and recipient["role"] == "processor":
                return "dpv:hasDataProcessor"
        if note.condition is None and note.field in PREDICATES:
            return PREDICATES[note.field]
        return "dsr:" + _camel(note.own_key.split("/", 1)[0])

    def fact_object(self, note: Note) -> Any:
        """The statement's object: the linked entity or the value, if any."""
        value = note.value
        if note.basis is BasisKind.NOT_STATED or value is None or isinstance(value, dict):
            return None
        rdf_type = self.type_of(note)
        if rdf_type:
            return _ref(rdf_type)
        if note.target_type and isinstance(value, str):
            return _ref(self.linked_iri(note.target_type, value))
        if isinstance(value, list):
            return None  # the list as a whole: its links have statements of their own
        return value

    def statement(self, note: Note) -> dict[str, Any]:
        """The statement node of one fact: what it is about and its basis."""
        subject = self.entity_iri(note.entity_type, note.state)
        if note.condition is not None:
            subject += f"#condition-{note.condition + 1}"
        slug = note.state["slug"]
        node: dict[str, Any] = {
            "@id": f"{self.register_iri()}#fact/{note.entity_type}/{slug}/{quote(note.key)}",
            "@type": ["rdf:Statement", "prov:Entity"],
            "rdf:subject": _ref(subject),
            "rdf:predicate": _ref(self.predicate(note)),
            "dsr:factKey": note.key,
            "dsr:basis": note.basis.value,
        }
        value = self.fact_object(note)
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
            node["dpv:hasApplicability"] = _ref(applicability)
            node["rdfs:comment"] = "The notice does not state it."
        if note.exhaustive is False:
            node["dsr:exhaustive"] = False
            node.setdefault("rdfs:comment", "The notice gives examples: the list is not complete.")
        return node

    def statements(self) -> list[dict[str, Any]]:
        """A statement node for each fact that is not simply stated."""
        return [
            self.statement(note)
            for entity_type, state in entities(self.view)
            for note in notes_of(entity_type, state)
            if note.basis is not BasisKind.STATED or note.exhaustive is False
        ]

    def graph(self, export: Export) -> list[dict[str, Any]]:
        register: dict[str, Any] = {
            "@id": self.register_iri(),
            "@type": "dcat:Dataset",
            "dct:title": f"Data sharing register of {self.view.controller['name']}",
            "dct:publisher": _ref(self.controller_iri()),
            "prov:generatedAtTime": export.generated_at,
            "dsr:contentDigest": export.digest,
        }
        for key, value in export.stamps.items():
            if value is not None and key in STAMP_TERMS:
                register[STAMP_TERMS[key]] = value
        nodes = [register, self.controller_node(), *self.entity_nodes()]
        for activity in self.view.activities():
            if activity.kind != PURPOSE:
                nodes.append(self.process(activity))
        nodes.extend(self.purpose_process(p) for p in self.view.section("purposes"))
        nodes.extend(self.statements())
        return nodes


def build(export: Export, base_url: str) -> dict[str, Any]:
    builder = _Builder(RegisterView(export.snapshot.content), base_url)
    return {"@context": CONTEXT, "@graph": builder.graph(export)}


def response(request: Request, export: Export) -> Response:
    base_url = str(request.base_url)
    return export_response(
        request,
        export,
        FORMAT,
        lambda: orjson.dumps(build(export, base_url)),
        variant=base_url,
    )


def _quality(request: Request) -> tuple[float, float]:
    """q of application/ld+json and of plain JSON in the Accept header."""
    ld = json = 0.0
    for part in request.headers.get("accept", "").split(","):
        media, *params = (p.strip() for p in part.split(";"))
        q = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        media = media.lower()
        if media == MEDIA_TYPE:
            ld = max(ld, q)
        elif media == "application/json":
            json = max(json, q)
    return ld, json


def prefers_jsonld(request: Request) -> bool:
    """Whether content negotiation on ``/api/v1/register`` picks JSON-LD: the
    client names it, and does not prefer plain JSON to it."""
    ld, json = _quality(request)
    return ld > 0 and ld >= json
