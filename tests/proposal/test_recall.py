"""Whole-sentence recall of the shredder on four solicitations annotated by hand (issue 10, item 7).

Two annotations were written before the shredder was ever run on their files (cloudgov_pws_annotations.py, a
PDF statement of work; crm_task_order_annotations.py, a Word RFQ), two are older (ads_rfq_annotations.py: the
shredder was developed on that PDF; incident_rfq_annotations.py: Markdown, annotated before its first run).

An annotated requirement is found when one matrix row that is whole (proposal/wholeness.py: not a
fragment cut out of a sentence) contains it, compared flattened to [a-z0-9], and sits where the annotation
puts it:
- PDF: on its page (a row whose paragraph runs over a page break covers its pages);
- the incident RFQ (Markdown): under its section number;
- the CRM RFQ (Word): in its part, Section A, B or C (or anywhere for the overview above Section A). The
  headings under each part are numbered by Word's list numbering, which the section path does not carry
  yet, so the heading named under the part is not checked.
The ADS and incident annotations are snippets: the row holding the snippet must be whole. The cloud.gov and
CRM annotations are whole sentences, list items and table rows.
"""

from __future__ import annotations

import re

import pytest

from proposal.shred import shred_files
from proposal.wholeness import is_whole
from tests.proposal.ads_rfq_annotations import ANNOTATED as ADS
from tests.proposal.cloudgov_pws_annotations import ANNOTATED as CLOUDGOV
from tests.proposal.crm_task_order_annotations import ANNOTATED as CRM
from tests.proposal.incident_rfq_annotations import ANNOTATED as INCIDENT


def flat(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


def on_page(page: int, row) -> bool:
    return row.page is not None and row.page <= page <= (row.end_page or row.page)


def under_number(number: str, row) -> bool:
    return not number or any(
        re.match(rf"^{re.escape(number)}(?:[.\s]|$)", part.strip()) for part in row.section.split(" > ")
    )


def in_part(path: str, row) -> bool:
    part = path.split(" > ")[0]
    return not part or flat(f"section {part}") in flat(row.section)


DOCUMENTS = {
    "ads": ("rfp/gsa-18f-agile-delivery-services-bpa-2015/ADS_RFQ_Final_2015-06-16.pdf", ADS, on_page),
    "incident": ("rfp/gsa-tts-incident-response-saas-2018/RFQ.md", INCIDENT, under_number),
    "cloudgov": ("rfp/gsa-tts-cloudgov-support-services-2019/Attachment-A-PWS.pdf", CLOUDGOV, on_page),
    "crm": ("rfp/usds-techfar-hub-samples/CRMTaskOrder_Sample_DRAFT.docx", CRM, in_part),
}


@pytest.mark.parametrize("name", list(DOCUMENTS))
def test_whole_sentence_recall_on_hand_annotated_solicitations(data_root, name):
    path, annotated, placed = DOCUMENTS[name]
    rows = [(flat(r.text), r) for r in shred_files([data_root / path]).rows if is_whole(r)]
    missed = [
        (where, text)
        for where, text in annotated
        if not any(flat(text) in row_text and placed(where, row) for row_text, row in rows)
    ]
    found = len(annotated) - len(missed)
    print(
        f"\n{name}: annotated {len(annotated)}, found {found}, recall {found / len(annotated):.3f}, "
        f"whole rows {len(rows)}; missed: {missed}"
    )
    assert len(annotated) >= 50
    assert found / len(annotated) >= 0.9, missed
