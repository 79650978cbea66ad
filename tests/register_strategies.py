"""Hypothesis strategies: whole, valid register documents with every kind of
entity, reference and optional field, built so that every reference points
at an entity generated before it (no loops)."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from app.register import entities as e
from app.register import schemas as s
from app.register.document import SCHEMA_VERSION, section_key, sort_states

SLUGS = st.from_regex(r"[a-z][a-z0-9]{0,5}(-[a-z0-9]{1,3}){0,2}", fullmatch=True)
TEXT = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
    max_size=40,
)
# Names are stripped by their schema: start with a letter or digit so none is empty.
NAMES = st.tuples(st.characters(whitelist_categories=("L", "N")), TEXT).map(
    lambda parts: (parts[0] + parts[1]).strip()
)
QUOTES = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
    min_size=1,
    max_size=40,
)
OPTIONAL_TEXT = st.none() | TEXT
URLS = st.sampled_from(["https://example.org/", "https://council.example/privacy?lang=en"])
DURATIONS = st.sampled_from(["P75Y", "P6M", "P2W", "P1Y2M3D", "PT12H", "P3DT4H"])
# Writes refuse DPV-prefixed terms DPV 2.3 lacks; free text outside its namespaces stays.
DPV_TERMS = st.sampled_from([None, "dpv:Child", "pd:Name", "pd:Health", "local:NotADpvTerm"])
POSITIONS = st.integers(min_value=0, max_value=50)


@st.composite
def sources(draw: st.DrawFn) -> list[dict[str, Any]]:
    found = []
    for _ in range(draw(st.integers(min_value=1, max_value=2))):
        quote = draw(QUOTES)
        if draw(st.booleans()):
            found.append({"kind": "notice", "quote": quote, "reference": None})
        else:
            found.append({"kind": "reference", "quote": quote, "reference": draw(NAMES)})
    return found


def contacts() -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries(
        {
            "name": OPTIONAL_TEXT,
            "team": OPTIONAL_TEXT,
            "email": OPTIONAL_TEXT,
            "phone": OPTIONAL_TEXT,
            "address": OPTIONAL_TEXT,
            "url": st.none() | URLS,
        }
    )


def subset(draw: st.DrawFn, slugs: list[str]) -> list[str]:
    return sorted(draw(st.sets(st.sampled_from(slugs), max_size=3))) if slugs else []


def one_of(draw: st.DrawFn, slugs: list[str]) -> str | None:
    return draw(st.none() | st.sampled_from(slugs)) if slugs else None


@st.composite
def entries(
    draw: st.DrawFn, build: Any, *, max_size: int = 4
) -> tuple[list[dict[str, Any]], list[str]]:
    """Entries with unique slugs; ``build(draw, earlier_slugs)`` makes the rest of one."""
    slugs = draw(st.lists(SLUGS, unique=True, max_size=max_size))
    made = []
    for index, slug in enumerate(slugs):
        entry = {
            "slug": slug,
            "name": draw(NAMES),
            "description": draw(OPTIONAL_TEXT),
            "sources": draw(sources()),
            "position": draw(POSITIONS),
        }
        entry.update(build(draw, slugs[:index]))
        made.append(entry)
    return made, slugs


def enum(values: type[Any]) -> st.SearchStrategy[str]:
    return st.sampled_from([v.value for v in values])


@st.composite
def registers(draw: st.DrawFn) -> dict[str, Any]:
    """A register document's content (no stamps), as an import would read it."""
    controller = {
        "slug": draw(SLUGS),
        "name": draw(NAMES),
        "description": draw(OPTIONAL_TEXT),
        "sources": draw(sources()),
        "position": 0,
        "kind": draw(st.none() | NAMES),
        "address": draw(OPTIONAL_TEXT),
        "country": draw(st.sampled_from(["GB", "IE"])),
        "phone": draw(OPTIONAL_TEXT),
        "email": draw(OPTIONAL_TEXT),
        "website": draw(st.none() | URLS),
        "notice_title": draw(OPTIONAL_TEXT),
        "notice_url": draw(st.none() | URLS),
        "dpo": draw(contacts()),
        "representative": draw(st.none() | contacts()),
        "supervisory_authority": draw(st.none() | contacts()),
        "security_measures": draw(OPTIONAL_TEXT),
        "third_country_transfers": draw(enum(s.ThirdCountryTransfers)),
        "third_country_details": draw(OPTIONAL_TEXT),
    }

    def basis(d: st.DrawFn, _: list[str]) -> dict[str, Any]:
        article = d(enum(s.LawfulBasisArticle))
        letter = d(st.sampled_from("abcdefg"))
        return {
            "article": article,
            "reference": f"Article {article[-1]}({d(st.integers(1, 3))})({letter})",
            "dpv_term": d(st.sampled_from([None, "eu-gdpr:A6-1-c", "eu-gdpr:A9-2-g"])),
        }

    bases, basis_slugs = draw(entries(basis))
    services, service_slugs = draw(entries(lambda d, _: {}))
    subjects, subject_slugs = draw(entries(lambda d, _: {"dpv_term": d(DPV_TERMS)}))
    categories, category_slugs = draw(
        entries(
            lambda d, earlier: {
                "group": one_of(d, earlier),
                "special_category": d(st.booleans()),
                "article9_condition": one_of(d, basis_slugs),
                "data_subjects": subset(d, subject_slugs),
                "dpv_term": d(DPV_TERMS),
            },
            max_size=6,
        )
    )
    purposes, purpose_slugs = draw(
        entries(lambda d, _: {"kind": d(enum(s.PurposeKind)), "dpv_term": d(DPV_TERMS)})
    )
    laws, law_slugs = draw(
        entries(
            lambda d, earlier: {
                "cited_as": d(OPTIONAL_TEXT),
                "kind": d(enum(s.LegislationKind)),
                "year": d(st.none() | st.integers(1200, 2200)),
                "part_of": one_of(d, earlier),
                "provision": d(st.none() | NAMES),
                "legislation_gov_uk_id": d(st.sampled_from([None, "ukpga/1996/56"])),
            }
        )
    )
    recipients, recipient_slugs = draw(
        entries(
            lambda d, _: {
                "role": d(enum(s.RecipientRole)),
                "kind": d(enum(s.RecipientKind)),
                "contract_reference": d(OPTIONAL_TEXT),
                "website": d(st.none() | URLS),
            }
        )
    )

    def sharing(d: st.DrawFn, _: list[str]) -> dict[str, Any]:
        low = d(st.none() | st.integers(0, 20))
        high = d(st.none() | st.integers(low or 0, 25))
        conditions = []
        for _index in range(d(st.integers(0, 2))):
            start = d(st.none() | st.integers(0, 17))
            conditions.append(
                {
                    "kind": d(enum(s.ConditionKind)),
                    "description": d(QUOTES),
                    "from_age": start,
                    "until_age": d(st.none() | st.integers((start or 0) + 1, 19)),
                    "exercised_by": d(st.none() | enum(s.ExercisedBy)),
                    "restricted_to": subset(d, category_slugs),
                    "contact_email": d(OPTIONAL_TEXT),
                    "sources": d(sources()),
                }
            )
        return {
            "recipient": d(st.sampled_from(recipient_slugs)),
            "frequency": d(enum(s.Frequency)),
            "consent": d(enum(s.ConsentRequirement)),
            "applies_from_age": low,
            "applies_until_age": high,
            "data_categories": subset(d, category_slugs),
            "data_subjects": subset(d, subject_slugs),
            "purposes": subset(d, purpose_slugs),
            "legislation": subset(d, law_slugs),
            "lawful_bases": subset(d, basis_slugs),
            "services": subset(d, service_slugs),
            "conditions": conditions,
        }

    arrangements = draw(entries(sharing))[0] if recipient_slugs else []
    retention = draw(
        entries(
            lambda d, _: {
                "duration": d(st.none() | DURATIONS),
                "data_categories": subset(d, category_slugs),
                "data_subjects": subset(d, subject_slugs),
                "legislation": subset(d, law_slugs),
            }
        )
    )[0]
    collections = draw(
        entries(
            lambda d, _: {
                "abbreviation": d(st.none() | NAMES),
                "owner": one_of(d, recipient_slugs),
                "links": d(
                    st.lists(st.fixed_dictionaries({"title": NAMES, "url": URLS}), max_size=2)
                ),
                "legislation": subset(d, law_slugs),
                "purposes": subset(d, purpose_slugs),
                "data_subjects": subset(d, subject_slugs),
            }
        )
    )[0]
    rights = draw(
        entries(
            lambda d, _: {
                "gdpr_article": d(st.sampled_from([None, "Article 15", "Article 77"])),
                "dpv_term": d(st.sampled_from([None, "eu-gdpr:A15", "eu-gdpr:A77"])),
            }
        )
    )[0]
    data_sources = draw(
        entries(
            lambda d, _: {
                "mandatory": d(st.none() | st.booleans()),
                "providers": subset(d, recipient_slugs),
                "legislation": subset(d, law_slugs),
                "data_subjects": subset(d, subject_slugs),
            }
        )
    )[0]
    locations = draw(entries(lambda d, _: {}))[0]
    statements = draw(entries(lambda d, _: {"kind": d(enum(s.StatementKind))}))[0]
    sections = {
        "services": services,
        "data_subjects": subjects,
        "data_categories": categories,
        "purposes": purposes,
        "legislation": laws,
        "recipients": recipients,
        "sharing": arrangements,
        "retention_rules": retention,
        "data_collections": collections,
        "rights": rights,
        "data_sources": data_sources,
        "storage_locations": locations,
        "statements": statements,
    }
    return {
        "schema_version": SCHEMA_VERSION,
        "controller": controller,
        "lawful_bases": bases,
        **sections,
    }


def normalised(document: dict[str, Any]) -> dict[str, Any]:
    """The content the register holds after importing ``document``: each
    entry in its schema's canonical JSON form, in register order."""
    content: dict[str, Any] = {
        "controller": s.ControllerIn.model_validate(document["controller"]).model_dump(mode="json")
    }
    for entity_type in (e.LAWFUL_BASES, *e.SCOPED_TYPES):
        key = section_key(entity_type)
        content[key] = sort_states(
            [entity_type.schema.model_validate(x).model_dump(mode="json") for x in document[key]]
        )
    return content
