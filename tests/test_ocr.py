"""OCR of the shared PDFs' pages that have no text layer. The expected words were read off the rendered
pages by eye before OCR was ever run on them."""

from __future__ import annotations

import re

import pytest

from core.documents.ocr import PageReader, ocr_available, ocr_page
from core.errors import DocumentError

TDRS_AWARD = "rfp/hhs-acf-tdrs-software-development-2020/TDRS_Fully_Executed_Base_Award.pdf"
VA = "rfp/va-appeals-caseflow-task-order-2016/VA11816F10050003RTEP.pdf"
CLOUD_QA = "qa/gsa-tts-rfq-vendor-qa/source_pdfs/cloudgov_support_services_RFQ1349024_QA_20190220.pdf"

EXPECTED = {
    (TDRS_AWARD, 0): [
        "ORDER FOR SUPPLIES AND SERVICES",
        "47QPCA20F0019",
        "47QTCA18D003V",
        "THOUGHT OBJECT LLC",
        "Facilitator",
        "Technical Lead",
        "$208,216.70",
        "Backend Web Developer",
        "Woman Owned Business",
    ],
    (TDRS_AWARD, 1): [
        "Frontend Web Developer",
        "Content Strategist",
        "Travel / ODCs",
        "$1,360,064.27",
        "Brian T Burns",
        "GSA FORM 300",
    ],
    (VA, 0): [
        "ORDER FOR SUPPLIES OR SERVICES",
        "VA11816F10050003",
        "TISTA SCIENCE AND TECHNOLOGY CORPORATION",
        "Department of Veterans Affairs",
        "Mark.Junda@va.gov",
        "Contracting Officer",
        "$5,339,769.60",
        "ROCKVILLE",
    ],
}


def _flat(text: str) -> str:
    return re.sub(r"\s+", "", text).lower()


@pytest.fixture(scope="module")
def reader():
    assert ocr_available(), "rapidocr, onnxruntime and the models in the rapidocr wheel are dependencies"
    return PageReader()


@pytest.fixture(scope="module")
def read(data_root, reader):
    """OCR of a page, once per module (about ten seconds a page on two cores)."""
    done = {}

    def page(name, index):
        if (name, index) not in done:
            done[(name, index)] = ocr_page(data_root / name, index, reader)
        return done[(name, index)]

    return page


@pytest.mark.parametrize(("name", "index"), list(EXPECTED))
def test_a_page_without_text_layer_reads_as_text(data_root, read, name, index):
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(str(data_root / name))
    try:
        assert document[index].get_textpage().count_chars() < 5  # no text layer: only OCR can read it
    finally:
        document.close()
    page = read(name, index)
    text = _flat(page.text)
    missing = [w for w in EXPECTED[(name, index)] if _flat(w) not in text]
    assert not missing, f"OCR missed {missing} on page {index + 1} of {name}"
    assert page.mean_confidence > 0.9 and page.seconds > 0


def test_lines_come_in_reading_order(read):
    page = read(TDRS_AWARD, 0)
    first = next(i for i, line in enumerate(page.lines) if "0001" in line and "Facilitator" in line)
    line = page.lines[first]
    assert line.index("0001") < line.index("Facilitator") < line.index("$208,216.70")  # left to right
    title = next(i for i, line in enumerate(page.lines) if "ORDER FOR SUPPLIES AND SERVICES" in line)
    schedule = next(i for i, line in enumerate(page.lines) if "20. SCHEDULE" in line)
    assert title < schedule < first  # top to bottom
    assert next(i for i, line in enumerate(page.lines) if "Technical Lead" in line) == first + 1


def test_a_blank_page_has_no_lines(data_root, reader):
    page = ocr_page(data_root / CLOUD_QA, 6, reader)
    assert page.lines == [] and page.mean_confidence == 0.0


def test_a_page_the_file_does_not_have_names_the_file(data_root, reader):
    with pytest.raises(DocumentError) as caught:
        ocr_page(data_root / CLOUD_QA, 8, reader)
    assert "cloudgov_support_services_RFQ1349024_QA_20190220.pdf" in str(caught.value)
    assert "no page 9" in str(caught.value)


@pytest.mark.parametrize("ocr", [True, False])
def test_ingest_marks_ocr_passages_and_rfp_ocr_false_skips_them(data_root, embedder, tmp_path, ocr):
    from core.store import Match, Where, scroll_all
    from tests.conftest import make_services

    services = make_services(tmp_path / "data", embedder, ocr=ocr, ingest_workers=0)
    try:
        result = services.indexer.index_file(data_root / TDRS_AWARD, "public")
        payloads = [p.chunk for p in scroll_all(services.store, "public", Where.of(Match("state", "live")))]
    finally:
        services.close()
    read_by_ocr = [p for p in payloads if p.ocr]
    said = [w for w in result.warnings if "read by OCR" in w]
    if ocr:
        assert {p.page for p in read_by_ocr} <= {1, 2} and read_by_ocr
        assert any("THOUGHT OBJECT LLC" in p.text.upper() for p in read_by_ocr)
        assert len(said) == 2 and all(re.search(r"page \d+ was read by OCR \(\d+\.\d s\)", w) for w in said)
    else:
        assert not read_by_ocr and not said
        assert not any("THOUGHT OBJECT" in p.text.upper() for p in payloads)
