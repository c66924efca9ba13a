"""Drafting a proposal section from the compliance matrix.

The requirements a section answers are the rows the team assigned to it (the matrix's "Response
Location" column names the section), or else the rows closest to the section's title in meaning and
words. Each becomes one cited paragraph drafted from past proposals and company documents (by
default the "proposal" and "other" document kinds, never the solicitation itself); a requirement no
passage supports is listed as a gap, not invented. The DOCX keeps bracketed citations, a gap list
and a sources appendix whose every entry is a cited passage.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from core.answer import Answerer
from core.embedding import Embedder
from core.retrieval import Filters
from proposal.cues import FORMAT_FACTS
from proposal.drafting import Draft, draft_section, save_with_sources
from proposal.model import Matrix, Requirement
from proposal.summary import where

SOURCE_KINDS = ("proposal", "other")
MIN_MATCH = 0.3  # similarity below which a row is not about the section
_STOP = {"the", "and", "of", "to", "a", "an", "for", "in", "on", "with", "section", "volume", "approach"}


@dataclass
class SectionDraft:
    draft: Draft
    requirements: list[Requirement]
    by_text: dict[str, Requirement] = field(default_factory=dict)

    def requirement(self, text: str) -> Requirement | None:
        return self.by_text.get(text)

    @property
    def gaps(self) -> list[Requirement]:
        return [self.by_text[g] for g in self.draft.gaps if g in self.by_text]


AWARD_MECHANICS = re.compile(
    r"\bawards?\b[^.]*\b(rating|basis|determined|made)\b|\bbest value\b|\bdeciding factor\b", re.IGNORECASE
)
MARKER = re.compile(r"^\(?(?:[A-Za-z]|\d{1,2})[.)]\s+")


def _answerable(r: Requirement) -> bool:
    """Rows a proposal answers in prose: not clauses, format rules, deadlines or how awards are made."""
    if not r.live or r.type == "clause" or AWARD_MECHANICS.search(r.text):
        return False
    kinds = {f.kind for f in r.facts}
    if (kinds and kinds <= FORMAT_FACTS) or "importance" in kinds:  # format rules, how awards are weighed
        return False
    return len(r.text.split()) >= 5


def _words(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z]{3,}", text.lower()) if w not in _STOP}


def requirements_for(title: str, matrix: Matrix, embedder: Embedder, limit: int = 8) -> list[Requirement]:
    """The rows the section answers: assigned by the team, else the closest to its title (meaning,
    and the title's words in the row or its section), each lead-in with its list items."""
    key = " ".join(title.lower().split())
    assigned = [r for r in matrix.live_rows if " ".join(r.response_location.lower().split()) == key]
    if assigned:
        return assigned
    rows = [r for r in matrix.live_rows if _answerable(r)]
    if not rows:
        return []
    vectors = embedder.embed([f"{r.section}: {r.text}" for r in rows])
    sims = vectors @ embedder.embed_query(title)
    title_words = _words(title)
    scored = []
    for r, sim in zip(rows, sims, strict=True):
        overlap = len(title_words & _words(f"{r.section} {r.text}")) / max(1, len(title_words))
        scored.append((float(sim) + 0.3 * overlap, r))
    children: dict[str, list[Requirement]] = {}
    for r in rows:
        if r.parent:
            children.setdefault(r.parent, []).append(r)
    chosen: dict[int, Requirement] = {}
    for score, r in sorted(scored, key=lambda x: -x[0]):
        if score < MIN_MATCH or len(chosen) >= limit:
            break
        chosen[id(r)] = r
        for child in children.get(r.id, []):  # a lead-in brings its list: "... shall include the following:"
            chosen[id(child)] = child
    order = {id(r): i for i, r in enumerate(matrix.rows)}
    return sorted(chosen.values(), key=lambda r: order[id(r)])


def draft_from_matrix(
    answerer: Answerer,
    title: str,
    matrix: Matrix,
    collections: list[str],
    requirements: list[Requirement],
    kinds: tuple[str, ...] = SOURCE_KINDS,
    extractive: bool | None = None,
) -> SectionDraft:
    texts = [question(r) for r in requirements]
    solicitation = ", ".join(matrix.sources) if matrix.sources else None
    draft = draft_section(
        answerer,
        title,
        collections,
        requirements=texts or None,
        extractive=extractive,
        filters=Filters(doc_kinds=tuple(kinds)),
    )
    draft.solicitation = solicitation
    return SectionDraft(draft, requirements, {question(r): r for r in requirements})


def question(r: Requirement) -> str:
    """What is asked of the sources: the requirement without its list marker ("E. ")."""
    return MARKER.sub("", r.text).strip()


def write_docx(section: SectionDraft, path: Path) -> Path:
    """The draft as Word: each requirement answered under its id and place in the solicitation,
    citations in brackets, the gaps, then the sources appendix (one entry per cited passage)."""
    import docx
    from docx.shared import Pt

    draft = section.draft
    document = docx.Document()
    document.add_heading(draft.title, level=1)
    if draft.solicitation:
        document.add_paragraph(f"Responds to: {draft.solicitation}")
    for paragraph in draft.paragraphs:
        req = section.requirement(paragraph.requirement)
        if req is not None:
            lead = document.add_paragraph()
            run = lead.add_run(f"{req.id} ({where(req)}): ")
            run.bold = True
            quoted = lead.add_run(_short(req.text))
            quoted.italic = True
            quoted.font.size = Pt(9)
        document.add_paragraph(paragraph.text)
    if draft.gaps:
        document.add_heading("Gaps: requirements the documents do not support", level=2)
        for text in draft.gaps:
            req = section.requirement(text)
            label = f"{req.id} ({where(req)}): " if req is not None else ""
            document.add_paragraph(f"{label}{text}", style="List Bullet")
    return save_with_sources(document, draft.sources, path)


def _short(text: str, words: int = 40) -> str:
    parts = text.split()
    return text if len(parts) <= words else " ".join(parts[:words]) + " …"
