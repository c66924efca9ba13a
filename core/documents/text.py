"""Plain-text structure shared by the PDF and text parsers: page furniture, headings, paragraphs,
sentences."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

from core.documents.layout import Line, PageLayout, TableLines
from core.documents.model import Block
from core.documents.normalize import join_words, vocabulary

# "3.0  SCOPE OF WORK", "4.2 PLACE OF PERFORMANCE", "C.3.2 Task 2", "1.1 Request for Quote:  text"
NUMBERED_HEADING = re.compile(
    r"^(?P<num>(?:[A-Z]\.)?\d{1,2}(?:\.\d{1,3}){0,4}\.?)\s+(?P<title>[A-Z(][^\n]{1,90}?)\s*$"
)
INLINE_HEADING = re.compile(
    r"^(?P<num>(?:[A-Z]\.)?\d{1,2}(?:\.\d{1,3}){1,4}\.?)\s+(?P<title>[A-Z][\w ,/&()'’-]{2,70}?)\s*[:.]\s+(?P<body>\S.*)$"
)
SECTION_HEADING = re.compile(
    r"^(?:SECTION|Section|PART|Part|ARTICLE|Article|ATTACHMENT|Attachment|APPENDIX|Appendix)\s+"
    r"(?:[A-Z]|[IVX]+|\d{1,2})\b[\s.:–—-]*[^\n]{0,80}$"
)
BULLET = re.compile(r"^\s*(?:[•▪◦●\-*–]|\(?[a-z]\)|\(?\d{1,2}\)|[a-z]\.|\d{1,2}\.)\s+")
SENTENCE_END = re.compile(r"[.!?:;)\]\"”]$")
TOC_ENTRY = re.compile(r"(?:\.{3,}|…+|\s)\s*\d{1,3}$")
PAGE_NUMBER = re.compile(r"^\s*(?:page\s+)?\d{1,4}(?:\s+of\s+\d{1,4})?\s*$", re.IGNORECASE)
# Abbreviations after which a number follows in the same sentence ("Vol. II", "No. 3", "Sec. 4.1"), and
# after which a lower-case word does ("etc. and", "approx. two").
_ABBREV = {
    "u.s",
    "e.g",
    "i.e",
    "etc",
    "no",
    "nos",
    "inc",
    "corp",
    "co",
    "ltd",
    "mr",
    "mrs",
    "ms",
    "dr",
    "st",
    "sec",
    "secs",
    "vol",
    "vols",
    "para",
    "paras",
    "fig",
    "figs",
    "et al",
    "al",
    "jan",
    "feb",
    "mar",
    "apr",
    "jun",
    "jul",
    "aug",
    "sep",
    "sept",
    "oct",
    "nov",
    "dec",
    "approx",
    "dept",
    "gov",
    "v",
    "vs",
    "cf",
    "ref",
    "pp",
    "p",
    "art",
    "ch",
    "chap",
    "pt",
    "att",
    "exh",
    "app",
    "tab",
    "encl",
    "subpar",
    "subpara",
    "par",
    "pg",
    "pgs",
    "gen",
    "capt",
    "col",
    "lt",
    "maj",
    "sgt",
    "rev",
    "sen",
    "rep",
    "hon",
    "prof",
    "jr",
    "sr",
    "govt",
    "min",
    "max",
}
# A piece that is only an outline label ("3.1.", "A.", "(b)", "IV."): it opens the sentence after it.
_LABEL_ONLY = re.compile(r"^\(?(?:\d{1,3}(?:\.\d{1,3})*\.?|[A-Za-z]|[IVXivx]{1,5})[.)]?\s*$")
_STARTS_NUMERAL = re.compile(r"^(?:\d|§|[IVX]{1,5}\b)")
# Where a sentence ends though Punkt read on: a time zone ("due at 4 p.m. EST. Late quotes ...") and a
# part named by one capital letter ("as stated in Section C. The contractor ...").
_MISSED_END = re.compile(
    r"\b(?:[ECMP][SD]?T|UTC|GMT|(?:Section|Attachment|Appendix|Exhibit|Annex|Part|Volume|Schedule|Table|Figure|"
    r"Enclosure|Tab|Pool|Factor|Task|Phase|Option|Block)\s+[A-Z])\.[\"”’)]*\s+(?=[\"“(]?[A-Z][a-z])"
)

# A word or a number, then a full stop and a capitalised word: a sentence end unless the word is one of our
# abbreviations. (Punkt's legal model lists thousands of "abbreviations", among them plain words such as
# "ten", "all" or "book", and reads on past a year before a capitalised word: "... 2026. Dear ...".)
_WORD_END = re.compile(r"(?<![.\w'’-])(?P<w>[a-z]{2,}|\d+)\.[\"”’)]*\s+(?=[\"“(]?[A-Z][a-z])")


def normalize_space(text: str) -> str:
    return re.sub(r"[ \t\u00a0]+", " ", text).strip()


def _spans(text: str) -> list[tuple[int, int]]:
    import nupunkt  # Punkt trained on legal and financial text (MIT, no dependencies)

    cuts: list[tuple[int, int]] = []
    for start, end in nupunkt.sent_spans(text):
        at = start
        ends = [m for m in _MISSED_END.finditer(text, start, end)]
        ends += [m for m in _WORD_END.finditer(text, start, end) if m.group("w") not in _ABBREV]
        for m in sorted(ends, key=lambda m: m.start()):
            cut = m.start() + len(m.group(0).rstrip())
            if at < cut < end:
                cuts.append((at, cut))
                at = cut
        cuts.append((at, end))
    return cuts


def _joins(previous: str, following: str) -> bool:
    """Whether Punkt's boundary between two pieces is false: an outline label alone, or an abbreviation
    followed by a number or a lower-case word."""
    if _LABEL_ONLY.match(previous):
        return True
    last = re.search(r"([A-Za-z][A-Za-z.]*)\.[\"”’)]*$", previous)
    if last is None or last.group(1).lower().rstrip(".") not in _ABBREV:
        return False
    return bool(_STARTS_NUMERAL.match(following) or following[:1].islower())


def split_sentences(text: str) -> list[str]:
    """Sentences of a paragraph, whole: never ended by an abbreviation ("U.S.", "No. 3", "e.g."), a time
    ("5:00 p.m. Eastern Time"), a citation ("41 U.S.C. 2102") or an outline label ("3.1."). nupunkt's
    Punkt model (trained on legal text) finds the boundaries; a few federal forms are mended after it."""
    if not text.strip():
        return []
    out: list[str] = []
    for start, end in _spans(text):
        piece = text[start:end].strip()
        if not piece:
            continue
        if out and _joins(out[-1], piece):
            out[-1] = f"{out[-1]} {piece}"
        else:
            out.append(piece)
    return out


def heading_level(number: str) -> int:
    """'3' or '3.0' -> 2, '3.1' -> 3, 'C.3.2' -> 4; SECTION/PART headings are level 1."""
    parts = [p for p in number.rstrip(".").split(".") if p]
    if len(parts) > 1 and parts[-1] == "0" and len(parts) == 2:
        parts = parts[:1]
    return 1 + len(parts)


def is_caps_heading(line: str) -> bool:
    words = line.split()
    letters = [c for c in line if c.isalpha()]
    return (
        1 <= len(words) <= 10
        and len(letters) >= 6
        and sum(c.isupper() for c in letters) / len(letters) > 0.9
        and not line.rstrip().endswith((",", ";"))
        and not re.search(r"\d{3,}", line)
    )


def furniture(pages: list[list[str]]) -> set[str]:
    """Lines repeated on many pages (running headers and footers), compared with digits masked."""
    if len(pages) < 3:
        return set()
    counts: Counter[str] = Counter()
    for lines in pages:
        for key in {re.sub(r"\d+", "#", normalize_space(x)) for x in lines[:4] + lines[-4:] if x.strip()}:
            counts[key] += 1
    threshold = max(3, len(pages) // 2)
    return {key for key, n in counts.items() if n >= threshold}


def without_furniture(pages: list[list[Line]]) -> list[tuple[int, list[Line]]]:
    """(page number, lines) with the running headers and footers (`furniture`) and bare page numbers
    dropped."""
    repeated = furniture([[x.text for x in lines] for lines in pages])
    out = []
    for number, lines in enumerate(pages, start=1):
        keep = []
        for line in lines:
            s = normalize_space(line.text)
            if s and (re.sub(r"\d+", "#", s) in repeated or PAGE_NUMBER.match(s)):
                continue
            keep.append(line)
        out.append((number, keep))
    return out


_SERIES = re.compile(r"^(SECTION|Section|PART|Part)\s+([A-Z]|[IVXL]+|\d{1,2})\b")


def _label_style(label: str, first: str, last: str) -> str:
    """'digit', 'roman' or 'letter'. I, V, X and L are letters in a lettered series ("Section H" then
    "Section I"; "Section L"), except an "I" that does not follow "H": a second series inside a part."""
    if label.isdigit():
        return "digit"
    if not re.fullmatch(r"[IVXL]+", label) or (first == "roman" and last == "I" and label == "J"):
        return "letter"
    if len(label) > 1:
        return "roman"
    if first == "letter" and (label != "I" or last == "H"):
        return "letter"
    return "roman"


class SectionTracker:
    """The current heading path while walking a document top to bottom."""

    def __init__(self) -> None:
        self.stack: list[tuple[int, str]] = []
        self.numbered_level = 1
        self.series: dict[str, tuple[str, str]] = {}  # "section" -> (numbering style, last label) at level 1

    def _series_level(self, title: str) -> int:
        """1 for a SECTION/PART heading numbered like the document's first one; 2 for one numbered in
        another style, which sits inside the current part ("Section B" > "SECTION I - TECHNICAL SUBMISSION")."""
        m = _SERIES.match(title)
        if m is None:
            return 1
        word, label = m.group(1).lower(), m.group(2)
        first, last = self.series.get(word, ("", ""))
        style = _label_style(label, first, last)
        if not first or (first == "roman" and style == "letter" and last == "I" and label == "J"):
            self.series[word] = (style, label)
            return 1
        if style == first:
            self.series[word] = (first, label)
            return 1
        return 2

    def push(self, level: int, title: str) -> None:
        """level 9 marks an unnumbered heading: it nests one below the last numbered heading, and
        consecutive unnumbered headings are siblings."""
        if level == 1:
            level = self._series_level(title)
        if level == 9:
            level = self.numbered_level + 1
        else:
            self.numbered_level = level
        while self.stack and self.stack[-1][0] >= level:
            self.stack.pop()
        self.stack.append((level, title))

    @property
    def path(self) -> tuple[str, ...]:
        return tuple(t for _, t in self.stack)


def classify_line(line: str) -> tuple[str, int, str, str]:
    """('heading', level, title, body) or ('text', 0, '', line)."""
    s = normalize_space(line)
    m = INLINE_HEADING.match(s)
    if m and len(m.group("title").split()) <= 8:
        title = f"{m.group('num')} {m.group('title')}".strip()
        return "heading", heading_level(m.group("num")), title, m.group("body")
    m = NUMBERED_HEADING.match(s)
    if m and TOC_ENTRY.search(s):
        return "text", 0, "", s
    if m and len(s) <= 90 and not SENTENCE_END.search(s.rstrip(":")) and len(m.group("title").split()) <= 12:
        num = m.group("num")
        # "2015 ..." or "10 days" are not headings: a bare number needs a dot or a capitalized title.
        title_words = m.group("title").split()
        upper = m.group("title").isupper() and (len(title_words) >= 2 or len(title_words[0]) >= 5)
        if re.fullmatch(r"\d{1,2}\.?", num) and not upper:
            return "text", 0, "", s  # "1. Certification" is a list item, "1. SCOPE" a heading
        if "." in num.rstrip(".") or upper:
            return "heading", heading_level(num), s, ""
    if SECTION_HEADING.match(s) and len(s) <= 90 and s.count("(") >= s.count(")"):
        return "heading", 1, s, ""
    if is_caps_heading(s) and len(s) <= 80:
        return "heading", 9, s, ""
    return "text", 0, "", s


_HEADING_WRAP = re.compile(r"\b(?:and|or|of|the|for|to|in|with|on|by|&)$", re.IGNORECASE)


def _heading_like(text: str) -> bool:
    """Short, no full stop, starts with a capital or a number: reads as a title."""
    words = text.split()
    lead_in = text.endswith(":") and sum(w[:1].islower() for w in words) >= 4  # "The duties of the COR are:"
    return (
        1 <= len(words) <= 12
        and not re.search(r"[.;,]$", text)
        and bool(re.match(r"[A-Z0-9]", text))
        and not BULLET.match(text)
        and not lead_in
    )


def _wraps_heading(blocks: list[Block], text: str, page: int | None) -> bool:
    """The line finishes the heading just above it ("5.0 Program Assumptions and" / "Constraints")."""
    if not blocks or blocks[-1].kind != "heading" or blocks[-1].page != page:
        return False
    return (
        bool(_HEADING_WRAP.search(blocks[-1].text))
        and len(text.split()) <= 6
        and not SENTENCE_END.search(text)
    )


def _extend_heading(blocks: list[Block], tracker: SectionTracker, text: str) -> None:
    heading = blocks[-1]
    title = f"{heading.text} {text}"
    level, _ = tracker.stack[-1]
    tracker.stack[-1] = (level, title)
    heading.text, heading.section = title, tracker.path


def _rows(table: TableLines, section: tuple[str, ...]) -> list[Block]:
    """A table's rows as `row` blocks, with their header names."""
    header = table.header if any(table.header) else []
    line = " | ".join(header) if header else None
    out = []
    for cells, page, end in table.rows:
        if not any(cells):
            continue
        fields = (
            {h or f"column {j + 1}": v for j, (h, v) in enumerate(zip(header, cells, strict=False))}
            if header
            else None
        )
        out.append(
            Block(
                text=" | ".join(cells),
                kind="row",
                page=page,
                section=section,
                fields=fields,
                header=line,
                table=f"table {table.number}",
                end_page=end if end != page else None,
            )
        )
    return out


def lines_to_blocks(
    pages: Iterable[tuple[int | None, list]], tracker: SectionTracker | None = None
) -> list[Block]:
    """Turn printed lines (per page) into heading and paragraph blocks, and tables (`TableLines` among the
    lines, where they are printed) into row blocks. Lines are joined into a paragraph
    until a blank line, a heading or a list item starts a new one, or the layout shows a paragraph break
    (`layout.py`, for lines with positions); a paragraph runs on over a page break when its last line was
    full and did not end a sentence. A word hyphenated at a line end is joined (`normalize.join_words`)."""
    tracker = tracker or SectionTracker()
    pages = [
        (page, [x if isinstance(x, Line | TableLines) else Line(x) for x in lines]) for page, lines in pages
    ]
    words = vocabulary(line.text for _, lines in pages for line in lines if isinstance(line, Line))
    blocks: list[Block] = []
    para: list[str] = []
    para_pages: list[int | None] = []  # the page of each of the paragraph's lines
    start: int | None = None  # the page the open paragraph started on
    last: int | None = None  # and the page of its last line
    page: int | None = None
    previous: Line | None = None  # the open paragraph's last line
    layout: PageLayout | None = None
    emphasized = False  # the open paragraph's only line is set in heavier or larger type

    def flush() -> None:
        nonlocal previous, emphasized
        if len(para) == 1 and emphasized and _heading_like(para[0]):
            tracker.push(9, para[0])  # a one-line paragraph in heavier or larger type: a heading
            blocks.append(Block(text=para[0], kind="heading", page=start, section=tracker.path))
            para.clear()
            para_pages.clear()
        if para:
            text, on = para[0], start
            marks: list[tuple[int, int]] = []
            for line, number in zip(para[1:], para_pages[1:], strict=True):
                text = join_words(text, line, words)
                if number is not None and number != on:
                    marks.append((len(text) - len(line), number))
                    on = number
            if text.strip():
                end = last if last != start else None
                blocks.append(
                    Block(text=text, page=start, section=tracker.path, end_page=end, page_marks=tuple(marks))
                )
            para.clear()
            para_pages.clear()
        previous, emphasized = None, False

    def runs_on(line: Line, text: str) -> bool:
        """An open paragraph from the page before continues with this line."""
        if previous is None or not para or BULLET.match(text):
            return False
        if not previous.placed or not line.placed or before is None:
            return bool(re.match(r"[a-z]", text)) and not SENTENCE_END.search(para[-1])
        return not before.ends_early(previous, line) and (
            not SENTENCE_END.search(para[-1]) or bool(re.match(r"[a-z]", text))
        )

    for number, lines in pages:
        before, layout = layout, PageLayout.of([x for x in lines if isinstance(x, Line)])
        first = True
        for line in lines:
            if isinstance(line, TableLines):
                flush()
                blocks.extend(_rows(line, tracker.path))
                first = False
                continue
            text = normalize_space(line.text)
            if not text:
                if not line.placed:
                    flush()
                continue
            turned = first  # the page's first line: whether the paragraph runs on was decided here
            if first:
                first = False
                if not runs_on(line, text):
                    flush()
            page = number
            if not para and _wraps_heading(blocks, text, page):
                _extend_heading(blocks, tracker, text)
                continue
            kind, level, title, body = classify_line(text) if not line.ocr else ("text", 0, "", text)
            if kind == "heading":
                flush()
                tracker.push(level, title)
                blocks.append(Block(text=title, kind="heading", page=page, section=tracker.path))
                if body:
                    para.append(body)
                    para_pages.append(page)
                    start, last, previous = page, page, line
                continue
            if (
                para
                and previous is not None
                and not turned
                and (
                    BULLET.match(text)
                    or (
                        layout is not None
                        and previous.placed
                        and line.placed
                        and (layout.separated(previous, line) or layout.ends_early(previous, line))
                    )
                    or (not line.placed and SENTENCE_END.search(para[-1]) and len(para[-1]) < 60)
                )
            ):
                flush()
            if not para:
                start = page
                emphasized = layout is not None and layout.emphasized(line)
            para.append(text)
            para_pages.append(page)
            previous, last = line, page
    flush()
    return blocks
