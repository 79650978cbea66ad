"""Provenance of the seed data: every entry is valid, linked and sourced.

No database and no application beyond ``app.register.schemas``: the seed YAML
is read as the loader reads it, each entry is validated by its ``*In`` schema,
every slug it mentions must resolve, every notice quote must be found verbatim
in the copy of the notice, and every reference quote and DPV term in the
vendored reference files under ``tests/fixtures/reference/``.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic import TypeAdapter

from app.register import schemas as s
from app.register.basis import BasisKind

TESTS = Path(__file__).resolve().parent
SEED = TESTS.parent / "seed_data"
CONTROLLER_DIR = SEED / "cambridgeshire-county-council"
NOTICE = CONTROLLER_DIR / "notice.txt"
REFERENCE = TESTS / "fixtures" / "reference"

# Seed file stem -> (path, schema). The controller file is one mapping; every
# other file is a list of entries.
FILES: dict[str, tuple[Path, type[s.EntityIn]]] = {
    "lawful-bases": (SEED / "lawful-bases.yaml", s.LawfulBasisIn),
    "controller": (CONTROLLER_DIR / "controller.yaml", s.ControllerIn),
    "services": (CONTROLLER_DIR / "services.yaml", s.ServiceIn),
    "data-subjects": (CONTROLLER_DIR / "data-subjects.yaml", s.DataSubjectIn),
    "data-categories": (CONTROLLER_DIR / "data-categories.yaml", s.DataCategoryIn),
    "purposes": (CONTROLLER_DIR / "purposes.yaml", s.PurposeIn),
    "legislation": (CONTROLLER_DIR / "legislation.yaml", s.LegislationIn),
    "recipients": (CONTROLLER_DIR / "recipients.yaml", s.RecipientIn),
    "sharing": (CONTROLLER_DIR / "sharing.yaml", s.SharingIn),
    "retention-rules": (CONTROLLER_DIR / "retention-rules.yaml", s.RetentionRuleIn),
    "data-collections": (CONTROLLER_DIR / "data-collections.yaml", s.DataCollectionIn),
    "rights": (CONTROLLER_DIR / "rights.yaml", s.RightIn),
    "data-sources": (CONTROLLER_DIR / "data-sources.yaml", s.DataSourceIn),
    "storage-locations": (CONTROLLER_DIR / "storage-locations.yaml", s.StorageLocationIn),
    "statements": (CONTROLLER_DIR / "statements.yaml", s.StatementIn),
}

# Fields holding slugs of other entries: file -> ((field, target file), ...).
REFERENCES: dict[str, tuple[tuple[str, str], ...]] = {
    "data-categories": (
        ("group", "data-categories"),
        ("article9_condition", "lawful-bases"),
        ("data_subjects", "data-subjects"),
        ("services", "services"),
    ),
    "legislation": (("part_of", "legislation"),),
    "sharing": (
        ("recipient", "recipients"),
        ("data_categories", "data-categories"),
        ("data_subjects", "data-subjects"),
        ("purposes", "purposes"),
        ("legislation", "legislation"),
        ("lawful_bases", "lawful-bases"),
        ("services", "services"),
    ),
    "retention-rules": (
        ("data_categories", "data-categories"),
        ("data_subjects", "data-subjects"),
        ("legislation", "legislation"),
    ),
    "data-collections": (
        ("owner", "recipients"),
        ("legislation", "legislation"),
        ("purposes", "purposes"),
        ("data_subjects", "data-subjects"),
    ),
    "data-sources": (
        ("providers", "recipients"),
        ("legislation", "legislation"),
        ("data_subjects", "data-subjects"),
    ),
}

DPV_FILES = {"dpv": "dpv-2.3/dpv.csv", "pd": "dpv-2.3/pd.csv", "eu-gdpr": "dpv-2.3/eu-gdpr.csv"}
ARTICLE_REFERENCE = "UK GDPR Article"
REGULATION_3 = "education-information-about-individual-pupils-england-regulations-2013-regulation-3"
WHITESPACE = re.compile(r"\s+")


def collapse(text: str) -> str:
    return WHITESPACE.sub(" ", text)


@cache
def raw_entries(name: str) -> list[dict[str, Any]]:
    path, _ = FILES[name]
    with path.open(encoding="utf-8") as stream:
        data = yaml.safe_load(stream)
    if name == "controller":
        assert isinstance(data, dict), f"{path.name} must hold one mapping"
        return [data]
    assert isinstance(data, list), f"{path.name} must hold a list"
    return data


@cache
def adapter(name: str) -> TypeAdapter[Any]:
    return TypeAdapter(FILES[name][1])


@cache
def models(name: str) -> list[Any]:
    return [adapter(name).validate_python(entry) for entry in raw_entries(name)]


def by_slug(name: str) -> dict[str, Any]:
    return {entry.slug: entry for entry in models(name)}


def label(name: str, index: int, entry: Any) -> str:
    slug = entry.get("slug") if isinstance(entry, dict) else None
    return f"{name}.yaml:{slug or f'#{index}'}"


def all_entries() -> Iterator[tuple[str, int, Any]]:
    for name in FILES:
        for index, entry in enumerate(raw_entries(name)):
            yield name, index, entry


def sources_of(value: Any) -> Iterator[dict[str, Any]]:
    """Every source of an entry, including those of its conditions."""
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "sources" and isinstance(item, list):
                yield from (source for source in item if isinstance(source, dict))
            else:
                yield from sources_of(item)
    elif isinstance(value, list):
        for item in value:
            yield from sources_of(item)


def slugs_in(value: Any) -> list[str]:
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def link_cases() -> Iterator[Any]:
    for name, index, entry in all_entries():
        for field, target in REFERENCES.get(name, ()):
            for slug in slugs_in(entry.get(field)):
                yield pytest.param(target, slug, id=f"{label(name, index, entry)}:{field}->{slug}")
        for number, condition in enumerate(entry.get("conditions") or []):
            for slug in slugs_in(condition.get("restricted_to")):
                yield pytest.param(
                    "data-categories",
                    slug,
                    id=f"{label(name, index, entry)}:conditions[{number}].restricted_to->{slug}",
                )


def source_cases(kind: str) -> Iterator[Any]:
    for name, index, entry in all_entries():
        for number, source in enumerate(sources_of(entry)):
            if source.get("kind") == kind:
                yield pytest.param(source, id=f"{label(name, index, entry)}:source{number}")


def dpv_cases() -> Iterator[Any]:
    for name, index, entry in all_entries():
        if entry.get("dpv_term"):
            yield pytest.param(entry["dpv_term"], id=f"{label(name, index, entry)}")


@cache
def notice_text() -> str:
    return collapse(NOTICE.read_text(encoding="utf-8"))


@cache
def reference_text(relative: str) -> str:
    return collapse((REFERENCE / relative).read_text(encoding="utf-8"))


@cache
def dpv_terms(prefix: str) -> frozenset[str]:
    with (REFERENCE / DPV_FILES[prefix]).open(encoding="utf-8", newline="") as stream:
        return frozenset(row["term"] for row in csv.DictReader(stream))


# --- shape ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "entry"),
    [pytest.param(n, e, id=label(n, i, e)) for n, i, e in all_entries()],
)
def test_entry_validates(name: str, entry: dict[str, Any]) -> None:
    adapter(name).validate_python(entry)


@pytest.mark.parametrize("name", list(FILES))
def test_slugs_unique(name: str) -> None:
    slugs = [str(entry.get("slug")) for entry in raw_entries(name)]
    duplicates = sorted({slug for slug in slugs if slugs.count(slug) > 1})
    assert not duplicates, f"{name}.yaml repeats {duplicates}"


@pytest.mark.parametrize(("target", "slug"), list(link_cases()))
def test_reference_resolves(target: str, slug: str) -> None:
    known = {entry.get("slug") for entry in raw_entries(target)}
    assert slug in known, f"{slug!r} is not in {target}.yaml"


# --- provenance -----------------------------------------------------------------


@pytest.mark.parametrize("source", list(source_cases("notice")))
def test_notice_quote_is_verbatim(source: dict[str, Any]) -> None:
    assert source.get("reference") is None, "a notice source names no reference"
    assert collapse(source["quote"]) in notice_text(), "quote not found in notice.txt"


@pytest.mark.parametrize("source", list(source_cases("reference")))
def test_reference_quote_is_in_reference(source: dict[str, Any]) -> None:
    reference = source["reference"]
    if reference.startswith(ARTICLE_REFERENCE):
        return
    path = (REFERENCE / reference).resolve()
    assert path.is_relative_to(REFERENCE.resolve()), f"{reference} is outside the fixtures"
    assert path.is_file(), f"{reference} is not a vendored reference file"
    assert collapse(source["quote"]) in reference_text(reference), f"quote not in {reference}"


@pytest.mark.parametrize("term", list(dpv_cases()))
def test_dpv_term_exists(term: str) -> None:
    prefix, _, local = term.partition(":")
    assert prefix in DPV_FILES, f"unknown prefix in {term!r}"
    assert local in dpv_terms(prefix), f"{term!r} is not in {DPV_FILES[prefix]}"


def test_no_redacted_email_stored() -> None:
    """The notice hides e-mail addresses; the data stores null, not the mask."""
    controller = models("controller")[0]
    assert controller.email is None
    assert controller.dpo.email is None
    for arrangement in models("sharing"):
        for condition in arrangement.conditions:
            assert condition.contact_email is None


# --- the notice's key facts -----------------------------------------------------


def test_lawful_bases_cover_articles_6_and_9() -> None:
    expected = [f"article-6-1-{c}" for c in "abcdef"] + [f"article-9-2-{c}" for c in "abcdefghij"]
    bases = models("lawful-bases")
    assert [basis.slug for basis in bases] == expected
    for basis in bases:
        _, article, paragraph, point = basis.slug.split("-")
        assert basis.article.value == f"article_{article}"
        assert basis.reference == f"Article {article}({paragraph})({point})"
        assert basis.dpv_term == f"eu-gdpr:A{article}-{paragraph}-{point}"


def test_controller() -> None:
    controller = models("controller")[0]
    assert controller.name == "Cambridgeshire County Council"
    assert controller.kind == "local_authority"
    assert controller.country == "GB"
    assert controller.address == "Shire Hall, Cambridge, CB3 0AP"
    assert controller.dpo.name == "Data Protection Officer"
    assert controller.dpo.team == "Info and Records Team"
    assert controller.dpo.phone == "01223 699137"
    assert controller.dpo.email is None
    assert "OCT1224" in (controller.dpo.address or "")
    assert controller.supervisory_authority is not None
    assert str(controller.supervisory_authority.url) == "https://ico.org.uk/concerns/handling/"
    assert "secure network" in (controller.security_measures or "")
    assert controller.basis["security_measures"].basis is BasisKind.INFERRED
    assert controller.third_country_transfers is s.ThirdCountryTransfers.NOT_STATED


def test_ten_services() -> None:
    assert len(models("services")) == 10


def test_processors_the_class_and_its_four_examples() -> None:
    recipients = models("recipients")
    processors = {r.slug for r in recipients if r.role is s.RecipientRole.PROCESSOR}
    assert processors == {
        "data-processing-companies",
        "nexus",
        "fft-aspire",
        "sentinel-partners-limited",
        "welfare-call",
    }
    for slug in processors:
        recipient = by_slug("recipients")[slug]
        assert recipient.kind is s.RecipientKind.COMPANY
        assert recipient.contract_reference is None
        assert recipient.basis["role"].basis is BasisKind.INFERRED
    assert "CASEY" in (by_slug("recipients")["sentinel-partners-limited"].description or "")


def test_every_recipient_has_a_sharing_arrangement() -> None:
    shared_with = {arrangement.recipient for arrangement in models("sharing")}
    assert shared_with == set(by_slug("recipients"))


def test_dfe_shares_on_a_statutory_basis() -> None:
    dfe = [a for a in models("sharing") if a.recipient == "department-for-education"]
    assert len(dfe) == 4  # two routine bullets, participation (NCCIS), progress reports
    statutory = [a for a in dfe if a.lawful_bases]
    assert len(statutory) == 3
    for arrangement in statutory:
        assert arrangement.lawful_bases == ["article-6-1-c"]
        # The notice names no UK GDPR basis: Article 6(1)(c) is a reading.
        assert arrangement.basis["lawful_bases/article-6-1-c"].basis is BasisKind.INFERRED
    assert sum(a.frequency is s.Frequency.ROUTINE for a in dfe) == 2
    linked = {slug for a in dfe for slug in a.legislation}
    assert REGULATION_3 in linked
    others = [a.slug for a in models("sharing") if a.lawful_bases and a not in dfe]
    assert not others, f"no statutory basis is stated for {others}"


def test_youth_support_from_13_with_restriction_right() -> None:
    youth = [a for a in models("sharing") if a.recipient == "youth-support-services"]
    from_13 = next(a for a in youth if a.applies_from_age == 13)
    assert from_13.legislation == ["education-act-1996-section-507b"]
    kinds = {(c.kind, c.exercised_by): c for c in from_13.conditions}
    assert kinds[(s.ConditionKind.AGE_THRESHOLD, None)].from_age == 13
    parent = kinds[(s.ConditionKind.RESTRICTION_RIGHT, s.ExercisedBy.PARENT_OR_GUARDIAN)]
    child = kinds[(s.ConditionKind.RESTRICTION_RIGHT, s.ExercisedBy.DATA_SUBJECT)]
    assert parent.until_age == 16
    assert child.from_age == 16
    for right in (parent, child):
        assert right.restricted_to == ["address", "date-of-birth", "name"]
        assert right.contact_email is None
    assert from_13.data_categories == []  # "we pass their details": which is not stated
    neet = next(a for a in youth if a.applies_from_age == 16)
    assert neet.data_categories == ["contact-details"]
    assert neet.basis["data_categories"].exhaustive is False  # "such as their contact details"


def test_looked_after_records_kept_75_years() -> None:
    rules = [r for r in models("retention-rules") if r.duration == "P75Y"]
    assert len(rules) == 1
    assert rules[0].data_subjects == ["looked-after-children"]
    assert any(r.duration is None for r in models("retention-rules"))


def test_special_categories_rest_on_article_9() -> None:
    special = {c.slug: c for c in models("data-categories") if c.special_category}
    assert set(special) == {
        "ethnicity",
        "religion",
        "sexual-orientation",
        "special-educational-needs-and-disabilities",
        "health-and-wellbeing",
    }
    for category in special.values():
        assert category.article9_condition is None, "the notice names no Article 9 condition"
        assert any(src.reference == "UK GDPR Article 9(1)" for src in category.sources)


def test_legislation_identifiers() -> None:
    legislation = by_slug("legislation")
    section = legislation["education-act-1996-section-507b"]
    assert section.kind is s.LegislationKind.PROVISION
    assert section.part_of == "education-act-1996"
    assert section.legislation_gov_uk_id == "ukpga/1996/56/section/507B"
    regulation = legislation[REGULATION_3]
    assert regulation.provision == "regulation 3"
    assert regulation.cited_as == (
        "section 3 of The Education (Information About Individual Pupils) (England) "
        "Regulations 2013"
    )
    assert regulation.legislation_gov_uk_id == "uksi/2013/2094/regulation/3"
    childrens_acts = legislation["childrens-acts"]
    assert childrens_acts.kind is s.LegislationKind.GROUP
    assert childrens_acts.legislation_gov_uk_id is None


def test_rights_and_their_articles() -> None:
    articles = {right.slug: right.gdpr_article for right in models("rights")}
    assert len(articles) == 9
    assert set(articles.values()) == {
        "Article 15",
        "Article 16",
        "Article 17",
        "Article 18",
        "Article 20",
        "Article 21",
        "Article 22",
        "Article 7(3)",
        "Article 77",
    }


def test_national_pupil_database() -> None:
    npd = by_slug("data-collections")["national-pupil-database"]
    assert npd.owner == "department-for-education"
    assert len(npd.links) == 4
    assert npd.legislation == [
        "education-information-about-individual-pupils-england-regulations-2013"
    ]


def test_storage_and_access_are_statements_too() -> None:
    kinds = {statement.kind for statement in models("statements")}
    assert s.StatementKind.STORAGE_ACCESS in kinds
    assert len(models("storage-locations")) >= 3
