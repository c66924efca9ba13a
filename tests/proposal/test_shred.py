"""Shredding real solicitations: known requirements, limits and due dates on the right page and
section, a modification's changes marked in the matrix, SF-30 amendments, and files a team can open."""

from __future__ import annotations

import csv
import re
import time
from pathlib import Path

import pytest

from core.errors import UserFacingError
from proposal.shred import shred_files
from proposal.writers import COLUMNS, read_matrix, write_matrix

ADS = "rfp/gsa-18f-agile-delivery-services-bpa-2015/ADS_RFQ_Final_2015-06-16.pdf"
ADS_MOD = "rfp/gsa-18f-agile-delivery-services-bpa-2015/ADS_RFQ_Final_Modification_5_2015-06-30.pdf"
TDRS_DRAFT = "rfp/hhs-acf-tdrs-software-development-2020/DRAFT_TDRS_RFQ.pdf"
TDRS_DOCX = "rfp/hhs-acf-tdrs-software-development-2020/FINAL_TDRS_RFQ.docx"
INCIDENT = "rfp/gsa-tts-incident-response-saas-2018/RFQ.md"
INCIDENT_SF30 = "rfp/gsa-tts-incident-response-saas-2018/Amendment_001_SF30_with_QA.pdf"


def flat(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


def rows_with(matrix, snippet: str, live_only: bool = True):
    return [r for r in (matrix.live_rows if live_only else matrix.rows) if flat(snippet) in flat(r.text)]


@pytest.fixture(scope="module")
def ads(data_root):
    return shred_files([data_root / ADS])


@pytest.fixture(scope="module")
def ads_amended(data_root):
    return shred_files([data_root / ADS, data_root / ADS_MOD])


@pytest.mark.parametrize(
    ("snippet", "page", "section", "type_"),
    [
        ("Attachment B shall be submitted in eBuy", 4, "1.2 Quote Submission", "instruction"),
        ("The uploaded repository shall be in git", 6, "1.4", "instruction"),
        (
            "Contractor shall furnish reports via email to the Contracting Officer",
            11,
            "13.0 REPORTING",
            "requirement",
        ),
        ("Quoters must submit a separate Attachment C for each pool", 18, "B. PRICE", "evaluation"),
        ("performed usability tests with people", 17, "A. NON-PRICE FACTORS", "evaluation"),
        ("FAR 52.212-4", 14, "23.1 FAR Clauses", "clause"),
    ],
)
def test_known_requirements_on_the_right_page_and_section(ads, snippet, page, section, type_):
    found = rows_with(ads, snippet)
    assert found, f"not shredded: {snippet}"
    assert found[0].page == page, (found[0].page, found[0].text)
    assert section in found[0].section, found[0].section
    assert found[0].type == type_
    assert found[0].source == Path(ADS).name


def test_limits_and_due_dates_are_read_out_with_their_page(ads, data_root):
    questions = [(f, r) for f, r in ads.facts("questions due")]
    assert questions and questions[0][1].page == 7
    assert "June 22, 2015" in questions[0][0].value and "4:00 pm" in questions[0][0].value
    words = [(f.value, r.page) for f, r in ads.facts("word limit")]
    assert ("750 words", 6) in words and ("750 words", 16) in words

    draft = shred_files([data_root / TDRS_DRAFT])
    pages = {(f.value, r.page) for f, r in draft.facts("page limit")}
    assert {("4 pages", 16), ("3 pages", 16), ("1 page", 17)} <= pages, pages
    fonts = {(f.value, r.page) for f, r in draft.facts("font")}
    assert ("12-point", 16) in fonts


def test_due_date_in_a_docx_solicitation(data_root):
    """The Word RFQ has no pages: the due date is found in its deadlines table, with its section."""
    matrix = shred_files([data_root / TDRS_DOCX])
    due = [(f.value, r) for f, r in matrix.facts("due")]
    assert any("May 15, 2020" in value and "noon" in value for value, _ in due), due
    assert all("Deadlines" in r.section for _, r in due[:1])
    limits = {f.value for f, _ in matrix.facts("page limit")}
    assert "5 pages" in limits
    assert matrix.facts("factor"), "the evaluation factors are listed"


def test_the_modification_changes_show_in_the_matrix(ads_amended):
    mod = Path(ADS_MOD).name
    longer = rows_with(ads_amended, "no greater than 1500 words")
    assert longer and longer[0].amendment == mod and longer[0].change == "added"
    assert longer[0].page == 18 and longer[0].source == mod
    assert ("word limit", "1500 words") in [(f.kind, f.value) for f in longer[0].facts]

    typo = rows_with(ads_amended, "The quoter shall completely fill out Attachment E")
    assert typo and typo[0].change == "changed" and typo[0].amendment == mod
    assert "comnpletely" in typo[0].previous and "must not be modified" in typo[0].previous

    dropped = rows_with(
        ads_amended, "Must provide a copy of your most recent approved SF294", live_only=False
    )
    assert dropped and dropped[0].change in ("removed", "changed"), dropped
    assert rows_with(ads_amended, "294 and 295 is no longer required")[0].amendment == mod

    same = rows_with(ads_amended, "Attachment B shall be submitted in eBuy")
    assert same[0].amendment == "" and same[0].source == Path(ADS).name, "unchanged rows keep their source"
    assert any(mod in note for note in ads_amended.notes)
    ids = [r.id for r in ads_amended.rows]
    assert len(ids) == len(set(ids)), "every row has its own id"


def test_an_sf30_amendment_adds_the_binding_answers_of_its_qa(data_root):
    matrix = shred_files([data_root / INCIDENT, data_root / INCIDENT_SF30])
    name = Path(INCIDENT_SF30).name
    clarified = [r for r in matrix.rows if r.change == "clarified"]
    support = rows_with(matrix, "US-based support is required")
    assert support and support[0] in clarified
    assert support[0].amendment == name and support[0].page == 3 and "3.3 Deliverables" in support[0].section
    assert "24X7X365" in support[0].note, "the vendor question it answers is kept"
    fees = rows_with(matrix, "implementation fees must either be built into the license fee")
    assert fees and fees[0].change == "clarified"
    assert any("not readable from the text layer" in n for n in matrix.notes), matrix.notes


def test_a_stated_change_revises_and_deletes_sections(data_root, tmp_path):
    amendment = tmp_path / "Amendment_0001.md"
    amendment.write_text(
        "# Amendment 0001 to RFQ 4QTFHS150004\n\n"
        "Section 1.5 is revised as follows: Questions must be submitted via email to agilebpa@gsa.gov no later "
        "than Friday June 26, 2015, 4:00 pm Eastern Time.\n\n"
        "Paragraph 21.0 is deleted in its entirety.\n"
    )
    matrix = shred_files([data_root / ADS, amendment])
    revised = rows_with(matrix, "no later than Friday June 26, 2015")
    assert revised and revised[0].change == "changed" and revised[0].amendment == amendment.name
    assert "June 22, 2015" in revised[0].previous
    assert [f.value for f in revised[0].facts if f.kind == "questions due"] == [
        "Friday June 26, 2015, 4:00 pm Eastern Time"
    ]
    clearances = rows_with(matrix, "varying levels of security clearances", live_only=False)
    assert clearances[0].change == "removed"


def test_xlsx_and_csv_open_with_the_expected_columns(ads_amended, tmp_path):
    from openpyxl import load_workbook

    written = write_matrix(ads_amended, tmp_path / "out" / "matrix.xlsx")
    assert [p.name for p in written] == ["matrix.xlsx", "matrix.csv"]
    book = load_workbook(written[0])
    sheet = book["Compliance Matrix"]
    header = [c.value for c in sheet[1]]
    assert header == COLUMNS
    assert {
        "ID",
        "Requirement",
        "Type",
        "Source File",
        "Page",
        "Section",
        "Amendment",
        "Owner",
        "Status",
        "Response Location",
    } <= set(header)
    assert sheet.freeze_panes == "B2" and sheet.auto_filter.ref.startswith("A1:")
    assert sheet.max_row == len(ads_amended.rows) + 1
    assert sheet.cell(2, 2).alignment.wrap_text
    owner = header.index("Owner") + 1
    assert all(sheet.cell(r, owner).value in (None, "") for r in range(2, sheet.max_row + 1))
    assert "Summary" in book.sheetnames
    with written[1].open(encoding="utf-8-sig", newline="") as f:
        records = list(csv.DictReader(f))
    assert len(records) == len(ads_amended.rows) and list(records[0]) == COLUMNS
    assert not list((tmp_path / "out").glob("*.part")), "no half-written files"

    back = read_matrix(written[0])
    assert [r.id for r in back.rows] == [r.id for r in ads_amended.rows]
    assert back.rows[0].page == ads_amended.rows[0].page


def test_shred_cli_writes_the_matrix_and_prints_the_summary(data_root, tmp_path):
    from typer.testing import CliRunner

    from rfp.cli import app

    out = tmp_path / "m.xlsx"
    started = time.perf_counter()
    result = CliRunner().invoke(
        app, ["shred", str(data_root / ADS), str(data_root / ADS_MOD), "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert out.exists() and out.with_suffix(".csv").exists()
    assert "Questions due" in result.output and "1500 words" in result.output
    assert time.perf_counter() - started < 30


def test_a_missing_or_unreadable_file_is_named(tmp_path):
    with pytest.raises(UserFacingError, match=r"nope\.pdf"):
        shred_files([tmp_path / "nope.pdf"])
    bad = tmp_path / "scan.pdf"
    bad.write_bytes(b"not a pdf at all")
    with pytest.raises(UserFacingError, match=r"scan\.pdf"):
        shred_files([bad])
