"""Drafting a register from a notice: each step pinned on small texts of our
own (segmenting, names, the gazetteer, every extractor, the writer and the
report). The test notices and the seed's draft: tests/test_drafting_notices.py."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from app.drafting import bases, gazetteer
from app.drafting.context import Context
from app.drafting.model import Draft, Quote
from app.drafting.phrases import clean_name, distributed, examples, head, split
from app.drafting.pipeline import draft_text
from app.drafting.report import render
from app.drafting.segment import segment, sentences
from app.drafting.sources import html_text, read_notice
from app.drafting.writer import REVIEW_FILE, SCHEMAS, write
from app.register import schemas
from tests.conftest import SEED_DIR


def q(text: str) -> Quote:
    return Quote(0, len(text), text)


def names(draft: Draft, file: str) -> list[str]:
    return [e.name for e in draft.entities(file)]


def entity(draft: Draft, file: str, name: str) -> Any:
    found = [e for e in draft.entities(file) if e.name == name]
    assert found, f"{name!r} not drafted in {file}: {names(draft, file)}"
    return found[0]


# --- reading and segmenting ------------------------------------------------------------


def test_html_keeps_headings_lists_and_tables_and_drops_scripts_and_navigation() -> None:
    text = html_text(
        "<html><head><title>x</title><script>var a = 1;</script></head><body>"
        "<nav>Home</nav><h2>Who we share with</h2><p>We share with:</p>"
        "<ul><li>the <b>police</b></li><li>schools<ul><li>academies</li></ul></li></ul>"
        "<table><tr><th>Who</th><th>Why</th></tr><tr><td>NHS</td><td>care</td></tr></table>"
        "</body></html>"
    )
    assert text.splitlines() == [
        "## Who we share with",
        "",
        "We share with:",
        "",
        "- the police",
        "- schools",
        "  - academies",
        "",
        "| Who | Why |",
        "| NHS | care |",
    ]


def test_blocks_know_their_heading_intro_parent_and_offsets() -> None:
    text = (
        "Who we share it with\n\nWe routinely share information with:\n\n"
        "  • the police\n  • companies that process data for us. These include\n"
        "    • Acme Ltd\n\nThat is all.\n"
    )
    blocks = segment(text)
    assert [(b.kind, b.depth, b.text) for b in blocks] == [
        ("heading", 0, "Who we share it with"),
        ("para", 0, "We routinely share information with:"),
        ("item", 0, "the police"),
        ("item", 0, "companies that process data for us. These include"),
        ("item", 1, "Acme Ltd"),
        ("para", 0, "That is all."),
    ]
    assert all(text[b.start : b.end] == b.text for b in blocks)
    acme = blocks[4]
    assert acme.parent is blocks[3]
    assert acme.intro is not None
    assert acme.intro.text.endswith("information with:")
    assert acme.heading is blocks[0]
    assert [s.text for s in sentences(blocks[3])] == [
        "companies that process data for us.",
        "These include",
    ]


def test_numbered_section_headings_are_headings_and_numbered_lists_stay_lists() -> None:
    text = (
        "1. Who we are\n\nWe are a school.\n\n2. What we collect\n\n- names\n\n"
        "3. Why\n\nWe use data to:\n\n1. Support learning\n\n2. Keep children safe\n"
    )
    assert [(b.kind, b.text) for b in segment(text)] == [
        ("heading", "Who we are"),
        ("para", "We are a school."),
        ("heading", "What we collect"),
        ("item", "names"),
        ("heading", "Why"),
        ("para", "We use data to:"),
        ("item", "Support learning"),
        ("item", "Keep children safe"),
    ]


def test_tab_bullets_and_bold_lines_as_headings() -> None:
    text = "**Who we share it with**\nWe share it with:\n\t•\tthe police\n__Your rights__\n"
    assert [(b.kind, b.text) for b in segment(text)] == [
        ("heading", "Who we share it with"),
        ("para", "We share it with:"),
        ("item", "the police"),
        ("heading", "Your rights"),
    ]


def test_markdown_table_rows_carry_their_header_and_cells() -> None:
    text = "| Recipient | Why |\n|---|---|\n| The police | To prevent crime |\n"
    rows = [b for b in segment(text) if b.kind == "row"]
    assert rows[0].header == []
    assert rows[1].header == ["Recipient", "Why"]
    assert [c.text for c in rows[1].cells if c.text] == ["The police", "To prevent crime"]
    assert all(text[c.start : c.end] == c.text for c in rows[1].cells)


# --- names -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("item", "expected"),
    [
        ("The Police and the NSPCC", ["The Police", "the NSPCC"]),
        ("Her Majesty’s Revenue and Customs", ["Her Majesty’s Revenue and Customs"]),
        ("Department for Work and Pensions", ["Department for Work and Pensions"]),
        (
            "Academies and other own admission authority schools",
            ["Academies and other own admission authority schools"],
        ),
        ("Courts, tribunals and solicitors", ["Courts", "tribunals", "solicitors"]),
        ("key stage 1 and 2 results", ["key stage 1 and 2 results"]),
    ],
)
def test_enumerations_split_where_they_list_several(item: str, expected: list[str]) -> None:
    assert [p.text for p in split(q(item))] == expected


def test_names_lose_clauses_and_keep_examples_apart() -> None:
    assert head(q("Youth services – under section 507B, to give advice")).text == "Youth services"
    assert head(q("Health visitors, who support families")).text == "Health visitors"
    whole, listed = examples(q("regulators such as Ofsted and the CQC"))
    assert whole.text == "regulators"
    assert [p.text for p in listed] == ["Ofsted", "the CQC"]
    assert distributed("The Council’s Legal and IT Services") == [
        "The Council’s Legal Services",
        "The Council’s IT Services",
    ]
    assert clean_name("“Welfare Call ltd” (for monitoring attendance)") == "Welfare Call ltd"
    assert clean_name("the Department for Education (DfE)") == "The Department for Education (DfE)"


# --- the gazetteer ---------------------------------------------------------------------


def test_citations_resolve_to_official_identifiers_and_unknown_ones_keep_no_id() -> None:
    text = "under the Childcare Act 2006 and the Imaginary Pets Act 2031."
    found = gazetteer.citations(text)
    assert [c.title for c in found] == ["Childcare Act 2006", "Imaginary Pets Act 2031"]
    known = gazetteer.lookup("Childcare Act 2006")
    assert known is not None
    assert known.path == "ukpga/2006/21"
    assert gazetteer.lookup("Imaginary Pets Act 2031") is None


def test_every_gazetteer_entry_is_in_the_reference_it_cites() -> None:
    reference = (Path(__file__).parent / "fixtures" / "reference" / "legislation.md").read_text(
        encoding="utf-8"
    )
    for work in gazetteer.WORKS:
        assert (
            f"| {work.path} |" in reference
            or f"{work.path};" in reference
            or (f"; {work.path} |" in reference)
        ), work.path
        assert work.title.removeprefix("The ") in reference, work.title


def test_regulations_cited_by_section_get_their_regulation_path() -> None:
    draft = draft_text(
        "We share with:\n\n- the DfE under section 3 of The Education (Information About "
        "Individual Pupils) (England) Regulations 2013\n- youth services under the Education Act "
        "1996, section 507B\n",
        "x",
    )
    ids = {e.name: e.fields.get("legislation_gov_uk_id") for e in draft.entities("legislation")}
    assert ids == {
        "The Education (Information About Individual Pupils) (England) Regulations 2013": (
            "uksi/2013/2094"
        ),
        "The Education (Information About Individual Pupils) (England) Regulations 2013, "
        "regulation 3": "uksi/2013/2094/regulation/3",
        "Education Act 1996": "ukpga/1996/56",
        "Education Act 1996, section 507B": "ukpga/1996/56/section/507B",
    }


def test_an_unknown_act_is_kept_as_cited_with_no_identifier() -> None:
    draft = draft_text("Our duties are set out in:\n\n- the Imaginary Pets Act 2031\n", "x")
    act = entity(draft, "legislation", "Imaginary Pets Act 2031")
    assert "legislation_gov_uk_id" not in act.fields
    assert act.fields["year"] == 2031
    assert act.confidence < 0.6


# --- lawful bases ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        ("under Article 6(1)(e) of the UK GDPR", [("article-6-1-e", True)]),
        ("to perform a public task", [("article-6-1-e", True)]),
        ("on a statutory basis", [("article-6-1-c", False)]),
        ("Art. 9(2)(g), substantial public interest", [("article-9-2-g", True)]),
        ("because we think it is useful", []),
    ],
)
def test_lawful_bases_named_in_words_or_numbers(
    words: str, expected: list[tuple[str, bool]]
) -> None:
    assert bases.bases_in(q(words)) == expected


# --- extractors ------------------------------------------------------------------------

NOTICES = Path(__file__).parent / "fixtures" / "notices"
NOTICE = (NOTICES / "borough-council-care.txt").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def draft() -> Draft:
    return draft_text(NOTICE, "oakbank-borough-council")


def test_controller_contacts_dpo_and_regulator(draft: Draft) -> None:
    controller = draft.controller
    assert controller.name == "Oakbank Borough Council"
    assert controller.fields["kind"] == "local_authority"
    assert controller.fields["dpo"]["email"] == "dpo@oakbank.example.gov.uk"
    assert controller.fields["dpo"]["phone"] == "01632 960 001"
    assert controller.fields["dpo"]["address"].endswith("Town Hall, Oakbank, OB1 2CD")
    assert (
        controller.fields["supervisory_authority"]["url"] == "https://ico.org.uk/make-a-complaint/"
    )
    assert controller.facts["kind"].basis == "inferred"


def test_a_redacted_email_is_not_a_value_but_keeps_its_quote() -> None:
    draft = draft_text("Contact our Data Protection Officer\n\nEmail: [email protected]\n", "x")
    assert draft.controller.fields["dpo"]["email"] is None
    assert any("[email protected]" in quote.text for quote in draft.controller.quotes)


def test_categories_are_grouped_and_special_ones_flagged_with_reasoning(draft: Draft) -> None:
    assert names(draft, "data-categories") == [
        "Identity details",
        "Name",
        "Date of birth",
        "Health information",
        "Disabilities",
        "Religion",
    ]
    assert entity(draft, "data-categories", "Name").fields["group"] == "identity-details"
    health = entity(draft, "data-categories", "Health information")
    assert health.fields["special_category"] is True
    assert health.facts["special_category"].basis == "inferred"
    assert "data concerning health" in (health.facts["special_category"].reasoning or "")
    assert entity(draft, "data-categories", "Religion").fields["special_category"] is True
    assert "special_category" not in entity(draft, "data-categories", "Name").fields


def test_article_9_condition_given_only_to_the_data_its_sentence_names(draft: Draft) -> None:
    health = entity(draft, "data-categories", "Health information")
    assert health.fields["article9_condition"] == "article-9-2-h"
    assert health.facts["article9_condition"].basis == "inferred"
    assert "article9_condition" not in entity(draft, "data-categories", "Religion").fields


def test_purposes_from_lists_and_clauses(draft: Draft) -> None:
    assert names(draft, "purposes")[:4] == [
        "Assess your needs",
        "Arrange care services",
        "Plan services",
        "Produce statistics",
    ]


def test_recipients_split_named_and_their_roles(draft: Draft) -> None:
    assert names(draft, "recipients") == [
        "The NHS",
        "Caremark Ltd",
        "Courts",
        "Solicitors",
        "The careers service",
    ]
    caremark = entity(draft, "recipients", "Caremark Ltd")
    assert caremark.fields["role"] == "processor"
    assert caremark.facts["role"].basis == "stated"
    assert entity(draft, "recipients", "The NHS").fields["kind"] == "health_body"


def test_sharing_arrangements_carry_frequency_consent_law_basis_and_age(draft: Draft) -> None:
    nhs = entity(draft, "sharing", "The NHS")
    assert nhs.fields["frequency"] == "routine"
    assert nhs.fields["consent"] == "without_consent_where_law_allows"
    assert nhs.facts["consent"].basis == "inferred"
    assert nhs.fields["legislation"] == ["care-act-2014"]
    assert nhs.fields["purposes"] == ["arrange-care"]
    assert nhs.fields["lawful_bases"] == ["article-6-1-e"]
    assert nhs.facts["lawful_bases/article-6-1-e"].basis == "inferred"
    careers = entity(draft, "sharing", "The careers service")
    assert careers.fields["applies_from_age"] == 16


def test_retention_periods_as_durations_or_words(draft: Draft) -> None:
    rules = {e.name: e.fields.get("duration") for e in draft.entities("retention-rules")}
    assert rules == {
        "Records of children: until their 25th birthday": None,
        "Care records: for 8 years after the last contact": "P8Y",
    }


def test_rights_named_and_tied_to_their_articles(draft: Draft) -> None:
    rights = {e.name: e.fields.get("gdpr_article") for e in draft.entities("rights")}
    assert rights == {
        "Right to access your information": "Article 15",
        "Right to object to processing": "Article 21",
        "Right to complain to the Information Commissioner’s Office": "Article 77",
    }


def test_data_subjects_are_people(draft: Draft) -> None:
    assert names(draft, "data-subjects") == ["Residents", "Carers"]


def test_every_quote_is_the_text_at_its_offsets(draft: Draft) -> None:
    for entities in draft.sections.values():
        for item in entities:
            for quote in item.quotes + [q for f in item.facts.values() for q in f.quotes]:
                assert NOTICE[quote.start : quote.end] == quote.text


# --- the folder and the report ---------------------------------------------------------


@pytest.fixture(scope="module")
def folder(draft: Draft, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("draft")
    write(draft, out, SEED_DIR / "lawful-bases.yaml")
    return out / "oakbank-borough-council"


def test_the_folder_validates_and_every_fact_has_its_basis(folder: Path) -> None:
    controller = yaml.safe_load((folder / "controller.yaml").read_text(encoding="utf-8"))
    schemas.ControllerIn.model_validate(controller)
    assert controller["basis"]["security_measures"] == {"basis": "not_stated", "quotes": []}
    for file, schema in SCHEMAS.items():
        for entry in yaml.safe_load((folder / f"{file}.yaml").read_text(encoding="utf-8")):
            schema.model_validate(entry)
            for key, fact in entry["basis"].items():
                if fact["basis"] in ("stated", "inferred"):
                    assert fact["quotes"], (file, entry["slug"], key)
                    assert all(quote in NOTICE for quote in fact["quotes"])
                if fact["basis"] == "inferred":
                    assert fact["reasoning"]
    assert (folder / "notice.txt").read_text(encoding="utf-8") == NOTICE
    assert (folder.parent / "lawful-bases.yaml").is_file()


def test_the_review_file_gives_offsets_confidence_and_pending_review(folder: Path) -> None:
    review = yaml.safe_load((folder / REVIEW_FILE).read_text(encoding="utf-8"))
    facts = [f for e in review["entities"] for f in e["facts"]]
    assert facts
    assert all(f["review"] == "pending" for f in facts)
    assert all(0 <= f["confidence"] <= 1 for f in facts)
    for fact in facts:
        for quote in fact["quotes"]:
            assert NOTICE[quote["start"] : quote["end"]] == quote["text"]
    silent = [f for f in facts if f["basis"] == "not_stated"]
    assert silent
    assert all(not f["quotes"] for f in silent)


def test_the_report_highlights_quotes_linked_to_facts_least_certain_first(folder: Path) -> None:
    review = yaml.safe_load((folder / REVIEW_FILE).read_text(encoding="utf-8"))
    page = render(NOTICE, review)
    assert page.startswith("<!doctype html>")
    assert '<mark><a href="#fact-' in page or '<mark class="low"><a href="#fact-' in page
    anchors = {a.split('"')[0] for a in page.split('href="#')[1:]}
    assert anchors
    assert all(f'id="{anchor}"' in page for anchor in anchors)
    table = page.split("<h2>recipients</h2>")[1].split("</table>")[0]
    confidences = [
        float(cell.split("</td>")[0])
        for cell in table.split("<td>")[1:]
        if cell[:1] in "01" and "." in cell[:4]
    ]
    assert confidences == sorted(confidences)


def test_reading_an_unknown_file_says_so(tmp_path: Path) -> None:
    from app.drafting.sources import NoticeError

    with pytest.raises(NoticeError):
        read_notice(tmp_path / "missing.txt")
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"not a pdf at all")
    with pytest.raises(NoticeError):
        read_notice(broken)


def test_context_topics_follow_intro_then_heading() -> None:
    blocks = segment(
        "Why we use it\n\n- to plan services\n\nMore\n\nWe pass it on to:\n\n- the police\n"
    )
    context = Context("", blocks, Draft("", None))  # type: ignore[arg-type]
    topics = [context.topics[b.index].value for b in blocks if b.kind == "item"]
    assert topics == ["purposes", "recipients"]


def test_conditions_an_age_and_a_right_to_restrict_until_an_age() -> None:
    draft = draft_text(
        "What we hold\n\nWe hold:\n\n"
        "- identity details (such as name, address and date of birth)\n\n"
        "Who we share with\n\nWe share information with:\n\n"
        "- Careers services: once pupils reach the age of 13, we pass their details to careers "
        "services. A parent can ask that only their child's name and address be passed on, by "
        "e-mailing careers@example.org. This right is transferred to the pupil once he or she "
        "reaches the age of 16.\n",
        "x",
    )
    arrangement = entity(draft, "sharing", "Careers services")
    assert arrangement.fields["applies_from_age"] == 13
    age, restriction = arrangement.fields["conditions"]
    assert (age["kind"], age["from_age"]) == ("age_threshold", 13)
    assert restriction["kind"] == "restriction_right"
    assert restriction["exercised_by"] == "parent_or_guardian"
    assert restriction["until_age"] == 16
    assert restriction["restricted_to"] == ["address", "name"]
    assert restriction["contact_email"] == "careers@example.org"
    assert all(source["quote"] in draft.text for source in restriction["sources"])


def test_the_uk_gdpr_by_name_and_a_recipient_stated_to_be_a_controller() -> None:
    draft = draft_text(
        "Who we share with\n\nWe share data with:\n\n- the Department for Education (DfE)\n"
        "- Acme Ltd\n\nThe DfE is an independent data controller for the data it receives. "
        "We process data under Article 6(1)(e) of the UK GDPR.\n",
        "x",
    )
    gdpr = entity(draft, "legislation", "UK GDPR")
    assert gdpr.fields["legislation_gov_uk_id"] == "eur/2016/679"
    assert gdpr.fields["cited_as"] == "the UK GDPR"
    dfe = entity(draft, "recipients", "The Department for Education (DfE)")
    assert dfe.fields["role"] == "independent_controller"
    assert "role" not in entity(draft, "recipients", "Acme Ltd").fields
