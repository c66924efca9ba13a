"""Guess what a document is (rfp, amendment, pws, qasp, proposal, far, codes, other) and which
solicitation it belongs to, from its name and first pages. A `--tag kind=...` overrides the guess."""

from __future__ import annotations

import re

from core.documents.model import ParsedDocument
from core.identifiers import solicitation_numbers

DOC_KINDS = ("rfp", "amendment", "pws", "qasp", "proposal", "far", "codes", "other")

_NAME_RULES: list[tuple[str, str]] = [
    (r"amend|modification|\bmod[\s_#-]*\d|sf[\s_-]?30", "amendment"),
    (r"qasp|quality[\s_-]*assurance[\s_-]*surveillance", "qasp"),
    (
        r"\bpws\b|performance[\s_-]*work[\s_-]*statement|\bsoo\b|statement[\s_-]*of[\s_-]*(work|objectives)|\bsow\b",
        "pws",
    ),
    (
        r"proposal|vendor[\s_-]*response|technical[\s_-]*volume|past[\s_-]*performance[\s_-]*volume",
        "proposal",
    ),
    (r"\bfar[\s_-]*part|\bdfars\b|\bgsar\b", "far"),
    (r"\bsoc\b|\bopm\b|\bcalc\b|oasis|occupation|labor[\s_-]*(rates|categor)|lcat|payplan|fedscope", "codes"),
    (r"\brf[qpi]\b|solicitation|sources[\s_-]*sought|task[\s_-]*order|pricing|price[\s_-]*sheet|igce", "rfp"),
]

_CODE_COLUMNS = re.compile(r"\bsoc\b|occupation|\bseries\b", re.IGNORECASE)

_CONTENT_RULES: list[tuple[str, str]] = [
    (r"AMENDMENT OF SOLICITATION/MODIFICATION OF CONTRACT|\bAmendment (No\.?|Number) ?\d", "amendment"),
    (r"Quality Assurance Surveillance Plan", "qasp"),
    (r"Performance Work Statement|Statement of Objectives|Statement of Work", "pws"),
    (r"Federal Acquisition Regulation|^\s*\d{1,2}\.\d{3}(-\d+)? [A-Z]", "far"),
    (
        r"Request for (Quot|Proposal|Task Execution)|\bRF[QP]\b|\bRTEP\b|Solicitation (No|Number)|Sources Sought|"
        r"Instructions to (Quoters|Offerors)|Evaluation (Criteria|Factors)",
        "rfp",
    ),
    (r"our (team|company|approach)|we (will|propose)|our proposed", "proposal"),
]


def _words(name: str) -> str:
    return re.sub(r"[_\-.]+", " ", name).lower()


def guess_kind(doc: ParsedDocument, name: str) -> str:
    words = _words(name)
    for pattern, kind in _NAME_RULES:
        if re.search(pattern, words, re.IGNORECASE):
            if kind == "codes" and doc.format not in ("csv", "xlsx"):
                continue
            return kind
    if doc.format in ("csv", "xlsx"):
        records = [b for b in doc.blocks if b.kind == "record"]
        columns = " ".join({name for b in records[:20] for name in (b.fields or {})})
        # A long table, or one whose columns are codes (SOC occupations, OPM series), is a
        # code table however short; other sheets are a solicitation's pricing or data.
        return "codes" if len(records) > 200 or _CODE_COLUMNS.search(columns) else "rfp"
    head = doc.head_text(6000)
    scores = {
        kind: len(re.findall(pattern, head, re.IGNORECASE | re.MULTILINE)) for pattern, kind in _CONTENT_RULES
    }
    best = max(_CONTENT_RULES, key=lambda rule: (scores[rule[1]], -_CONTENT_RULES.index(rule)))[1]
    return best if scores[best] else "other"


def guess_solicitation(doc: ParsedDocument, name: str, kind: str = "rfp") -> str | None:
    """The solicitation/contract number the document is about: from its file name first, then from
    the most frequent number in its first pages. Regulations and code tables have none."""
    if kind in ("far", "codes"):
        return None
    from_name = solicitation_numbers(re.sub(r"[_]+", " ", name))
    if from_name:
        return from_name[0]
    numbers = solicitation_numbers(doc.head_text(8000))
    if not numbers:
        return None
    head = doc.head_text(8000)
    return max(numbers, key=lambda n: (head.count(n) + head.count(n.removeprefix("RFQ")), -numbers.index(n)))
