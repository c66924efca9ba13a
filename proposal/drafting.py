"""Drafting a proposal section from retrieved passages, with citations and an honest gap list.

Each requirement (or, without a list, the section title itself) becomes one cited paragraph built by
the Answerer; a requirement no passage supports is listed as a gap instead of being invented. The
draft renders to Markdown (for Slack and terminals) and to DOCX (bracketed citations and a sources
appendix).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from core.answer import Answer, Answerer
from core.answering.records import AnswerMode
from core.prompt import Citation, cited_numbers, renumber
from core.retrieval import Filters


@dataclass
class DraftParagraph:
    requirement: str
    text: str  # with [n] markers numbered in the draft's own sources list
    mode: AnswerMode


@dataclass
class DraftSource:
    n: int
    path: str
    page: int | None
    section: str
    excerpt: str
    end_page: int | None = None

    @property
    def citation(self) -> Citation:
        return Citation(self.path, self.page, self.section, self.end_page)

    @property
    def label(self) -> str:
        return self.citation.label()


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
        lines += ["## Sources", *[f"[{s.n}] {s.label}" for s in self.sources]]
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
        document.add_paragraph(f"[{s.n}] {s.label}")
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
    index: dict[tuple[str, str], int] = {}  # (collection, point id) -> number: each passage one source
    filters = filters or Filters()
    for requirement in requirements or [title]:
        question = requirement if requirement == title else f"{title}: {requirement}"
        if solicitation:
            question = f"{question} ({solicitation})"
        answer: Answer = answerer.answer(question, collections, filters=filters, extractive=extractive)
        if answer.declined:
            draft.gaps.append(requirement)
            continue
        # Each cited passage is one source of the draft, numbered [1], [2], ... as the draft first cites it.
        by_n = {source.n: source for source in answer.sources}
        numbers: dict[int, int] = {}
        for n in dict.fromkeys(cited_numbers(answer.text)):
            source = by_n.get(n)
            if source is None:
                continue
            key = (source.hit.collection, source.hit.id)
            if key not in index:
                index[key] = len(draft.sources) + 1
                where = source.hit.citation
                draft.sources.append(
                    DraftSource(
                        index[key], where.path, where.page, where.section, source.excerpt, where.end_page
                    )
                )
            numbers[n] = index[key]
        text = renumber(answer.text, lambda n, numbers=numbers: numbers.get(n, n))
        draft.paragraphs.append(DraftParagraph(requirement, text, answer.mode))
    return draft
