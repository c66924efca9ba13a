"""Recall of the shredder on solicitations annotated by hand (ads_rfq_annotations.py,
incident_rfq_annotations.py): a requirement counts as found when a row contains its words and sits
on its page (PDF) or in its section (Markdown)."""

from __future__ import annotations

import re

from core.proposal.shred import shred_files
from tests.proposal.ads_rfq_annotations import ANNOTATED

ADS = "rfp/gsa-18f-agile-delivery-services-bpa-2015/ADS_RFQ_Final_2015-06-16.pdf"


def flat(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


def test_recall_on_the_hand_annotated_ads_rfq(data_root):
    matrix = shred_files([data_root / ADS])
    rows = [(flat(r.text), r.page) for r in matrix.rows]
    missed = [(page, snippet) for page, snippet in ANNOTATED
              if not any(flat(snippet) in text and page == row_page for text, row_page in rows)]
    found = len(ANNOTATED) - len(missed)
    recall = found / len(ANNOTATED)
    print(f"\nannotated {len(ANNOTATED)}, found {found}, recall {recall:.3f}, rows {len(matrix.rows)}; missed: {missed}")
    assert len(ANNOTATED) >= 100
    assert recall >= 0.9, missed


def test_recall_on_a_second_hand_annotated_rfq(data_root):
    """The incident-response RFQ (Markdown, no pages): found when a row contains the words and sits in
    the annotated section."""
    from tests.proposal.incident_rfq_annotations import ANNOTATED as INCIDENT

    matrix = shred_files([data_root / "rfp/gsa-tts-incident-response-saas-2018/RFQ.md"])

    def in_section(section: str, number: str) -> bool:
        return not number or any(re.match(rf"^{re.escape(number)}(?:[.\s]|$)", part.strip())
                                 for part in section.split(" > "))

    missed = [(number, snippet) for number, snippet in INCIDENT
              if not any(flat(snippet) in flat(r.text) and in_section(r.section, number) for r in matrix.rows)]
    found = len(INCIDENT) - len(missed)
    print(f"\nannotated {len(INCIDENT)}, found {found}, recall {found / len(INCIDENT):.3f}, rows {len(matrix.rows)}; "
          f"missed: {missed}")
    assert found / len(INCIDENT) >= 0.9, missed
