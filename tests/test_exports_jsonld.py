"""The JSON-LD export with DPV 2.3, read back with rdflib and queried with SPARQL."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from rdflib import RDF, SKOS, XSD, Graph, Literal, Namespace, URIRef

from app.errors import InvalidInput
from app.exports.jsonld import known_terms
from tests.exports_helpers import API, COUNCIL, change, dpv_terms

# rdflib's own JSON-LD parser still builds a ConjunctiveGraph internally.
pytestmark = pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning")

DPV = Namespace("https://w3id.org/dpv#")
PD = Namespace("https://w3id.org/dpv/pd#")
GDPR = Namespace("https://w3id.org/dpv/legal/eu/gdpr#")
BASE = "http://testserver/api/v1/"
S507B = URIRef("http://www.legislation.gov.uk/id/ukpga/1996/56/section/507B")

PREFIXES = """
PREFIX dpv: <https://w3id.org/dpv#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
"""
SPECIAL_RECIPIENTS = (
    PREFIXES
    + """
SELECT DISTINCT ?recipient WHERE {
  ?process a dpv:Process ; dpv:hasPersonalData ?data .
  { ?process dpv:hasRecipient ?recipient } UNION { ?process dpv:hasDataProcessor ?recipient }
  ?special a dpv:SpecialCategoryPersonalData .
  { ?data skos:broader* ?special } UNION { ?special skos:broader* ?data }
}"""
)
RESTING_ON = (
    PREFIXES
    + """
SELECT DISTINCT ?process WHERE {
  ?process a dpv:Process ; dpv:hasLegalBasis ?basis .
  ?basis dpv:hasApplicableLaw ?law .
}"""
)


def iri(entity_type: str, slug: str) -> URIRef:
    return URIRef(f"{BASE}{entity_type}/{slug}?controller={COUNCIL}")


def graph_of(response: Any) -> Graph:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/ld+json"
    graph = Graph()
    graph.parse(data=response.text, format="json-ld")
    return graph


def export(client: TestClient, **params: str) -> Graph:
    return graph_of(client.get(f"{API}/register.jsonld", params=params))


def slugs_of(iris: Any, entity_type: str) -> set[str]:
    prefix = f"{BASE}{entity_type}/"
    return {str(i).removeprefix(prefix).split("?")[0] for i in iris if str(i).startswith(prefix)}


@pytest.fixture(scope="module")
def seed_graph(client: TestClient) -> Graph:
    return export(client)


def test_every_dpv_iri_used_exists_in_the_dpv_2_3_term_lists(seed_graph: Graph) -> None:
    used = {
        str(node)
        for triple in seed_graph
        for node in triple
        if isinstance(node, URIRef) and str(node).startswith("https://w3id.org/dpv")
    }
    unknown = sorted(used - dpv_terms())
    assert not unknown, f"not DPV 2.3 terms: {unknown}"
    for term in (
        DPV.Process,
        DPV.hasPurpose,
        DPV.hasPersonalData,
        DPV.hasDataSubject,
        DPV.hasRecipient,
        DPV.hasDataProcessor,
        DPV.hasLegalBasis,
        DPV.LegalObligation,
        DPV.hasApplicableLaw,
        DPV.hasStorageCondition,
        DPV.StorageDuration,
        DPV.hasDuration,
        GDPR["A6-1-c"],
        PD.Name,
        PD.BirthDate,
    ):
        assert str(term) in used, term


def test_each_arrangement_collection_and_purpose_is_a_process(
    client: TestClient, seed_graph: Graph
) -> None:
    document = client.get(f"{API}/register").json()
    processes = set(seed_graph.subjects(RDF.type, DPV.Process))
    assert slugs_of(processes, "sharing") == {s["slug"] for s in document["sharing"]}
    assert slugs_of(processes, "data-collections") == {
        c["slug"] for c in document["data_collections"]
    }
    purpose_processes = {p for p in processes if str(p).endswith("#process")}
    assert slugs_of(purpose_processes, "purposes") == {p["slug"] for p in document["purposes"]}
    assert len(processes) == len(document["sharing"]) + 3 + len(document["purposes"])


def test_which_processes_rest_on_section_507b(client: TestClient, seed_graph: Graph) -> None:
    rows = seed_graph.query(RESTING_ON, initBindings={"law": S507B})
    found = slugs_of((row[0] for row in rows), "sharing")  # type: ignore[index]
    assert found == {"youth-support-services-from-13", "youth-support-services-neet-16-plus"}
    api = client.get(
        f"{API}/sharing", params={"legislation": "education-act-1996-section-507b"}
    ).json()
    assert found == {item["slug"] for item in api["items"]}
    section = list(seed_graph.objects(S507B, URIRef("http://purl.org/dc/terms/isPartOf")))
    assert section == [URIRef("http://www.legislation.gov.uk/id/ukpga/1996/56")]


def test_legal_bases_processors_and_storage(seed_graph: Graph) -> None:
    dfe = iri("sharing", "dfe-individual-pupils-regulations-2013")
    bases = set(seed_graph.objects(dfe, DPV.hasLegalBasis))
    assert GDPR["A6-1-c"] in bases
    (obligation,) = (b for b in bases if (b, RDF.type, DPV.LegalObligation) in seed_graph)
    assert set(seed_graph.objects(obligation, DPV.hasApplicableLaw)) == {
        URIRef("http://www.legislation.gov.uk/id/uksi/2013/2094"),
        URIRef("http://www.legislation.gov.uk/id/uksi/2013/2094/regulation/3"),
    }
    processors = slugs_of(seed_graph.objects(None, DPV.hasDataProcessor), "recipients")
    assert processors == {
        "data-processing-companies",
        "nexus",
        "fft-aspire",
        "sentinel-partners-limited",
        "welfare-call",
    }
    assert "nexus" not in slugs_of(seed_graph.objects(None, DPV.hasRecipient), "recipients")
    rule = iri("retention-rules", "looked-after-children-records")
    assert (iri("sharing", "welfare-call"), DPV.hasStorageCondition, rule) in seed_graph
    assert (rule, RDF.type, DPV.StorageDuration) in seed_graph
    assert (rule, DPV.hasDuration, Literal("P75Y", datatype=XSD.duration)) in seed_graph
    # From 13 "we pass their details": which details is not stated.
    youth = iri("sharing", "youth-support-services-from-13")
    data = set(seed_graph.objects(youth, DPV.hasPersonalData))
    assert not {PD.Name, PD.BirthDate, PD.PhysicalAddress, iri("data-categories", "name")} & data
    neet = iri("sharing", "youth-support-services-neet-16-plus")
    assert {PD.Contact, iri("data-categories", "contact-details")} <= set(
        seed_graph.objects(neet, DPV.hasPersonalData)
    )


def test_which_recipients_receive_special_category_data(
    app: FastAPI, write_client: TestClient
) -> None:
    # The seed states no special category data for any recipient.
    assert not list(export(write_client).query(SPECIAL_RECIPIENTS))
    change(app, "data-categories", "health-and-wellbeing", {"article9_condition": "article-9-2-g"})
    change(app, "sharing", "nexus", {"data_categories": ["health-and-wellbeing"]})
    change(app, "sharing", "police", {"data_categories": ["personal-characteristics"]})
    change(app, "sharing", "ofsted", {"data_categories": ["gender"]})
    graph = export(write_client)
    rows = graph.query(SPECIAL_RECIPIENTS)
    found = slugs_of((row[0] for row in rows), "recipients")  # type: ignore[index]
    api = write_client.get(f"{API}/sharing", params={"special_category": "true"}).json()
    assert found == {"nexus", "police"}
    assert found == {item["recipient"] for item in api["items"]}
    # The Article 9 condition of the special category data is a legal basis.
    assert GDPR["A9-2-g"] in set(graph.objects(iri("sharing", "nexus"), DPV.hasLegalBasis))


def test_stamps_match_the_register_document(client: TestClient, seed_graph: Graph) -> None:
    document = client.get(f"{API}/register").json()
    register = URIRef(f"{BASE}register?controller={COUNCIL}")
    vocab = Namespace("https://sharing-register.example/ns#")
    assert str(seed_graph.value(register, vocab.contentDigest)) == document["digest"]
    assert seed_graph.value(register, vocab.dataVersion).toPython() == document["data_version"]  # type: ignore[union-attr]
    generated = seed_graph.value(register, URIRef("http://www.w3.org/ns/prov#generatedAtTime"))
    assert isinstance(generated, Literal)
    assert generated.datatype == XSD.dateTime


@pytest.mark.parametrize(
    ("accept", "media_type"),
    [
        ("application/ld+json", "application/ld+json"),
        ("application/ld+json, application/json;q=0.9", "application/ld+json"),
        ("application/json, application/ld+json;q=0.5", "application/json"),
        ("application/json", "application/json"),
        ("*/*", "application/json"),
        ("application/ld+json;q=0", "application/json"),
    ],
)
def test_content_negotiation_on_the_register(
    client: TestClient, accept: str, media_type: str
) -> None:
    response = client.get(f"{API}/register", headers={"Accept": accept})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(media_type)
    assert "Accept" in response.headers["vary"]
    if media_type == "application/ld+json":
        body = response.json()
        assert "@context" in body
        direct = client.get(f"{API}/register.jsonld").json()
        assert strip_generation(body) == strip_generation(direct)
    else:
        assert "sharing" in response.json()


def strip_generation(body: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        {k: v for k, v in node.items() if k != "prov:generatedAtTime"} for node in body["@graph"]
    ]


def test_the_shipped_term_list_is_exactly_the_vendored_dpv_lists() -> None:
    prefixes = {
        "dpv:": "https://w3id.org/dpv#",
        "pd:": "https://w3id.org/dpv/pd#",
        "eu-gdpr:": "https://w3id.org/dpv/legal/eu/gdpr#",
    }
    expanded = set()
    for term in known_terms():
        prefix, _, name = term.partition(":")
        expanded.add(prefixes[prefix + ":"] + name)
    assert expanded == set(dpv_terms())


def test_a_term_dpv_does_not_have_is_refused_and_real_terms_are_used(
    app: FastAPI, write_client: TestClient
) -> None:
    with pytest.raises(InvalidInput):
        change(app, "data-subjects", "looked-after-children", {"dpv_term": "dpv:LookedAfterChild"})
    change(app, "data-categories", "gender", {"dpv_term": "pd:Gender"})
    graph = export(write_client)
    used = {str(n) for t in graph for n in t if isinstance(n, URIRef)}
    assert "https://w3id.org/dpv#LookedAfterChild" not in used
    assert (iri("data-categories", "gender"), SKOS.broader, PD.Gender) in graph
