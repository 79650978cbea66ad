"""The JSON-LD export with DPV 2.3, read back with rdflib and queried with SPARQL."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from rdflib import RDF, SKOS, XSD, Graph, Literal, Namespace, URIRef

from app.errors import InvalidInput
from app.exports.jsonld import known_terms
from app.register.basis import REDACTED_EMAIL as REDACTED
from app.register.basis import REDACTED_EMAIL_WORDS as REDACTED_WORDS
from tests.exports_helpers import API, COUNCIL, change, content_of, dpv_terms, seed

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


# --- the basis of facts ----------------------------------------------------------

RDF_NS = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
DSR = Namespace("https://sharing-register.example/ns#")
PROV = Namespace("http://www.w3.org/ns/prov#")
COMPANIES = (
    "Companies who process child level data on behalf of schools and settings, Local "
    "Authorities and the Department for Education to provide anonymised and aggregated "
    "management information or to help us support particular groups of children. These "
    "data processors include"
)
LAW_REQUIRES = (
    "The law requires us to provide information about our pupils to the DfE as part of "
    "statutory data collections."
)
UNSTATED_SHARING = f"""
PREFIX dpv: <https://w3id.org/dpv#>
PREFIX rdf: <{RDF_NS}>
SELECT DISTINCT ?process ?recipient WHERE {{
  ?fact rdf:subject ?process ; rdf:predicate dpv:hasPersonalData ;
        dpv:hasApplicability dpv:NotAvailable .
  {{ ?process dpv:hasRecipient ?recipient }} UNION {{ ?process dpv:hasDataProcessor ?recipient }}
}}"""
OPEN_LISTS = f"""
PREFIX dpv: <https://w3id.org/dpv#>
PREFIX dsr: <https://sharing-register.example/ns#>
PREFIX rdf: <{RDF_NS}>
SELECT DISTINCT ?process WHERE {{
  ?fact rdf:subject ?process ; rdf:predicate dpv:hasPersonalData ; dsr:exhaustive false .
}}"""
INFERRED = f"""
PREFIX dsr: <https://sharing-register.example/ns#>
PREFIX rdf: <{RDF_NS}>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX dpv: <https://w3id.org/dpv#>
SELECT ?subject ?predicate ?object ?quote ?reasoning WHERE {{
  ?fact dsr:basis "inferred" ; rdf:subject ?subject ; rdf:predicate ?predicate ;
        rdf:object ?object ; rdfs:comment ?reasoning ;
        prov:wasDerivedFrom [ prov:value ?quote ] ;
        prov:wasGeneratedBy [ a prov:Activity, dpv:Infer ] .
}}"""


def facts_of(graph: Graph) -> dict[tuple[str, str], dict[str, Any]]:
    """Each statement node by (its subject, its fact key): basis and object."""
    found = {}
    for fact in graph.subjects(RDF.type, RDF.Statement):
        key = (str(graph.value(fact, RDF.subject)), str(graph.value(fact, DSR.factKey)))
        found[key] = {
            "basis": str(graph.value(fact, DSR.basis)),
            "object": graph.value(fact, RDF.object),
            "predicate": graph.value(fact, RDF.predicate),
            "applicability": graph.value(fact, DPV.hasApplicability),
            "exhaustive": graph.value(fact, DSR.exhaustive),
        }
    return found


def test_every_fact_the_notice_does_not_state_has_a_statement_of_its_basis(
    client: TestClient, seed_graph: Graph
) -> None:
    register = client.get(f"{API}/register").json()
    facts = facts_of(seed_graph)
    expected = {}
    for key, states in content_of(register).items():
        if not isinstance(states, list) or key in ("legislation", "lawful_bases"):
            continue  # their IRIs are legislation.gov.uk's and DPV's, not the register's
        for state in states:
            subject = str(iri(key.replace("_", "-"), state["slug"]))
            for fact, entry in state["basis"].items():
                if entry["basis"] != "stated" or entry["exhaustive"] is False:
                    expected[(subject, fact)] = entry["basis"]
    assert len(expected) > 100
    found = {
        key: value["basis"] for key, value in facts.items() if key[0] in {s for s, _ in expected}
    }
    assert found == expected
    # What an arrangement shares, unstated: not available (every sharing shares something).
    unstated = facts[(str(iri("sharing", "police")), "data_categories")]
    assert unstated["basis"] == "not_stated"
    assert unstated["predicate"] == DPV.hasPersonalData
    assert unstated["applicability"] == DPV.NotAvailable
    assert unstated["object"] is None
    age = facts[(str(iri("sharing", "police")), "applies_from_age")]
    assert age["applicability"] == DPV.UnknownApplicability
    special = facts[(str(iri("data-categories", "ethnicity")), "special_category")]
    assert special["basis"] == "reference"
    assert (special["predicate"], special["object"]) == (RDF.type, DPV.SpecialCategoryPersonalData)
    ethnicity = iri("data-categories", "ethnicity")
    assert (ethnicity, RDF.type, DPV.SpecialCategoryPersonalData) in seed_graph  # as asserted


def test_who_receives_special_category_data_none_stated_and_the_silent_are_found(
    client: TestClient, seed_graph: Graph
) -> None:
    assert not list(seed_graph.query(SPECIAL_RECIPIENTS))
    special = client.get(f"{API}/sharing", params={"special_category": "true"}).json()
    assert special["items"] == []
    rows = seed_graph.query(UNSTATED_SHARING)
    silent = slugs_of((row[0] for row in rows), "sharing")  # type: ignore[index]
    api = client.get(f"{API}/sharing", params={"unstated": "data_categories", "limit": 100}).json()
    assert silent == {item["slug"] for item in api["items"]}
    assert silent == {s["slug"] for s in seed("sharing") if not s.get("data_categories")}
    assert "police" in silent
    (entry,) = (u for u in special["unstated"] if u["fact"] == "data_categories")
    assert entry["count"] == len(silent)
    recipients = slugs_of((row[1] for row in seed_graph.query(UNSTATED_SHARING)), "recipients")  # type: ignore[index]
    assert "police" in recipients
    # Lists the notice only gives examples of may hold more: they are found too.
    register = client.get(f"{API}/register").json()
    open_lists = slugs_of((row[0] for row in seed_graph.query(OPEN_LISTS)), "sharing")  # type: ignore[index]
    assert open_lists == {
        s["slug"]
        for s in register["sharing"]
        if s["basis"]["data_categories"]["exhaustive"] is False
    }


def test_inferred_facts_carry_their_quote_and_reasoning(
    app: FastAPI, write_client: TestClient
) -> None:
    reasoning = "Listed among the companies the notice calls data processors."
    change(
        app,
        "recipients",
        "nexus",
        {"basis": {"kind": {"basis": "inferred", "quotes": [COMPANIES], "reasoning": reasoning}}},
    )
    basis_reasoning = "'The law requires us' reads as a legal obligation, Article 6(1)(c)."
    change(
        app,
        "sharing",
        "police",
        {
            "lawful_bases": ["article-6-1-c"],
            "data_categories": ["name", "address"],
            "basis": {
                "lawful_bases/article-6-1-c": {
                    "basis": "inferred",
                    "quotes": [LAW_REQUIRES],
                    "reasoning": basis_reasoning,
                },
                "data_categories": {
                    "basis": "stated",
                    "quotes": ["The Police and the NSPCC"],
                    "exhaustive": False,
                },
                **{
                    f"data_categories/{slug}": {
                        "basis": "stated",
                        "quotes": ["The Police and the NSPCC"],
                    }
                    for slug in ("name", "address")
                },
            },
        },
    )
    graph = export(write_client)
    rows = {
        (str(r[0]), str(r[1]), str(r[2]), str(r[3]), str(r[4]))  # type: ignore[index]
        for r in graph.query(INFERRED)
    }
    nexus, police = iri("recipients", "nexus"), iri("sharing", "police")
    assert rows >= {
        (str(nexus), str(RDF.type), str(DPV.ForProfitOrganisation), COMPANIES, reasoning),
        (str(police), str(DPV.hasLegalBasis), str(GDPR["A6-1-c"]), LAW_REQUIRES, basis_reasoning),
    }
    # The inferred triple itself is still asserted: the statement marks it as a reading.
    assert (police, DPV.hasLegalBasis, GDPR["A6-1-c"]) in graph
    facts = facts_of(graph)
    listed = facts[(str(police), "data_categories")]
    assert listed["basis"] == "stated"
    assert listed["exhaustive"] == Literal(False)
    assert "police" in slugs_of((row[0] for row in graph.query(OPEN_LISTS)), "sharing")  # type: ignore[index]
    assert (str(police), "data_categories/name") not in facts  # a stated link: no statement
    # A list given a value with no basis of its own is a reading to confirm.
    assert facts[(str(police), "lawful_bases")]["basis"] == "inferred"


def test_displayed_text_names_redacted_addresses_in_words(seed_graph: Graph) -> None:
    shown = [
        str(o)
        for p in (DSR.condition, URIRef("http://purl.org/dc/terms/description"))
        for o in seed_graph.objects(None, p)
    ]
    assert not any(REDACTED in text for text in shown)
    youth = iri("sharing", "youth-support-services-from-13")
    conditions = [str(c) for c in seed_graph.objects(youth, DSR.condition)]
    assert any(REDACTED_WORDS in text for text in conditions)


def test_a_conditions_inferred_fact_is_a_statement_about_that_condition(
    app: FastAPI, write_client: TestClient
) -> None:
    slug = "youth-support-services-from-13"
    conditions = write_client.get(f"{API}/sharing/{slug}").json()["conditions"]
    transferred = "This right is transferred to the child/pupil once he/she reaches the age of 16."
    reasoning = "Once the right passes to the child at 16, a parent no longer holds it."
    conditions[1]["basis"] = {
        "until_age": {"basis": "inferred", "quotes": [transferred], "reasoning": reasoning}
    }
    change(app, "sharing", slug, {"conditions": conditions})
    rows = list(export(write_client).query(INFERRED))
    assert (
        f"{iri('sharing', slug)}#condition-2",
        str(DSR.untilAge),
        "16",
        transferred,
        reasoning,
    ) in [tuple(str(v) for v in row) for row in rows]  # type: ignore[union-attr]
