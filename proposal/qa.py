"""Binding answers in the questions and answers an amendment incorporates.

Entries are found by their markers ("● Question ○ ...", "Question 3:", "Q:", "Answer:"); each
answer's sentences that bind someone ("US-based support is required") become "clarified" rows under
the section the answer cites (else the one the vendor's question cites), with the question in Note.
"""

from __future__ import annotations

import re

from core.documents.model import ParsedDocument
from core.documents.text import split_sentences
from proposal import cues
from proposal.model import Requirement

QA_MARK = re.compile(
    r"[●•]\s*(?P<kind>Question|Answer|Response)\b\s*○?\s*"
    r"|\b(?P<kind2>Question|Answer|Response)\s*(?:#?\s*\d+)?\s*[:○]\s*"
    r"|\b(?P<short>[QA])\s*\d{0,3}\s*:\s*"
)
QA_REF = re.compile(
    r"Section of the (?:RFQ|RFP|solicitation)\s*○?\s*(?P<ref>.+?)(?=\s*[●•]|\s*\bQuestion\b|$)", re.IGNORECASE
)
ENTRY = re.compile(r"\b(?:Issue|Question|Q)\s*#\s*\d+|\bQuestion\s+\d+\s*[:.]", re.IGNORECASE)
SECTION_NUM = re.compile(r"\b(?:Section|Paragraph|Para\.?)\s+(?P<num>[A-Z]?\d+(?:\.\d+)*)", re.IGNORECASE)


def qa_rows(doc: ParsedDocument, rows: list[Requirement], name: str) -> list[Requirement]:
    """Binding sentences of the answers in a Q&A the amendment incorporates."""
    pieces: list[tuple[int, int | None]] = []
    text = ""
    for block in doc.blocks:
        pieces.append((len(text), block.page))
        text += " ".join(block.text.replace("\u200b", "").split()) + " "
    marks = list(QA_MARK.finditer(text))
    kinds = [(m.group("kind") or m.group("kind2") or m.group("short") or "").lower() for m in marks]
    if not any(k.startswith("q") for k in kinds):
        return []

    def page_at(offset: int) -> int | None:
        page = None
        for start, p in pieces:
            if start > offset:
                break
            page = p
        return page

    out: list[Requirement] = []
    question, ref = "", ""
    for k, m in enumerate(marks):
        kind = kinds[k]
        end = marks[k + 1].start() if k + 1 < len(marks) else len(text)
        body = text[m.end() : end]
        entry = ENTRY.search(body)
        if entry:
            body = body[: entry.start()]
        if kind.startswith("q"):
            before = text[max(0, m.start() - 300) : m.start()]
            refs = list(QA_REF.finditer(before))
            ref = refs[-1].group("ref").strip() if refs else ""
            question = " ".join(body.split())
            continue
        if not question:
            continue
        number = SECTION_NUM.search(f"{body} {ref} {question}")  # the answer's own citation first
        section = ref
        if number:
            hit = next((r for r in rows if in_section(r, number.group("num"))), None)
            section = hit.section if hit else f"Section {number.group('num')}"
        for sentence in split_sentences(body):
            sentence = sentence.strip(" ○■●•")
            if len(sentence.split()) < 4 or not (
                cues.MODAL.search(sentence) or cues.PARTY_WILL.search(sentence)
            ):
                continue
            found = cues.facts(sentence)
            row = Requirement(
                sentence,
                cues.type_of(sentence, "", found),
                name,
                page_at(m.start()),
                section,
                found,
                amendment=name,
                change="clarified",
                note=f"Q&A: {question[:240]}",
                origin="answer",
            )
            out.append(row)
        question = ""
    return out


def in_section(row: Requirement, num: str) -> bool:
    pattern = re.compile(rf"^(?:section\s+)?{re.escape(num)}(?:[.\s]|$)", re.IGNORECASE)
    return any(pattern.match(part.strip()) for part in row.section.split(" > "))
