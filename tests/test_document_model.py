"""The one document model every consumer reads, on real shared files: whole paragraphs across line wraps and
page breaks with their start and end pages, headings set by type or wrapped over two lines, PDF tables as
rows with their header, OCR'd pages, and text normalised once for every format."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from core.documents import parse
from core.documents.normalize import clean_text, join_words, vocabulary

PWS = "rfp/gsa-tts-cloudgov-support-services-2019/Attachment-A-PWS.pdf"
QASP = "rfp/gsa-tts-cloudgov-support-services-2019/Attachment-C-QASP.pdf"
TDRS_AWARD = "rfp/hhs-acf-tdrs-software-development-2020/TDRS_Fully_Executed_Base_Award.pdf"
FAR_1 = "far/FAR_part_01.md"
FAR_2 = "far/FAR_part_02.md"
ZERO_WIDTH = re.compile("[\u200b-\u200d\u2060\ufeff\u00ad]")


@pytest.fixture(scope="module")
def pws(data_root):
    return parse(data_root / PWS)


def block_with(doc, words: str):
    found = [b for b in doc.blocks if words in b.text]
    assert found, f"no block holds {words!r}"
    return found[0]


def test_a_pdf_paragraph_is_whole_across_line_wraps_and_a_page_break(pws):
    block = block_with(
        pws, "Moderate Provisional Authority to Operate (P-ATO), which enables federal agencies"
    )
    assert block.text.startswith("cloud.gov is a shared service operated by TTS.")
    assert block.text.endswith("meeting federal security compliance requirements.")
    assert (block.page, block.end_page) == (1, 2)
    assert block.page_at(block.text.index("Authority to Operate")) == 2
    assert (
        "cloud.gov support services" not in block.text and "1 of 7" not in block.text
    )  # running header, footer


def test_pdf_text_has_no_zero_width_characters_and_no_layout_lines(pws):
    assert not any(ZERO_WIDTH.search(b.text) for b in pws.blocks)
    scope = block_with(
        pws, "The contractor is expected to follow the cloud.gov Configuration Management plan."
    )
    assert scope.page == 3 and scope.end_page is None
    bullets = [b.text for b in pws.blocks if b.text.startswith("● ") and b.page == 3]
    assert (
        "● Operate, maintain, monitor, and update a Cloud Foundry deployment and the supporting services "
        "underlying cloud.gov." in bullets
    )


def test_pdf_headings_set_in_heavier_type_or_wrapped_over_two_lines_enter_the_section_path(pws):
    task = block_with(pws, "The contractor shall keep the system up to date on an ongoing basis.")
    assert task.section[-2:] == ("3.1 Core Tasks", "Task 1: Meet vulnerability management objectives")
    training = block_with(pws, "The contractor will be responsible for all training")
    assert training.section[-1] == "5.0 Program Assumptions and Constraints"


def test_pdf_tables_are_rows_with_their_header_and_their_text_is_not_read_twice(data_root):
    doc = parse(data_root / QASP)
    rows = [b for b in doc.blocks if b.kind == "row"]
    assert len(rows) >= 15
    accessible = next(r for r in rows if r.text.startswith("Accessible |"))
    assert accessible.header.startswith("Deliverable or Required Services | Performance Standard(s)")
    assert (
        accessible.fields["Performance Standard(s)"]
        == "Client-side rendering must conform with section 508 standards."
    )
    text = " ".join(b.text for b in doc.blocks if b.kind != "row")
    assert "Client-side rendering must conform with section 508 standards" not in text


def test_pages_with_no_text_layer_are_read_by_ocr_or_reported(data_root):
    doc = parse(data_root / TDRS_AWARD)
    assert set(doc.ocr_pages) == {1, 2}
    first = " ".join(b.text for b in doc.blocks if b.page == 1)
    assert all(b.ocr for b in doc.blocks if b.page in (1, 2))
    assert "ORDER FOR SUPPLIES AND SERVICES" in first and "47QPCA20F0019" in first
    assert not any(b.ocr for b in doc.blocks if b.page == 3)
    assert any("page 1 was read by OCR" in w for w in doc.warnings)

    skipped = parse(data_root / TDRS_AWARD, ocr=False)
    assert not skipped.ocr_pages and not any(b.page in (1, 2) for b in skipped.blocks)
    assert "page 1 has no text layer (image only); it was skipped" in skipped.warnings


def test_converted_markdown_that_writes_printed_lines_gets_its_paragraphs_back(data_root):
    doc = parse(data_root / FAR_1)
    vision = block_with(doc, "Best value must be viewed from a broad perspective")
    assert vision.text.startswith("(b) Vision . All participants in the System are responsible")
    assert vision.text.endswith("The result is a system which works better and costs less.")
    compound = block_with(parse(data_root / FAR_2), "controlled by one or more service-disabled veterans")
    assert "service- disabled" not in compound.text


def test_a_word_hyphenated_at_a_line_end_is_one_word_again_and_a_compound_keeps_its_hyphen(data_root):
    words = vocabulary([(data_root / FAR_1).read_text()])
    assert words["requirements"] > 0 and words["decisionmaking"] == 0
    assert join_words("the contract require-", "ments are met", words) == "the contract requirements are met"
    assert join_words("the decision-", "making process", words) == "the decision-making process"
    assert join_words("the plan", "is due", Counter()) == "the plan is due"


def test_characters_are_normalised_once_for_every_format():
    assert clean_text("e\u200bBuy \u00a0of\ufb01ce  re\u00adquest \ufb02ow") == "eBuy office request flow"
