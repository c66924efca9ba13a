"""A parsed solicitation walked as units a shredder can judge.

Each unit is a sentence, a list item, a heading or a table row, with its page, a clean section label
and the part of the solicitation it sits in: "instructions" (Section L or its equivalent),
"evaluation" (Section M), "clauses", "deliverables", "key personnel", or "" for the rest.

Two things the parsers leave for us: inline list items ("A. Contractor Name B. GSA Schedule ...",
a list whose markers the PDF text layer runs together) are split apart, and paragraphs numbered
inline ("1.4 As part of ...", "6.Special Instructions") count as sections.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from core.documents.model import ParsedDocument
from core.documents.text import split_sentences

ZONES: list[tuple[str, re.Pattern[str]]] = [
    ("key personnel", re.compile(r"\bkey personnel\b", re.I)),
    (
        "clauses",
        re.compile(
            r"\bclauses?\b|\bprovisions? incorporated\b|^SECTION I\b|\bincorporated by reference\b", re.I
        ),
    ),
    (
        "evaluation",
        re.compile(
            r"\bevaluation\b|\bbasis (for|of) award\b|\baward (criteria|basis)\b|^SECTION M\b|"
            r"\bfactor \d|\bselection (process|criteria)\b|\bevaluation process\b|\bcriteria \d",
            re.I,
        ),
    ),
    (
        "instructions",
        re.compile(
            r"\binstructions?\b|\bsubmission|\bsubmittal|\bproposal preparation\b|"
            r"\bpreparation of (quotes|quotations|proposals|offers)\b|^SECTION L\b|"
            r"\bdeadlines and response|\bresponse format|\bhow to (submit|respond)\b|"
            r"\b(technical|price) (volume|quotation|submission)\b|\bquote (format|content)\b",
            re.I,
        ),
    ),
    (
        "deliverables",
        re.compile(
            r"^(?!.*\b(rights|ownership|data|tasks?)\b).*\bdeliverables?\b|\breporting requirements\b", re.I
        ),
    ),
    # Where a solicitation describes the buyer, not the work: only what binds is a row.
    (
        "background",
        re.compile(
            r"\bbackground\b|\bintroduction\b|\bhistory\b|\bcurrent (?:environment|state|system|"
            r"situation)\b",
            re.I,
        ),
    ),
]

# "1.4 As part of ...", "1.3.1 The quoter ...": a dotted number opening a paragraph.
INLINE_NUMBER = re.compile(r"^(?P<num>\d{1,2}(?:\.\d{1,3}){1,3})\.?\s+(?=[A-Z(])")
# "6.Special Instructions", "3.Period of Performance. The ...": Markdown converted without a space.
INLINE_TITLE = re.compile(r"^(?P<num>\d{1,2})\.(?P<title>[A-Z][A-Za-z/&,’' -]{2,90}?)(?:\.\s+|:\s*|\s*$)")
NOT_TITLE = {"The", "A", "An", "This", "These", "All", "Each", "Please", "In", "If", "Your", "Our"}
ITEM_MARK = re.compile(r"(?:(?<=\s)|^)\(?(?P<m>[A-Z]|[a-z]|\d{1,2})[.)]\s+(?=\S)")
BULLET = re.compile(r"^\s*(?:[•▪◦●■○\-*–]|\(?[A-Za-z]\)|\(?\d{1,2}\)|[A-Za-z]\.|\d{1,2}\.)\s+")
# "Attachment D boilerplate template.": a sentence's tail the PDF parser took for a heading.
JUNK_HEADING = re.compile(
    r"^(?![A-Z]?\d|[A-Z]\.\s|SECTION|Section|PART|Part)[A-Z][\w’'-]*(?: [\w’'-]+){1,8}\.$"
)
NUMBERED = re.compile(r"^(?:[A-Z]?\d+(?:\.\d+)*\.?|[A-Z]\.\d*|SECTION|Section|PART|Part)\s")
FACTOR_HEADING = re.compile(r"^(?:Factor|Criteri(?:on|a)|Phase|Volume|Element)\s+\w+\s*[-–:.]", re.IGNORECASE)
TOC = re.compile(r"(?:\.\s?){5,}\s*\d{1,3}\b|…{2,}\s*\d{1,3}\b")  # a table of contents line
ITEM_WORDS = 80
UNMARKED_LISTS = ("markdown", "docx", "html")  # formats whose parsers drop list markers
SHORT_BLOCK = 60  # a longer list item is judged sentence by sentence


@dataclass
class Unit:
    text: str
    page: int | None
    section: str
    zone: str
    kind: (
        str  # "sentence" | "item" | "heading" | "row" | "fragment" (a sentence the parser took for a heading)
    )
    block: int
    marker: str = ""
    short: bool = False  # the whole block is short: in Markdown and Word, perhaps a list item whose marker
    # the parser dropped
    fields: dict[str, str] | None = None
    header: str | None = None
    table: str | None = None
    end_page: int | None = None  # the block's last page, when it runs over a page break


SECTION_NUMBER = re.compile(r"^(\d{1,2}(?:\.\d{1,3})*)\.?\s")
TOP_LEVEL = re.compile(
    r"^(?:\d{1,2}(?:\.0)?\.?|SECTION [A-Z]\b|Section [A-Z]\b|PART [IVX\d]+)\s", re.IGNORECASE
)


def zone_of(path: list[str]) -> str:
    """The zone of the deepest heading that names one, looking no higher than the top-level
    numbered section ("3.0 Objectives" is not inside "Deadlines and response formats", whatever the
    heading levels say)."""
    below: str | None = None  # the number of the heading below, once one is numbered
    for title in reversed(path):
        number = SECTION_NUMBER.match(title)
        if below is not None and (number is None or number.group(1).split(".")[0] != below.split(".")[0]):
            return ""  # "2.2 Expectations" is not inside an unnumbered "Deadlines and response formats"
        for zone, pattern in ZONES:
            if pattern.search(title):
                return zone
        if TOP_LEVEL.match(title):
            return ""
        if number is not None:
            below = number.group(1)
    return ""


def sentence_like(heading: str) -> bool:
    """A heading that reads as a sentence ("Attachment C includes at a minimum five of the labor
    categories", "B. Describe any past experience ..."): several lowercase words."""
    return sum(1 for w in heading.split() if w[:1].islower()) >= 4 and not FACTOR_HEADING.match(heading)


def is_junk(heading: str, fmt: str) -> bool:
    """A sentence fragment the PDF parser took for a heading."""
    if fmt != "pdf" or NUMBERED.match(heading):
        return False
    return bool(JUNK_HEADING.match(heading)) or sentence_like(heading)


def clean_path(section: tuple[str, ...], fmt: str = "") -> list[str]:
    """The heading path without the sentence fragments the PDF parser took for headings."""
    return [s for s in section if not is_junk(s, fmt)]


def label(path: list[str]) -> str:
    return " > ".join(path[-2:])


def _successor(a: str, b: str) -> bool:
    if a.isdigit() and b.isdigit():
        return int(b) == int(a) + 1
    if a.isalpha() and b.isalpha() and len(a) == len(b) == 1 and a.isupper() == b.isupper():
        return ord(b) == ord(a) + 1
    return False


def split_items(text: str) -> list[tuple[str, str]]:
    """[(marker, item text)]: a paragraph that runs list items together, split at markers that
    follow one another (A. then B. then C.). Text with no such run is one item with no marker."""
    marks = list(ITEM_MARK.finditer(text))
    if not marks or marks[0].start() != 0:
        return [("", text)]
    chain = [marks[0]]
    for m in marks[1:]:
        if _successor(chain[-1].group("m"), m.group("m")):
            chain.append(m)
    if len(chain) < 2:
        return [(chain[0].group("m"), text)]
    out = []
    for i, m in enumerate(chain):
        end = chain[i + 1].start() if i + 1 < len(chain) else len(text)
        out.append((m.group("m"), text[m.start() : end].strip()))
    return out


def _same_level(a: str, b: str) -> bool:
    """Two headings numbered in the same style ("A." and "B.", "3.1" and "3.2") are siblings."""

    def style(h: str) -> str:
        m = re.match(r"^([A-Z])\.\s|^(\d+(?:\.\d+)*)\.?\s", h)
        if not m:
            return ""
        return "letter" if m.group(1) else f"num{m.group(2).count('.')}"

    return bool(style(a)) and style(a) == style(b)


class _Paths:
    """Heading paths with the PDF parser's sentence fragments taken out: a fragment it took for a
    top-level heading must not reset the path (what follows still sits under the real heading)."""

    def __init__(self, fmt: str):
        self.fmt = fmt
        self.real: list[str] = []
        self.anchor: dict[str, list[str]] = {}

    def path(self, section: tuple[str, ...]) -> list[str]:
        junk = [i for i, h in enumerate(section) if is_junk(h, self.fmt)]
        if not junk:
            self.real = list(section)
            return self.real
        path = list(self.anchor.get(section[junk[0]], self.real))
        for heading in section[junk[-1] + 1 :]:
            while path and _same_level(path[-1], heading):
                path.pop()
            path.append(heading)
        self.real = path
        return path

    def fragment(self, heading: str) -> list[str]:
        self.anchor.setdefault(heading, list(self.real))
        return self.anchor[heading]


# A section number inside a paragraph: "... Evidence 1.4 As part of the technical approach ...".
DOTTED_SPLIT = re.compile(r"\s+(?=\d{1,2}\.\d{1,2}(?:\.\d{1,2})*\s+[A-Z][a-z])")
REFERENCE_WORD = re.compile(r"(?:\b[a-z][\w-]*|\bFAR|\bDFARS|\bSection|\bSubpart|\bPart|\bParagraph)$")


def split_numbered(text: str) -> list[str]:
    """The paragraph cut before each section number inside it, but not before a number that a
    sentence refers to ("in accordance with FAR subpart 9.5 Organizational ...")."""
    pieces, start = [], 0
    for m in DOTTED_SPLIT.finditer(text):
        if REFERENCE_WORD.search(text[start : m.start()]):
            continue
        pieces.append(text[start : m.start()])
        start = m.end()
    pieces.append(text[start:])
    return pieces


def walk(doc: ParsedDocument) -> Iterator[Unit]:
    """The document's units in order. A sentence of a paragraph that runs over a page break gets the pages
    it is printed on, not the paragraph's."""
    cursor: dict[int, int] = {}
    for unit in _walk(doc):
        block = doc.blocks[unit.block]
        unit.end_page = block.end_page
        if block.page_marks and unit.kind not in ("heading", "row"):
            at = block.text.find(unit.text, cursor.get(unit.block, 0))
            if at >= 0:
                cursor[unit.block] = at + len(unit.text)
                unit.page = block.page_at(at)
                end = block.page_at(at + len(unit.text) - 1)
                unit.end_page = end if end != unit.page else None
        yield unit


def _walk(doc: ParsedDocument) -> Iterator[Unit]:
    paths = _Paths(doc.format)
    inline: list[str] = []  # an inline-numbered paragraph's number or title under the current heading
    last_section: tuple[str, ...] | None = None
    for index, block in enumerate(doc.blocks):
        if block.kind == "record" or not block.text.strip() or TOC.search(block.text):
            continue
        if block.section != last_section:
            inline, last_section = [], block.section
        if block.kind == "heading" and is_junk(block.text, doc.format):  # a sentence after all
            path = paths.fragment(block.text)
            yield Unit(
                block.text, block.page, label(path + inline), zone_of(path + inline), "fragment", index
            )
            continue
        path = paths.path(block.section)
        if block.kind == "heading":
            yield Unit(block.text, block.page, label(path), zone_of(path), "heading", index)
            continue
        text = " ".join(block.text.split())
        if block.kind == "row":
            full = path + inline
            yield Unit(
                text,
                block.page,
                label(full),
                zone_of(full),
                "row",
                index,
                fields=block.fields,
                header=block.header,
                table=block.table,
            )
            continue
        for piece in split_numbered(text):
            m = INLINE_TITLE.match(piece)
            words = m.group("title").split() if m else []
            if m and words[0] not in NOT_TITLE and len(words) <= 10:
                inline = [f"{m.group('num')}. {m.group('title').strip()}"]
            else:
                m = INLINE_NUMBER.match(piece)
                if m:
                    inline = [m.group("num")]
            full = path + inline
            short = doc.format in UNMARKED_LISTS and len(text.split()) <= SHORT_BLOCK
            for unit in _text_units(piece, block.page, label(full), zone_of(full), index):
                unit.short = short
                yield unit


def _text_units(text: str, page, section: str, zone: str, index: int) -> Iterator[Unit]:
    items = split_items(text)
    if len(items) == 1 and not items[0][0]:
        marker = ""
        if BULLET.match(text):
            marker = BULLET.match(text).group(0).strip()
            if len(text.split()) <= ITEM_WORDS:
                yield Unit(text, page, section, zone, "item", index, marker=marker)
                return
        for sentence in split_sentences(text) or [text]:
            yield Unit(sentence, page, section, zone, "sentence", index, marker=marker)
            marker = ""
        return
    for marker, item in items:
        if len(item.split()) <= ITEM_WORDS:
            yield Unit(item, page, section, zone, "item", index, marker=marker)
            continue
        first = True
        for sentence in split_sentences(item) or [item]:
            yield Unit(
                sentence,
                page,
                section,
                zone,
                "item" if first else "sentence",
                index,
                marker=marker if first else "",
            )
            first = False
