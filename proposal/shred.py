"""Shredding a solicitation into requirement rows.

`shred_document(doc, source)` reads one parsed file; `shred_files(paths)` reads a solicitation and
then each later file in order: an amendment (a revised solicitation, or an SF-30 that states its
changes) is applied to the rows so far, any other file (a PWS, an attachment) adds its own rows.

What becomes a row:
- a sentence that binds someone ("shall", "must", "is required to", a contractor's "will", an
  evaluation's "will be evaluated"), or that sets a fact a proposal must meet (page or word limit,
  font, margins, a due date, the delivery method, the volumes);
- each item of a list such a sentence introduces ("shall include the following:");
- a heading that names an evaluation factor or sets a page limit;
- each clause of a clause list (its number and title), not the sentences of full-text clauses;
- a deliverables table (one row per deliverable, with its due date), and table rows that bind.
"""

from __future__ import annotations

import re
from pathlib import Path

from core.documents import ReadOptions, parse
from core.documents.classify import guess_kind
from core.documents.model import ParsedDocument
from core.errors import UserFacingError
from proposal import cues
from proposal.amend import apply_amendment
from proposal.model import Fact, Matrix, Requirement
from proposal.revision import document_text, is_revision
from proposal.units import Unit, sentence_like, walk

CLAUSE = re.compile(
    r"(?:\b(?P<reg>FAR|DFARS|GSAR|GSAM|VAAR|HHSAR|AGAR|DOSAR|DEAR|HSAR|TAR)\s+)?"
    r"(?<![\d.])(?P<num>(?:52|252|552|852|352|752|652|452|1852|2052)\.\d{3}-\d{1,4})(?![\d])|"
    r"\b(?P<reg2>GSAM|GSAR|FAR|DFARS|VAAR|HHSAR)\s+(?P<num2>\d{1,3}\.\d{3,4}(?:-\d{1,4})?)"
)
DATE_STAMP = re.compile(
    r"\(?\b(?:JAN|FEB|MAR|APR|MAY|JUN|JUL|AUG|SEP|OCT|NOV|DEC)[A-Za-z]*\.?\s+(?:19|20)\d\d\b\)?",
    re.IGNORECASE,
)
BY_REFERENCE = re.compile(r"\bincorporat\w*\b[^.]{0,60}\bby reference\b|\bby reference\b", re.IGNORECASE)
LEAD_IN = re.compile(r":\s*$|\b(the following|as follows)\b", re.IGNORECASE)
DELIVERABLE_LEAD = re.compile(r"^Deliverables?\s*(?:[-–:]\s*)?$", re.IGNORECASE)
MIN_WORDS = 3
DANGLING = re.compile(
    r"\b(and|or|in|of|the|to|for|with|a|an|by|from|on|at|that|which|are|is|be|shall|must)$", re.IGNORECASE
)


def _norm(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "", text.lower())


class _Shredder:
    """One document's walk: the lead-in list items inherit, the clause text being skipped."""

    def __init__(self, source: str):
        self.source = source
        self.rows: list[Requirement] = []
        self.lead: Requirement | None = None
        self.lead_block = -1
        self.item_block = -1  # the block of the last list item: its later sentences continue it
        self.in_clause_text = False
        self.section = None
        self.seen: set[tuple[str, str]] = set()
        self.clauses: dict[str, tuple[Requirement, str]] = {}
        self.row_ids: set[int] = set()

    def add(
        self, unit: Unit, text: str, type_: str, found: list[Fact], lead: Requirement | None = None
    ) -> Requirement | None:
        key = (unit.section, _norm(text))
        if key in self.seen or len(text.split()) < 2:
            return None
        self.seen.add(key)
        origin = (
            "clause"
            if type_ == "clause"
            else unit.kind
            if unit.kind in ("item", "heading", "row")
            else "sentence"
        )
        row = Requirement(
            text.strip(),
            type_,
            self.source,
            unit.page,
            unit.section,
            found,
            lead=lead,
            origin=origin,
            end_page=unit.end_page,
        )
        self.rows.append(row)
        self.row_ids.add(id(row))
        return row

    def feed(self, unit: Unit) -> None:
        if unit.section != self.section:
            self.section, self.in_clause_text = unit.section, False
        if unit.kind == "heading":
            self.lead = None
            self._heading(unit)
        elif unit.kind == "row":
            self.lead = None
            self._row(unit)
        else:
            self._text(unit)

    # --- kinds of unit --------------------------------------------------------------------------------
    def _heading(self, unit: Unit) -> None:
        found = cues.facts(unit.text)
        if self._clauses(unit, heading=True):
            return
        if sentence_like(unit.text):  # "B. Describe any past experience ...": an instruction as a heading
            self._text(Unit(unit.text, unit.page, unit.section, unit.zone, "item", unit.block))
            self.lead = None
            return
        if any(f.kind in ("page limit", "word limit", "factor") for f in found):
            kind = "instruction" if any(f.kind.endswith("limit") for f in found) else "evaluation"
            self.add(unit, unit.text, kind, found)

    def _continues(self, unit: Unit) -> bool:
        """Text that finishes the last row's sentence, cut by a page break or a false heading."""
        if not self.rows:
            return False
        last = self.rows[-1]
        open_paren = last.text.count("(") > last.text.count(")") and re.match(r"^\d{1,2}\)", unit.text)
        if last.source != self.source or not (
            open_paren or (unit.kind != "item" and DANGLING.search(last.text))
        ):
            return False
        if last.page is not None and unit.page is not None and unit.page - last.page > 1:
            return False
        last.text = f"{last.text} {unit.text}"
        last.facts = list(dict.fromkeys([*last.facts, *cues.facts(unit.text)]))
        return True

    def _text(self, unit: Unit) -> None:
        if self._continues(unit):
            return
        text = unit.text
        if (
            unit.kind == "sentence"
            and unit.short
            and self.lead is not None
            and unit.block in (max(self.lead_block, self.item_block) + 1, self.item_block)
        ):
            unit.kind = "item"  # a list item whose marker the Markdown or Word parser dropped
        if unit.kind == "item":
            self.item_block = unit.block
        elif unit.block not in (self.lead_block, self.item_block):
            self.lead = None
        if DELIVERABLE_LEAD.match(text):
            self.lead = Requirement(text, "deliverable", self.source, unit.page, unit.section)
            self.lead_block = unit.block
            return
        if self._clauses(unit):
            return
        found = cues.facts(text)
        inherited = self.lead if unit.kind == "item" else None
        formats = {f.kind for f in found} & (cues.FORMAT_FACTS | {"importance", "factor"})
        if unit.zone == "clauses" and self.in_clause_text and not formats:
            return  # the body of a full-text clause: the clause row stands for it
        binding = cues.binds(text, unit.zone) or (
            unit.kind == "item" and unit.zone != "background" and bool(cues.IMPERATIVE.match(text))
        )
        if not (binding or formats or inherited is not None or "deliverable due" in {f.kind for f in found}):
            if unit.zone != "background" and text.rstrip().endswith(":") and len(text.split()) >= MIN_WORDS:
                # "The primary objectives are:": not itself a requirement, but its items are
                self.lead = Requirement(
                    text, cues.type_of(text, unit.zone, found), self.source, unit.page, unit.section
                )
                self.lead_block = unit.block
            return
        if len(text.split()) < MIN_WORDS and inherited is None:
            return
        type_ = cues.type_of(text, unit.zone, found, inherited.type if inherited else None)
        real_lead = inherited if inherited is not None and id(inherited) in self.row_ids else None
        row = self.add(unit, text, type_, found, lead=real_lead)
        if row is not None and binding and LEAD_IN.search(text):
            self.lead, self.lead_block = row, unit.block

    def _clauses(self, unit: Unit, heading: bool = False) -> bool:
        """Clause rows: in a clauses part, or where the text opens with a clause number."""
        matches = list(CLAUSE.finditer(unit.text))
        if not matches:
            return False
        opens = re.match(
            r"^(?:[A-Za-z0-9]{1,3}[.)]\s+|[A-Z]\.\d{1,2}\s+)?(?:FAR|DFARS|GSAR|GSAM|VAAR|HHSAR)?\s*"
            r"(?:\d{2,4}\.\d{3}|52\.)",
            unit.text,
        )
        if not (unit.zone == "clauses" or opens or BY_REFERENCE.search(unit.text)):
            return False
        if unit.zone != "clauses" and not opens and len(unit.text.split()) > 40:
            return False  # a paragraph that cites a clause, not a list of them
        reference = bool(BY_REFERENCE.search(unit.text) or BY_REFERENCE.search(unit.section))
        for i, m in enumerate(matches):
            end = matches[i + 1].start() if i + 1 < len(matches) else len(unit.text)
            number = m.group("num") or m.group("num2")
            if number in self.clauses:
                row, zone = self.clauses[number]
                if zone != "clauses" and unit.zone == "clauses":  # a table of contents named it first
                    row.page, row.section = unit.page, unit.section
                    self.clauses[number] = (row, unit.zone)
                continue
            regulation = m.group("reg") or m.group("reg2") or ("FAR" if number.startswith("52.") else "")
            title = unit.text[m.end() : end]
            title = re.split(r"\s+(?=This (?:contract|solicitation|BPA|order)\b)|(?<=[a-z])\.\s", title)[0]
            stamp = DATE_STAMP.search(title)
            if stamp:
                title = title[: stamp.end()]
            text = " ".join(f"{regulation} {number} {title}".split()).strip(" .-–")[:200]
            found = [Fact("clause", "incorporated by reference")] if reference and not heading else []
            row = self.add(unit, text, "clause", found)
            if row is not None:
                self.clauses[number] = (row, unit.zone)
        self.in_clause_text = True
        return True

    def _row(self, unit: Unit) -> None:
        fields = unit.fields or {}
        header = unit.header or ""
        if re.match(r"^\s*Deliverable\b", header, re.IGNORECASE) and len(fields) == 2:
            self._deliverable_cell(unit, header, fields)
            return
        found = cues.facts(unit.text, context=header)
        binding = cues.binds(unit.text, unit.zone)
        worded = len(re.findall(r"[A-Za-z]{2,}", unit.text)) >= 3  # not a row of codes and numbers
        if not (
            binding or {f.kind for f in found} & cues.FORMAT_FACTS or (worded and unit.zone != "background")
        ):
            return
        self.add(unit, unit.text, cues.type_of(unit.text, unit.zone, found), found)

    def _deliverable_cell(self, unit: Unit, header: str, fields: dict[str, str]) -> None:
        """A table per deliverable ("Deliverable 1 | Accepted Features", then attribute | value rows)
        becomes one row: the deliverable, its standard, and its due date."""
        (attr_col, attribute), (name, value) = list(fields.items())
        current = next((r for r in reversed(self.rows) if r.type == "deliverable" and r.note == header), None)
        if current is None:
            current = self.add(unit, f"{attr_col}: {name}", "deliverable", [])
            if current is None:
                return
            current.note = header
        if re.search(r"due", attribute, re.IGNORECASE):
            current.facts.append(Fact("deliverable due", value))
        elif re.search(r"standard|description|requirement", attribute, re.IGNORECASE):
            current.text = f"{current.text} ({attribute}: {value})"


def shred_document(doc: ParsedDocument, source: str | None = None) -> list[Requirement]:
    shredder = _Shredder(source or doc.path)
    for unit in walk(doc):
        shredder.feed(unit)
    for row in shredder.rows:
        if row.type == "deliverable" and row.note.lower().startswith("deliverable"):
            row.note = ""
    return shredder.rows


def read(path: Path, display: str | None = None, options: ReadOptions | None = None) -> ParsedDocument:
    path = Path(path)
    if not path.is_file():
        raise UserFacingError(f"{display or path}: no such file")
    options = options or ReadOptions()
    return parse(
        path,
        display or path.name,
        max_bytes=options.max_bytes,
        max_expanded=options.max_expanded,
        ocr=options.ocr,
    )


def shred_files(
    paths: list[Path], names: list[str] | None = None, options: ReadOptions | None = None
) -> Matrix:
    """The first file is the solicitation; later files are applied in the order given. `options`:
    the read limits and OCR setting (ingest's, from the settings)."""
    if not paths:
        raise UserFacingError("give at least one solicitation file")
    names = names or [Path(p).name for p in paths]
    first = read(paths[0], names[0], options)
    matrix = Matrix([names[0]], shred_document(first, names[0]))
    matrix.number()
    before = document_text(first)
    for path, name in zip(paths[1:], names[1:], strict=True):
        doc = read(path, name, options)
        rows = shred_document(doc, name)
        matrix.sources.append(name)
        if guess_kind(doc, Path(path).name) == "amendment" or is_revision(matrix.rows, rows):
            matrix.rows, notes = apply_amendment(matrix.rows, doc, rows, name, shred_document, before)
            matrix.notes += notes
            before = document_text(doc)
        else:
            matrix.rows += rows
            before += document_text(doc)
            matrix.notes.append(f"{name}: read as another part of the solicitation ({len(rows)} rows)")
        matrix.number()
    return matrix
