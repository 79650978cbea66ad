"""The vocabulary of the JSON-LD export: the context, the DPV classes and
properties each register field maps to, and which ``dpv_term`` values are
DPV 2.3 terms."""

from __future__ import annotations

from typing import Any

from app.register.vocabulary import dpv_terms

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


def ref(iri: str) -> dict[str, str]:
    return {"@id": iri}


def camel(words: str) -> str:
    first, *rest = words.replace(".", "_").split("_")
    return first + "".join(part.capitalize() for part in rest)


def known_terms() -> frozenset[str]:
    """DPV 2.3's terms: a ``dpv_term`` outside them is kept as text, never as an IRI."""
    return dpv_terms()


def dpv_iri(value: str | None) -> str | None:
    """A DPV-family compact IRI from a ``dpv_term`` field, or None."""
    if value and value.startswith(PREFIXES) and value in known_terms():
        return value
    return None
