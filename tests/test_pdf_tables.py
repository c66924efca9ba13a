"""Ruled tables in the shared PDFs come out as rows with their header, as a reader of the PDF sees them."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from core.documents.pdf_tables import TableReport, join_lines, tables_by_page, text_outside
from core.errors import DocumentError

QASP = "rfp/gsa-tts-cloudgov-support-services-2019/Attachment-C-QASP.pdf"
VA = "rfp/va-appeals-caseflow-task-order-2016/VA11816F10050003RTEP.pdf"
TDRS_AWARD = "rfp/hhs-acf-tdrs-software-development-2020/TDRS_Fully_Executed_Base_Award.pdf"
ADS = "rfp/gsa-18f-agile-delivery-services-bpa-2015/ADS_RFQ_Final_2015-06-16.pdf"
QASP_HEADER = [
    "Deliverable or Required Services",
    "Performance Standard(s)",
    "Acceptable Quality Level (AQL)",
    "Method of Surveillance",
]


def _read(data_root: Path, name: str) -> tuple[dict, TableReport]:
    report = TableReport()
    return tables_by_page(data_root / name, report), report


@pytest.fixture(scope="module")
def qasp(data_root):
    return _read(data_root, QASP)


def _rows(tables: dict) -> list:
    return [(t, r) for page in sorted(tables) for t in tables[page] for r in t.rows]


def test_a_performance_standard_row_has_its_header_and_every_cell(qasp):
    tables, _ = qasp
    found = [(t, r) for t, r in _rows(tables) if r.cells[0] == "Meet Continuous Monitoring objectives"]
    assert len(found) == 1
    table, row = found[0]
    assert table.header == QASP_HEADER
    assert row.page == row.end_page == 2
    assert row.cells[1] == (
        "Participate in FedRAMP security scanning, monitoring, remediation, and authorization activities"
    )
    assert (
        row.cells[2]
        == "Remediation of critical or high issues within 30 days and moderate issues within 90 days"
    )
    assert row.cells[3] == "Review by team FedRAMP Liaison and FedRAMP JAB Technical Review staff (monthly)"


def test_a_row_split_by_a_page_break_is_one_row_with_both_pages(qasp):
    tables, _ = qasp
    rows = [r for _, r in _rows(tables)]
    split = [r for r in rows if r.cells[1].startswith("Assess whether unexpected system behavior")]
    assert len(split) == 1
    row = split[0]
    assert (row.page, row.end_page) == (2, 3)
    # Its key cell spans two rows on page 2; the page-3 half of each cell is joined to the page-2 half.
    assert row.cells[0] == "Assist with troubleshooting unexpected behavior"
    assert "potential indicator of compromise. In the latter case" in row.cells[1]
    assert row.cells[2].endswith("unknown problems and referencing documentation and logs.")
    assert not any(r.cells[1].startswith("of compromise") for r in rows)


def test_the_table_carries_on_over_pages_with_its_header(qasp):
    tables, report = qasp
    assert [t.continued for t in tables[2]] == [False]
    for page in (3, 4, 5, 6):
        (part,) = tables[page]
        assert part.continued and part.number == tables[2][0].number
        assert part.header == QASP_HEADER
    # Page 1 has only a page frame and a box: no candidate, no table.
    assert report.candidates == [2, 3, 4, 5, 6] and 1 not in tables


def test_a_repeated_header_is_not_a_row_and_prices_stay_in_their_columns(data_root):
    tables, report = _read(data_root, VA)
    header = ["CLIN", "DESCRIPTION", "QTY", "UNIT", "UNIT PRICE", "TOTAL PRICE"]
    rows = {r.cells[0]: (t, r) for t, r in _rows(tables) if t.header == header}
    assert {"0001", "0001AA", "0001AB", "0001AC", "1001", "1002"} <= set(rows)
    table, row = rows["0001AC"]
    assert table.continued and row.page == 8
    assert row.cells[1].startswith("Overall Training Plan IAW paragraph 5.3.1 of the PWS.")
    assert row.cells[2:] == ["12", "EA", "NSP", "NSP"]
    assert rows["0001"][1].cells[5] == "NTE $5,198,193.60"
    assert not any(r.cells == header for _, r in _rows(tables))
    # The order form on page 1 has no text layer: never a candidate (OCR reads it).
    assert 1 not in report.candidates


def test_deliverable_tables_of_the_award_and_a_label_split_over_a_page(data_root):
    tables, report = _read(data_root, TDRS_AWARD)
    by_header = {}
    for t, r in _rows(tables):
        by_header.setdefault(tuple(t.header), []).append(r)
    tested = by_header[("Deliverable 2", "Tested Code")]
    assert [r.cells[0] for r in tested] == [
        "Performance Standard(s)",
        "Acceptable Quality Level",
        "Method of Assessment",
        "Due Date",
    ]
    assert tested[1].cells[1].startswith("Minimum of 90% test coverage of all code.")
    first = by_header[("Deliverable 1", "Accepted Features")]
    assert first[0].cells[0] == "Performance Standard(s)"  # "Performance" on page 5, "Standard(s)" on page 6
    assert (first[0].page, first[0].end_page) == (5, 6)
    assert "development team will collaborate" in first[0].cells[1]
    assert ("Deliverable Name", "Deliverable Title/Description", "Due Date") in by_header
    assert not {1, 2} & set(report.candidates)  # the two signature pages are drawn, not text


def test_frames_boxes_and_underlined_paragraphs_are_not_tables(data_root):
    tables, report = _read(data_root, ADS)
    texts = [" ".join(r.cells) for _, r in _rows(tables)]
    assert not any("The specific terms and conditions governing data rights" in t for t in texts)
    assert 11 not in tables and report.rejected  # underlined paragraphs on page 11
    assert any(r.cells[0] == "Category 1 - Product Manager" for _, r in _rows(tables))
    pws, _ = _read(data_root, "rfp/gsa-tts-cloudgov-support-services-2019/Attachment-A-PWS.pdf")
    assert pws == {}


def test_the_guard_drops_a_page_whose_layout_text_disagrees(data_root):
    report = TableReport()
    tables = tables_by_page(data_root / QASP, report, guard=1.01)  # nothing agrees this well
    assert tables == {} and report.guarded == [2, 3, 4, 5, 6]


def test_text_outside_the_tables_keeps_the_page_text(data_root, qasp):
    import pypdfium2 as pdfium

    tables, _ = qasp
    document = pdfium.PdfDocument(str(data_root / QASP))
    try:
        textpage = document[1].get_textpage()
        outside = text_outside(textpage, [t.bbox for t in tables[2]])
        whole = textpage.get_text_range()
    finally:
        document.close()
    assert "Participate in" in whole and "Participate in" not in outside
    assert "Deliverable or Required Services Performance Standard(s):" in outside


def test_cell_lines_are_joined_into_words():
    words = Counter({"requirements": 3, "documentation": 4, "controlled": 2})
    assert join_lines("meet the require-\nments of", words) == "meet the requirements of"
    assert join_lines("Version-\ncontrolled", Counter()) == "Version-controlled"
    assert join_lines("GSA 18F Front-\nEnd Guide", words) == "GSA 18F Front-End Guide"
    assert join_lines("security documentatio\nn and logs", words) == "security documentation and logs"
    assert join_lines("https://github.\ncom/pa11y/pa\n11y", words) == "https://github.com/pa11y/pa11y"
    assert join_lines("free of medium-\nand high-level", words) == "free of medium- and high-level"


def test_a_file_that_is_not_a_pdf_names_the_file(data_root):
    bad = data_root / "codes" / "gsa_calc_hourly_prices_sample.csv"
    with pytest.raises(DocumentError) as caught:
        tables_by_page(bad)
    assert "gsa_calc_hourly_prices_sample.csv" in str(caught.value)
