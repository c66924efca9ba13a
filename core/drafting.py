"""Drafting a proposal section from retrieved passages, with citations and an honest gap list.

Each requirement (or, without a list, the section title itself) becomes one cited paragraph built by
the Answerer; a requirement no passage supports is listed as a gap instead of being invented. The
draft renders to Markdown (for Slack and terminals) and to DOCX (bracketed citations and a sources
appendix).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from core.answer import Answer, Answerer
from core.retrieval import Filters


@dataclass
class DraftParagraph:
    requirement: str
    text: str  # with [n] markers numbered in the draft's own sources list
    mode: str


@dataclass
class DraftSource:
    n: int
    path: str
    page: int | None
    section: str
    excerpt: str

    def label(self) -> str:
        bits = [self.path]
        if self.page:
            bits.append(f"page {self.page}")
        if self.section:
            bits.append(self.section)
        return ", ".join(bits)


@dataclass
class Draft:
    title: str
    solicitation: str | None
    paragraphs: list[DraftParagraph] = field(default_factory=list)
    sources: list[DraftSource] = field(default_factory=list)
    gaps: list[str] = field(default_factory=list)

    def markdown(self) -> str:
        lines = [f"# {self.title}" + (f" ({self.solicitation})" if self.solicitation else ""), ""]
        for p in self.paragraphs:
            lines += [p.text, ""]
        if self.gaps:
            lines += ["## Gaps (not supported by the documents)", *[f"- {g}" for g in self.gaps], ""]
        lines += ["## Sources", *[f"[{s.n}] {s.label()}" for s in self.sources]]
        return "\n".join(lines).strip() + "\n"

    def to_docx(self, path: Path) -> Path:
        import docx

        document = docx.Document()
        document.add_heading(self.title, level=1)
        if self.solicitation:
            document.add_paragraph(f"Solicitation: {self.solicitation}")
        for p in self.paragraphs:
            document.add_paragraph(p.text)
        if self.gaps:
            document.add_heading("Gaps (not supported by the documents)", level=2)
            for gap in self.gaps:
                document.add_paragraph(gap, style="List Bullet")
        return save_with_sources(document, self.sources, path)


def save_with_sources(document, sources, path: Path) -> Path:
    """Append the sources appendix (label, then the quoted excerpt) and save the Word document
    atomically: a reader never sees a half-written file."""
    document.add_heading("Sources", level=2)
    for s in sources:
        document.add_paragraph(f"[{s.n}] {s.label()}")
        document.add_paragraph(s.excerpt[:600], style="Quote")
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".part")
    document.save(str(tmp))
    tmp.replace(path)
    return path


def draft_section(
    answerer: Answerer,
    title: str,
    collections: list[str],
    solicitation: str | None = None,
    requirements: list[str] | None = None,
    extractive: bool | None = None,
    filters: Filters | None = None,
) -> Draft:
    """`filters` narrows the passages drafted from (a proposal draws on past proposals and company
    documents, not on the solicitation it answers)."""
    draft = Draft(title, solicitation)
    index: dict[tuple[str, int | None, str], int] = {}
    filters = filters or Filters()
    for requirement in requirements or [title]:
        question = requirement if requirement == title else f"{title}: {requirement}"
        if solicitation:
            question = f"{question} ({solicitation})"
        answer: Answer = answerer.answer(question, collections, filters=filters, extractive=extractive)
        if answer.declined:
            draft.gaps.append(requirement)
            continue
        renumber: dict[int, int] = {}
        for source in answer.sources:
            key = (source.hit.path, source.hit.page, source.hit.section)
            if key not in index:
                index[key] = len(draft.sources) + 1
                draft.sources.append(DraftSource(index[key], source.hit.path, source.hit.page, source.hit.section,
                                                 source.excerpt))
            renumber[source.n] = index[key]
        text = re.sub(r"\[(\d+)\]", lambda m, r=renumber: f"[{r.get(int(m.group(1)), m.group(1))}]", answer.text)
        draft.paragraphs.append(DraftParagraph(requirement, text, answer.mode))
    return _number_in_reading_order(draft)


def _number_in_reading_order(draft: Draft) -> Draft:
    """Keep only the sources the paragraphs cite, numbered 1, 2, 3... in the order a reader meets them."""
    order: dict[int, int] = {}
    for p in draft.paragraphs:
        for n in re.findall(r"\[(\d+)\]", p.text):
            order.setdefault(int(n), len(order) + 1)
    for p in draft.paragraphs:
        p.text = re.sub(r"\[(\d+)\]", lambda m: f"[{order.get(int(m.group(1)), m.group(1))}]", p.text)
    by_old = {s.n: s for s in draft.sources}
    draft.sources = [by_old[old] for old in order if old in by_old]
    for s in draft.sources:
        s.n = order[s.n]
    return draft
