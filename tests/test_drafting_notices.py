"""Drafting whole notices: our own test notices in every format through the
command, what a reader records of each found in the draft, and the seed
notice's draft loaded, served and audited like the hand-made register."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
import yaml
from fastapi.testclient import TestClient

from app import cli
from app.api.services import services_of
from app.drafting.pipeline import draft_text
from app.drafting.quality import compare_names
from app.drafting.writer import REVIEW_FILE
from app.interchange.seed import read_seed_dir
from app.main import create_app
from tests.conftest import SEED_DIR, make_settings, migrate_and_seed
from tests.databases import DatabaseFactory

NOTICES = Path(__file__).parent / "fixtures" / "notices"
COUNCIL = "cambridgeshire-county-council"
API = "/api/v1"

# What a reader records of each test notice: names the draft must hold (by
# file), and names it must not (words that are not entries of that kind).
EXPECTED: dict[str, dict[str, Any]] = {
    "school-short.txt": {
        "controller": ("Hollyfield Primary School", "school"),
        "recipients": [
            "Northshire County Council",
            "The Department for Education (DfE)",
            "Scholarpack Ltd",
        ],
        "not recipients": ["Our local authority", "Our management information system supplier"],
        "data-categories": [
            "Ethnicity",
            "Allergies",
            "Phonics results",
            "Key stage 1 and 2 results",
        ],
        "purposes": ["Support pupil learning", "Keep children safe"],
        "rights": ["Right to request access to information about them"],
        "legislation": ["Education Act 1996"],
        "retention": {
            "Pupil data: until the pupil's 25th birthday": None,
            "Admissions records: for 1 year after the child leaves the school": "P1Y",
        },
        "dpo email": "dpo@hollyfield.example.sch.uk",
    },
    "council-tables.md": {
        "controller": ("Northshire County Council", "local_authority"),
        "recipients": ["Schools", "Transport operators", "Citizens Advice Northshire"],
        "not recipients": [],
        "data-categories": ["Identity details", "Date of birth", "Medical conditions", "Religion"],
        "purposes": ["Arrange home to school transport", "Produce national statistics"],
        "rights": ["Right to be informed", "Right to object"],
        "legislation": [
            "Education Act 1996, section 508B",
            "School Standards and Framework Act 1998",
        ],
        "retention": {
            "Admissions applications: for 2 years after the admission date": "P2Y",
            "Transport records: for 6 years": "P6Y",
        },
        "dpo email": "dataprotection@northshire.example.gov.uk",
    },
    "preschool.html": {
        "controller": ("Little Acorns Pre-School", "early_years_setting"),
        "recipients": [
            "Westmarsh Borough Council",
            "Tapestry (The Foundation Stage Forum Ltd)",
            "Your child's next school",
        ],
        "not recipients": ["The Early Years Census", "Our online learning journal provider"],
        "data-categories": ["Name", "Date of birth", "Allergies", "Contact numbers"],
        "purposes": ["Claim early years funding from the local authority"],
        "rights": ["Right of access", "Right to erasure"],
        "legislation": ["Childcare Act 2006"],
        "retention": {
            "Children's records: until the child reaches the age of 21 years and 3 months": None,
            "Accident records: for 3 years": "P3Y",
        },
        "dpo email": None,
    },
    "academy-trust.pdf": {
        "controller": ("Riverside Learning Trust", "academy_trust"),
        "recipients": [
            "HM Revenue and Customs",
            "Teachers' Pensions",
            "The Department for Education (DfE)",
        ],
        "not recipients": [],
        "data-categories": ["National insurance number", "Salary", "Trade union membership"],
        "purposes": [
            "Enable individuals to be paid",
            "Support the work of the School Teachers' Review Body",
        ],
        "rights": ["Right to object to processing"],
        "legislation": [
            "Education (Supply of Information about the School Workforce) (England) "
            "Regulations 2007"
        ],
        "retention": {"Personnel files: for 6 years after employment ends": "P6Y"},
        "dpo email": "dpo@riverside-trust.example.org",
    },
}


def draft_folder(notice: Path, out: Path, slug: str = "test-body") -> Path:
    report = out / "report.html"
    code = cli.main(
        ["draft", str(notice), "--controller", slug, "--out", str(out), "--report", str(report)]
    )
    assert code == 0
    return out / slug


def entries(folder: Path, file: str) -> list[dict[str, Any]]:
    return list(yaml.safe_load((folder / f"{file}.yaml").read_text(encoding="utf-8")) or [])


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_test_notice_is_drafted_as_a_reader_records_it(name: str, tmp_path: Path) -> None:
    expected = EXPECTED[name]
    folder = draft_folder(NOTICES / name, tmp_path)
    controller = yaml.safe_load((folder / "controller.yaml").read_text(encoding="utf-8"))
    assert (controller["name"], controller["kind"]) == expected["controller"]
    assert controller["dpo"]["email"] == expected["dpo email"]
    for file in ("recipients", "data-categories", "purposes", "rights", "legislation"):
        drafted = {e["name"] for e in entries(folder, file)}
        missing = set(expected[file]) - drafted
        assert not missing, f"{file}: {missing} not in {sorted(drafted)}"
    recipients = {e["name"] for e in entries(folder, "recipients")}
    assert not recipients & set(expected["not recipients"])
    rules = {e["name"]: e.get("duration") for e in entries(folder, "retention-rules")}
    assert rules == expected["retention"]
    assert read_seed_dir(tmp_path)  # the folder reads as a seed folder
    assert (tmp_path / "report.html").read_text(encoding="utf-8").count("<mark") > 10


@pytest.mark.parametrize(
    "name",
    [
        *sorted(EXPECTED),
        "borough-council-care.txt",
        "send-service.txt",
        "trust-tables.md",
        "infant-school-word.html",
        "council-tax-prose.html",
        "nursery-caps.txt",
    ],
)
def test_every_quote_of_a_draft_is_verbatim_at_its_offsets(name: str, tmp_path: Path) -> None:
    folder = draft_folder(NOTICES / name, tmp_path)
    text = (folder / "notice.txt").read_text(encoding="utf-8")
    review = yaml.safe_load((folder / REVIEW_FILE).read_text(encoding="utf-8"))
    quotes = [q for e in review["entities"] for q in e["quotes"]]
    quotes += [q for e in review["entities"] for f in e["facts"] for q in f["quotes"]]
    assert quotes
    assert all(text[q["start"] : q["end"]] == q["text"] for q in quotes)
    assert not review.get("dropped")


def test_the_test_notices_drafts_hold_what_a_reader_records(tmp_path: Path) -> None:
    """Over all test notices, each kind of entry a reader records is found with
    recall and precision of 90% or more (bench/draft_quality.py --notices)."""
    record = yaml.safe_load((NOTICES / "expected.yaml").read_text(encoding="utf-8"))
    totals: dict[str, list[int]] = {}
    for name, expected in record.items():
        folder = draft_folder(NOTICES / name, tmp_path / name)
        for found in compare_names(expected, folder):
            assert found.recall >= 0.6, (name, found)
            total = totals.setdefault(found.file, [0, 0, 0])
            total[0] += found.recorded
            total[1] += found.drafted
            total[2] += found.matched
    assert set(totals) == {"recipients", "data-categories", "purposes", "rights", "legislation"}
    for file, (recorded, drafted, matched) in totals.items():
        assert matched / recorded >= 0.9, (file, recorded, matched)
        assert matched / drafted >= 0.9, (file, drafted, matched)


def test_tables_of_processing_and_retention_give_a_row_each(tmp_path: Path) -> None:
    folder = draft_folder(NOTICES / "trust-tables.md", tmp_path)
    sharing = {e["recipient"]: e for e in entries(folder, "sharing")}
    assert sorted(sharing) == [
        "childrens-social-care",
        "parentpay-ltd",
        "police",
        "westmarsh-borough-council",
    ]  # "None" shares with nobody
    assert sharing["parentpay-ltd"]["lawful_bases"] == ["article-6-1-b"]
    assert sharing["parentpay-ltd"]["purposes"] == ["catering-and-payments"]
    assert sharing["parentpay-ltd"]["data_categories"] == [
        "dietary-needs",
        "name",
        "payment-details",
    ]
    roles = {e["slug"]: e.get("role") for e in entries(folder, "recipients")}
    assert roles["parentpay-ltd"] == "processor"
    rules = {e["name"]: e.get("duration") for e in entries(folder, "retention-rules")}
    assert rules == {
        "Pupil file: Until the pupil's 25th birthday": None,
        "Admissions register: 6 years from the last entry": "P6Y",
        "Photographs: 1 year after the pupil leaves": "P1Y",
    }
    controller = yaml.safe_load((folder / "controller.yaml").read_text(encoding="utf-8"))
    assert controller["dpo"]["email"] == "dpo@oakwood-trust.example.org"


def test_a_word_processor_page_reads_as_its_paragraphs_bullets_and_bold_headings(
    tmp_path: Path,
) -> None:
    folder = draft_folder(NOTICES / "infant-school-word.html", tmp_path)
    controller = yaml.safe_load((folder / "controller.yaml").read_text(encoding="utf-8"))
    assert controller["name"] == "St Mary’s Church of England Infant School"
    assert (controller["phone"], controller["email"]) == (
        "01632 960 900",
        "office@stmarys.example.sch.uk",
    )
    groups = {e["name"]: e.get("group") for e in entries(folder, "data-categories")}
    assert groups["Country of birth"] == "characteristics"
    assert not {e["name"] for e in entries(folder, "recipients")} & set(groups)


def test_a_notice_in_prose_gives_its_data_recipients_and_general_bases(tmp_path: Path) -> None:
    folder = draft_folder(NOTICES / "council-tax-prose.html", tmp_path)
    names = {e["name"] for e in entries(folder, "data-categories")}
    assert {"Name", "Bank details", "Income", "Disability"} <= names
    recipients = {e["name"]: e.get("role") for e in entries(folder, "recipients")}
    assert recipients["Enforcement agents"] == "processor"  # "on our behalf"
    assert "HM Revenue and Customs" in recipients  # an example after "such as"
    assert "Cabinet Office" in recipients  # a term of a definition list
    sharing = {e["recipient"]: e for e in entries(folder, "sharing")}
    cabinet = sharing["cabinet-office"]
    assert cabinet["lawful_bases"] == ["article-6-1-c", "article-6-1-e"]
    assert cabinet["basis"]["lawful_bases/article-6-1-e"]["basis"] == "inferred"
    assert cabinet["purposes"] == ["prevent-and-detect-fraud"]


def test_capital_headings_and_the_body_declared_controller(tmp_path: Path) -> None:
    folder = draft_folder(NOTICES / "nursery-caps.txt", tmp_path)
    controller = yaml.safe_load((folder / "controller.yaml").read_text(encoding="utf-8"))
    assert controller["name"] == "Busy Bees Day Nursery (Hilltop) Ltd"  # not "Hilltop Council"
    assert controller["kind"] == "early_years_setting"
    assert controller["phone"] == "01632 960 222"
    sharing = {e["recipient"]: e for e in entries(folder, "sharing")}
    front_door = sharing["hilltop-childrens-services-front-door"]
    assert front_door["consent"] == "without_consent_where_law_allows"
    assert front_door["basis"]["consent"]["basis"] == "inferred"


def test_the_command_refuses_a_bad_slug_or_a_missing_notice(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    notice = NOTICES / "school-short.txt"
    assert (
        cli.main(["draft", str(notice), "--controller", "Not A Slug", "--out", str(tmp_path)]) == 2
    )
    assert "slug" in capsys.readouterr().err
    missing = tmp_path / "missing.html"
    assert cli.main(["draft", str(missing), "--controller", "x", "--out", str(tmp_path)]) == 2
    assert "no such file" in capsys.readouterr().err
    empty = tmp_path / "empty.txt"
    empty.write_text("  \n\n", encoding="utf-8")
    assert cli.main(["draft", str(empty), "--controller", "x", "--out", str(tmp_path)]) == 2
    assert "no text" in capsys.readouterr().err
    assert not (tmp_path / "x").exists()
    a_file = tmp_path / "a-file"
    a_file.write_text("", encoding="utf-8")
    assert cli.main(["draft", str(notice), "--controller", "x", "--out", str(a_file)]) == 2
    assert "could not be written" in capsys.readouterr().err


def test_a_thirty_page_notice_drafts_in_seconds_with_a_progress_bar(
    capsys: pytest.CaptureFixture[str],
) -> None:
    seed = (SEED_DIR / COUNCIL / "notice.txt").read_text(encoding="utf-8")
    long = "\n\n".join(seed.replace("Cambridgeshire", f"Shire{i}") for i in range(8))
    assert len(long.split()) > 15_000  # some thirty pages
    started = time.perf_counter()
    draft = draft_text(long, "x", show_progress=True)
    assert time.perf_counter() - started < 30
    assert len(draft.entities("recipients")) >= 31
    assert "100%" in capsys.readouterr().err


# --- the seed notice's draft in a real register ---------------------------------------------


def _audit(client: TestClient) -> dict[str, Any]:
    response = client.get(f"{API}/register/audit")
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def _errors(audit: dict[str, Any]) -> set[str]:
    return {f["rule"] for f in audit["findings"] if f["severity"] == "error"}


def test_the_seed_notices_draft_loads_serves_and_audits_no_worse_than_by_hand(
    databases: DatabaseFactory, client: TestClient, tmp_path: Path
) -> None:
    draft_folder(SEED_DIR / COUNCIL / "notice.txt", tmp_path, COUNCIL)
    url = databases.create()
    migrate_and_seed(url, tmp_path)
    app = create_app(make_settings(url))
    try:
        with TestClient(app) as drafted:
            recipients = drafted.get(f"{API}/recipients", params={"limit": 500})
            assert recipients.status_code == 200
            assert len(recipients.json()["items"]) == len(entries(tmp_path / COUNCIL, "recipients"))
            sharing = drafted.get(f"{API}/sharing", params={"limit": 500}).json()["items"]
            assert sharing
            assert all(item["basis"]["recipient"]["basis"] == "stated" for item in sharing)
            draft_audit = _audit(drafted)
    finally:
        services_of(app).engine.dispose()
    hand_audit = _audit(client)
    assert _errors(draft_audit) <= _errors(hand_audit)
    assert "dpo-contact-missing" not in _errors(draft_audit)


def test_the_same_notice_gives_the_same_folder(tmp_path: Path) -> None:
    first = draft_folder(NOTICES / "council-tables.md", tmp_path / "a")
    second = draft_folder(NOTICES / "council-tables.md", tmp_path / "b")
    files = sorted(p.name for p in first.iterdir())
    assert files == sorted(p.name for p in second.iterdir())
    for name in files:
        assert (first / name).read_bytes() == (second / name).read_bytes(), name
