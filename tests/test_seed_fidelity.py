"""The seed says what the notice says: each correction of a reading of the
notice, pinned to the notice's own words and to the served API's answer.

Every test reads the notice (the verbatim copy kept beside the seed), checks
that the words a fact rests on are there, and asks the running API (over a
seeded database, SQLite and PostgreSQL) what it serves for that fact.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.register import entities as e
from tests.conftest import SEED_DIR

API = "/api/v1"
NOTICE = SEED_DIR / "cambridgeshire-county-council" / "notice.txt"
REFERENCE = Path(__file__).resolve().parent / "fixtures" / "reference"
SPACES = re.compile(r"\s+")


def collapse(text: str) -> str:
    return SPACES.sub(" ", text).strip()


@cache
def notice() -> str:
    return collapse(NOTICE.read_text(encoding="utf-8"))


def says(*quotes: str) -> None:
    """The notice holds each quote verbatim (whitespace collapsed)."""
    for quote in quotes:
        assert collapse(quote) in notice(), f"not in the notice: {quote!r}"


def get(client: TestClient, path: str, **params: Any) -> Any:
    response = client.get(f"{API}/{path}", params=params)
    assert response.status_code == 200, response.text
    return response.json()


def items(client: TestClient, path: str, **params: Any) -> list[dict[str, Any]]:
    body = get(client, path, limit=500, **params)
    assert body["total"] == len(body["items"])
    found: list[dict[str, Any]] = body["items"]
    return found


def sharing_slugs(client: TestClient, **params: Any) -> set[str]:
    return {item["slug"] for item in items(client, "sharing", **params)}


def assert_reading(entry: dict[str, Any], *quotes: str) -> None:
    """An ``inferred`` basis: the quotes are the notice's, the reasoning one line."""
    assert entry["basis"] == "inferred", entry
    assert entry["reasoning"]
    assert "\n" not in entry["reasoning"]
    for quote in quotes:
        assert any(quote in q for q in entry["quotes"]), (quote, entry["quotes"])
    says(*entry["quotes"])


# --- every basis rests on the notice's words ----------------------------------------


@pytest.mark.parametrize("entity_type", e.ALL_TYPES, ids=lambda t: t.name)
def test_every_quote_of_a_basis_is_the_notices(
    client: TestClient, entity_type: e.EntityType
) -> None:
    for item in items(client, entity_type.name):
        entries = [item["basis"]] + [c["basis"] for c in item.get("conditions", [])]
        for basis in entries:
            for key, entry in basis.items():
                if entry["basis"] == "reference":
                    assert entry["reference"], (item["slug"], key)
                    source = REFERENCE / entry["reference"]
                    if entry["quotes"] and source.is_file():
                        words = collapse(source.read_text(encoding="utf-8"))
                        assert all(collapse(q) in words for q in entry["quotes"]), key
                    continue
                says(*entry["quotes"])
                if entry["basis"] == "inferred":
                    assert entry["reasoning"], (item["slug"], key)
                    assert "\n" not in entry["reasoning"], (item["slug"], key)


# --- youth support from 13: "we pass their details" ---------------------------------


def test_youth_support_from_13_does_not_state_which_details_it_gets(client: TestClient) -> None:
    says(
        "Once pupils reach the age of 13, we pass their details to our youth support services",
        "A parent / guardian can request that only their child’s name, address and date of "
        "birth be passed to their provider of youth support services",
        "This right is transferred to the child/pupil once he/she reaches the age of 16.",
    )
    arrangement = get(client, "sharing/youth-support-services-from-13")
    assert arrangement["applies_from_age"] == 13
    assert arrangement["data_categories"] == []
    shared = arrangement["basis"]["data_categories"]
    assert shared["basis"] == "not_stated"
    assert shared["quotes"] == ["we pass their details"]
    says(*shared["quotes"])
    # Name, address and date of birth are the restriction, and the whole of it.
    rights = [c for c in arrangement["conditions"] if c["kind"] == "restriction_right"]
    assert [(c["exercised_by"], c["until_age"], c["from_age"]) for c in rights] == [
        ("parent_or_guardian", 16, None),
        ("data_subject", None, 16),
    ]
    for right in rights:
        assert right["restricted_to"] == ["address", "date-of-birth", "name"]
        restricted = right["basis"]["restricted_to"]
        assert restricted["basis"] == "stated"
        assert restricted["exhaustive"] is True
        says(*restricted["quotes"])
        assert right["basis"]["contact_email"]["basis"] == "not_stated"
        assert right["contact_email"] is None
    # Asked what is shared by name, the API does not claim this arrangement.
    assert "youth-support-services-from-13" not in sharing_slugs(client, data_category="name")
    answer = get(client, "sharing", data_category="name", limit=500)
    (silence,) = [u for u in answer["unstated"] if u["fact"] == "data_categories"]
    assert silence["count"] > 0
    unstated = {i["slug"] for i in items(client, "sharing", data_categories_stated="false")}
    assert "youth-support-services-from-13" in unstated


def test_the_schema_example_of_an_arrangement_does_not_repeat_the_misreading(
    client: TestClient,
) -> None:
    says("we pass their details")
    spec = client.get("/openapi.json").json()
    (example,) = spec["components"]["schemas"]["SharingIn"]["examples"]
    assert example["slug"] == "youth-support-services-from-13"
    assert example["data_categories"] == []
    assert example["basis"]["data_categories"]["basis"] == "not_stated"
    (right,) = example["conditions"]
    assert right["restricted_to"] == ["address", "date-of-birth", "name"]
    assert right["basis"]["restricted_to"]["exhaustive"] is True
    says(*right["basis"]["restricted_to"]["quotes"])


# --- special category data: held, never said to be shared with anyone ----------------


def test_no_arrangement_claims_special_category_data_the_notice_does_not_state(
    client: TestClient,
) -> None:
    says(
        "personal characteristics (such as ethnicity, first language, gender, religion and "
        "sexual orientation)",
        "information about the health and wellbeing of young people",
        "Where we collect special category data, we do so in order to carry out our statutory "
        "duties and to help us provide the right services.",
    )
    special = {c["slug"] for c in items(client, "data-categories") if c["special_category"]}
    assert {"ethnicity", "religion", "health-and-wellbeing"} <= special
    arrangements = items(client, "sharing")
    assert all(not special & set(a["data_categories"]) for a in arrangements)
    answer = get(client, "sharing", special_category="true", limit=500)
    assert answer["items"] == []
    (silence,) = [u for u in answer["unstated"] if u["filter"] == "special_category"]
    assert silence["count"] == sum(not a["data_categories"] for a in arrangements) > 0


def test_send_as_special_category_is_a_reading(client: TestClient) -> None:
    says("whether a child has SEND")
    assert "special category" not in notice().split("whether a child has SEND")[0][-300:]
    send = get(client, "data-categories/special-educational-needs-and-disabilities")
    assert send["special_category"] is True
    assert_reading(send["basis"]["special_category"], "whether a child has SEND")
    ethnicity = get(client, "data-categories/ethnicity")
    assert ethnicity["basis"]["special_category"]["basis"] == "reference"


# --- Article 6(1)(c) is read from "the law requires us" --------------------------------


def test_article_6_1_c_is_a_reading_of_the_statutory_wording(client: TestClient) -> None:
    says(
        "The law requires us to provide information about our pupils to the DfE as part of "
        "statutory data collections.",
        "on a statutory basis under section 3 of The Education (Information About Individual "
        "Pupils) (England) Regulations 2013",
    )
    assert "6(1)" not in notice()
    assert "Article 6" not in notice()
    statutory = items(client, "sharing", lawful_basis="article-6-1-c")
    assert {a["slug"] for a in statutory} == {
        "dfe-individual-pupils-regulations-2013",
        "dfe-alternative-provision-regulations-2007",
        "dfe-participation-in-education-or-training",
    }
    for arrangement in statutory:
        assert arrangement["recipient"] == "department-for-education"
        assert_reading(arrangement["basis"]["lawful_bases/article-6-1-c"])
    # Only what the notice states: no lawful basis at all.
    assert sharing_slugs(client, lawful_basis="article-6-1-c", basis="stated") == set()


# --- the flows to the DfE the notice describes ----------------------------------------


def test_participation_information_to_the_dfe_is_an_arrangement(client: TestClient) -> None:
    says(
        "The Local Authority is required to provide information to the DfE to enable them to "
        "monitor the extent to which young people are meeting their duty to participate in "
        "education or training."
    )
    flow = get(client, "sharing/dfe-participation-in-education-or-training")
    assert flow["recipient"] == "department-for-education"
    assert flow["purposes"] == ["nccis-monitor-participation-in-education-or-training"]
    assert flow["legislation"] == []  # the notice names no law for it
    assert flow["basis"]["legislation"]["basis"] == "not_stated"
    assert_reading(flow["basis"]["data_subjects/children-and-young-people"], "young people")


def test_progress_reports_to_the_dfe_are_an_arrangement(client: TestClient) -> None:
    says("monitor and report on the progress of children and young people, including to the DfE")
    flow = get(client, "sharing/dfe-progress-of-children-and-young-people")
    assert flow["recipient"] == "department-for-education"
    assert flow["purposes"] == ["monitor-and-report-on-progress"]
    assert flow["lawful_bases"] == []
    assert flow["frequency"] == "not_stated"
    by_purpose = sharing_slugs(client, purpose="monitor-and-report-on-progress")
    assert by_purpose == {"dfe-progress-of-children-and-young-people"}


# --- NCCIS and the council's own local caseload system ---------------------------------


def test_the_local_caseload_systems_purposes_are_not_the_nccis(client: TestClient) -> None:
    local = (
        "We are required to hold the information we need in order to support young people to "
        "engage in education and training; to identify those who are not participating and to "
        "plan services that meet young people’s needs in our local Client Caseload Information "
        "system."
    )
    says(local, "The National Client Caseload Information System (NCCIS)")
    nccis = get(client, "data-collections/national-client-caseload-information-system")
    assert nccis["purposes"] == ["nccis-monitor-participation-in-education-or-training"]
    assert all(local not in source["quote"] for source in nccis["sources"])
    assert_reading(nccis["basis"]["owner"], "The Local Authority is required to provide")
    assert "owned" not in notice().split("(NCCIS)")[1].split("Your Rights")[0]
    for slug in (
        "support-young-people-to-engage-in-education-and-training",
        "identify-young-people-not-participating",
        "plan-services-that-meet-young-peoples-needs",
    ):
        purpose = get(client, f"purposes/{slug}")
        assert purpose["kind"] == "processing"
        assert "local Client Caseload Information system" in purpose["description"]
        assert [s["quote"] for s in purpose["sources"]] == [local]
    storage = get(client, "storage-locations/local-client-caseload-information-system")
    assert local in storage["description"]


def test_owners_of_the_national_collections(client: TestClient) -> None:
    says(
        "The NPD is owned and managed by the Department for Education",
        "the data collection requirements placed on us by the Department for Education (for "
        "example; via the school census)",
    )
    npd = get(client, "data-collections/national-pupil-database")
    assert npd["owner"] == "department-for-education"
    assert npd["basis"]["owner"]["basis"] == "stated"
    assert npd["basis"]["owner"]["quotes"] == [
        "The NPD is owned and managed by the Department for Education"
    ]
    census = get(client, "data-collections/school-census")
    assert_reading(census["basis"]["owner"], "(for example; via the school census)")


# --- recipients: the notice's classes, examples, roles and kinds ------------------------


def test_examples_of_regulators_and_processors_leave_the_class_open(client: TestClient) -> None:
    says(
        "Appropriate regulators such as Ofsted, Regional Schools’ Commissioner",
        "These data processors include",
    )
    recipients = {r["slug"]: r for r in items(client, "recipients")}
    regulators = {s for s, r in recipients.items() if r["kind"] == "regulator"}
    assert regulators == {"appropriate-regulators", "ofsted", "regional-schools-commissioner"}
    assert "examples" in recipients["appropriate-regulators"]["description"]
    processors = {s for s, r in recipients.items() if r["role"] == "processor"}
    assert processors == {
        "data-processing-companies",
        "nexus",
        "fft-aspire",
        "sentinel-partners-limited",
        "welfare-call",
    }
    assert "does not name the others" in recipients["data-processing-companies"]["description"]
    for slug in ("appropriate-regulators", "data-processing-companies"):
        (arrangement,) = items(client, "sharing", recipient=slug)
        assert arrangement["frequency"] == "routine"


def test_casey_is_a_system_provided_by_a_processor_company(client: TestClient) -> None:
    says("Cambridgeshire Assessment System for Early Years” (CASEY) provided by Sentinel Partners")
    assert get(client, "recipients")["total"] == len(items(client, "recipients"))
    assert client.get(f"{API}/recipients/casey").status_code == 404
    sentinel = get(client, "recipients/sentinel-partners-limited")
    assert sentinel["kind"] == "company"
    assert sentinel["basis"]["kind"]["basis"] == "stated"
    assert_reading(sentinel["basis"]["role"], "provided by Sentinel Partners Limited")
    arrangement = get(client, "sharing/casey")
    assert arrangement["recipient"] == "sentinel-partners-limited"


def test_an_early_years_age_is_a_reading(client: TestClient) -> None:
    says("Cambridgeshire Assessment System for Early Years")
    casey = get(client, "sharing/casey")
    assert casey["applies_until_age"] == 5
    assert casey["applies_from_age"] is None
    assert_reading(casey["basis"]["applies_until_age"], "Early Years")
    assert "casey" in sharing_slugs(client, age=4)
    assert "casey" not in sharing_slugs(client, age=14)


def test_roles_and_kinds_read_from_the_notice_are_marked(client: TestClient) -> None:
    says(
        "Companies who process child level data on behalf of schools and settings, Local "
        "Authorities and the Department for Education",
        "we pass their details to our youth support services",
        "The Council’s Legal and IT Services which are provided by our Local Government Shared "
        "Services (LGSS)",
    )
    recipients = {r["slug"]: r for r in items(client, "recipients")}
    for slug, recipient in recipients.items():
        role = recipient["basis"]["role"]
        # The notice never names a role in GDPR terms: a role is read or unstated.
        if recipient["role"] == "not_stated":
            assert role["basis"] == "not_stated", slug
        else:
            assert_reading(role)
    assert_reading(recipients["youth-support-services"]["basis"]["role"], "our youth support")
    assert_reading(recipients["lgss-it-services"]["basis"]["role"], "The Council’s Legal and IT")
    for slug in ("department-for-education", "nspcc", "foster-carers", "uk-border-agency"):
        assert_reading(recipients[slug]["basis"]["kind"])
    # Where the notice's own word is the kind, it is stated.
    assert recipients["ofsted"]["basis"]["kind"]["basis"] == "stated"
    assert recipients["nexus"]["basis"]["kind"]["basis"] == "stated"


# --- rights: articles by the notice's wording ----------------------------------------


def test_rights_articles_are_references_or_readings_never_stated(client: TestClient) -> None:
    says(
        "Right to object (generally to make a complaint about any aspect of our use of your data)",
        "Right to have explained if there will be any automated decision-making, including "
        "profiling, based on your data and for the logic behind this to be explained to you.",
        "You can also report concerns to the national regulator, the Information Commissioner’s "
        "Office.",
    )
    assert "Article" not in notice()
    rights = {r["slug"]: r for r in items(client, "rights")}
    for slug, right in rights.items():
        assert right["basis"]["gdpr_article"]["basis"] in ("reference", "inferred"), slug
    assert rights["right-of-access"]["basis"]["gdpr_article"]["reference"] == (
        "dpv-2.3/eu-gdpr.csv"
    )
    for slug, words in (
        ("right-to-object", "make a complaint"),
        ("right-regarding-automated-decision-making", "to be explained to you"),
        ("right-to-complain-to-the-ico", "report concerns"),
    ):
        assert_reading(rights[slug]["basis"]["gdpr_article"], words)
        assert_reading(rights[slug]["basis"]["dpv_term"], words)


# --- sources of information -----------------------------------------------------------


def test_sources_the_notice_names(client: TestClient) -> None:
    says(
        "where a school shares these with us, records of advice we give in regard to "
        "safeguarding concerns and complaints",
        "(including the Department for Education (DfE), police, probation and health services)",
    )
    schools = get(client, "data-sources/schools-sharing-safeguarding-concerns-and-complaints")
    assert schools["providers"] == ["schools"]
    assert schools["mandatory"] is None
    bodies = get(client, "data-sources/education-institutions-and-other-public-bodies")
    assert bodies["basis"]["providers"]["exhaustive"] is False
    assert_reading(bodies["basis"]["providers/health-agencies"], "health services")
    assert bodies["basis"]["providers/police"]["basis"] == "stated"


def test_contact_details_of_young_people_not_in_education_are_an_example(
    client: TestClient,
) -> None:
    says("(such as their contact details) aged 16+")
    neet = get(client, "sharing/youth-support-services-neet-16-plus")
    assert neet["data_categories"] == ["contact-details"]
    assert neet["basis"]["data_categories"]["exhaustive"] is False
    says(*neet["basis"]["data_categories"]["quotes"])


# --- links to services ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sharing", "service", "words"),
    [
        (
            "academies-federated-trusts-and-other-own-admission-authority-schools",
            "school-admissions-service",
            "own admission authority schools",
        ),
        ("welfare-call", "attendance-and-inclusion-services", "supporting attendance"),
        (
            "education-professionals-to-schools",
            "school-governance-advice-and-clerking-service",
            "school governors",
        ),
    ],
)
def test_links_to_services_are_readings(
    client: TestClient, sharing: str, service: str, words: str
) -> None:
    says(words)
    arrangement = get(client, f"sharing/{sharing}")
    assert service in arrangement["services"]
    assert_reading(arrangement["basis"][f"services/{service}"], words)
    assert sharing in sharing_slugs(client, service=service)
    assert sharing not in sharing_slugs(client, service=service, basis="stated")


def test_youth_support_links_its_service_as_stated(client: TestClient) -> None:
    says("we pass their details to our youth support services")
    arrangement = get(client, "sharing/youth-support-services-from-13")
    assert arrangement["services"] == ["youth-support-service"]
    assert arrangement["basis"]["services/youth-support-service"]["basis"] == "stated"


# --- the controller ---------------------------------------------------------------------


def test_the_controllers_address_and_country_are_readings(client: TestClient) -> None:
    says("Email: [email protected]", "Shire Hall, Cambridge, CB3 0AP")
    assert "United Kingdom" not in notice()
    assert " GB" not in notice()
    controller = get(client, "controllers/cambridgeshire-county-council")
    assert controller["country"] == "GB"
    assert_reading(controller["basis"]["country"], "Cambridge")
    assert_reading(controller["basis"]["address"], "Shire Hall, Cambridge, CB3 0AP")
    email = controller["basis"]["dpo.email"]
    assert controller["dpo"]["email"] is None
    assert email["basis"] == "not_stated"
    assert email["quotes"] == ["Email: [email protected]"]


def test_storage_on_a_secure_network_is_read_as_the_security_measures(
    client: TestClient,
) -> None:
    words = (
        "on Cambridgeshire County Council’s secure network where it is accessible only to staff "
        "who need to see it to do their jobs"
    )
    says(words)
    controller = get(client, "controllers/cambridgeshire-county-council")
    assert "accessible only to staff who need to see it" in controller["security_measures"]
    assert_reading(controller["basis"]["security_measures"], words)
    audit = get(client, "register/audit")
    assert not [f for f in audit["findings"] if f["rule"] == "security-measures-not-described"]


def test_regulation_3_is_the_official_name_of_what_the_notice_calls_section_3(
    client: TestClient,
) -> None:
    says("on a statutory basis under section 3 of The Education (Information About Individual")
    assert "regulation 3" not in notice()
    provision = get(
        client,
        "legislation/education-information-about-individual-pupils-england-regulations-2013"
        "-regulation-3",
    )
    assert provision["provision"] == "regulation 3"
    assert provision["basis"]["provision"]["basis"] == "reference"
    assert provision["basis"]["provision"]["reference"] == "legislation.md"
    assert provision["cited_as"].startswith("section 3 of")
    assert provision["basis"]["cited_as"]["basis"] == "stated"


@pytest.mark.parametrize(
    ("category", "services", "words", "basis"),
    [
        (
            "health-and-wellbeing",
            ["send-services-and-support", "youth-support-service"],
            "young people who accept youth support services and/or for supporting assessment "
            "of SEND",
            "stated",
        ),
        ("traded-services-participation-records", ["traded-services"], "our traded", "stated"),
        (
            "governing-body-documents",
            ["school-governance-advice-and-clerking-service"],
            "Where commissioned from our clerking service",
            "stated",
        ),
        (
            "contact-details",
            ["youth-support-service"],
            "Our youth support services will also keep",
            "stated",
        ),
        (
            "safeguarding-and-complaints-advice-records",
            ["support-and-challenge-to-schools-and-early-years-providers"],
            "advice about safeguarding issues, complaints",
            "inferred",
        ),
        (
            "special-educational-needs-and-disabilities",
            ["send-services-and-support"],
            "whether a child has SEND",
            "inferred",
        ),
    ],
)
def test_data_names_the_services_the_notice_ties_it_to(
    client: TestClient, category: str, services: list[str], words: str, basis: str
) -> None:
    says(words)
    served = get(client, f"data-categories/{category}")
    assert served["services"] == services
    for service in services:
        entry = served["basis"][f"services/{service}"]
        assert entry["basis"] == basis
        says(*entry["quotes"])
        if basis == "inferred":
            assert_reading(entry)
    assert get(client, "data-categories/name")["basis"]["services"]["basis"] == "not_stated"
