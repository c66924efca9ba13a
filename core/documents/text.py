"""Plain-text structure shared by the PDF and text parsers: page furniture, headings, paragraphs,
sentences."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

from core.documents.model import Block

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
_ABBREV = {
    "u.s", "e.g", "i.e", "etc", "no", "nos", "inc", "corp", "co", "ltd", "mr", "mrs", "ms", "dr", "st",
    "sec", "secs", "vol", "para", "fig", "et al", "al", "jan", "feb", "mar", "apr", "jun", "jul", "aug",
    "sep", "sept", "oct", "nov", "dec", "approx", "dept", "gov", "v", "vs", "cf", "ref", "pp", "p",
}
_SENT_SPLIT = re.compile(r"(?<=[.!?])[\"”’)]*\s+(?=[\"“(]?[A-Z0-9])")


def normalize_space(text: str) -> str:
    return re.sub(r"[ \t\u00a0]+", " ", text).strip()


def split_sentences(text: str) -> list[str]:
    """Sentences of a paragraph. Abbreviations ("U.S.", "No.", "e.g."), initials and clause numbers
    ("52.204-21.") do not end a sentence."""
    pieces = _SENT_SPLIT.split(text)
    out: list[str] = []
    for piece in pieces:
        if out:
            prev = out[-1]
            last_word = re.search(r"([A-Za-z.]+)\.$", prev.rstrip("\"”’)"))
            if last_word and (
                last_word.group(1).lower().rstrip(".") in _ABBREV or len(last_word.group(1)) == 1
            ):
                out[-1] = prev + " " + piece
                continue
        out.append(piece)
    return [s.strip() for s in out if s.strip()]


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


class SectionTracker:
    """The current heading path while walking a document top to bottom."""

    def __init__(self) -> None:
        self.stack: list[tuple[int, str]] = []
        self.numbered_level = 1

    def push(self, level: int, title: str) -> None:
        """level 9 marks an unnumbered heading: it nests one below the last numbered heading, and
        consecutive unnumbered headings are siblings."""
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


def lines_to_blocks(
    pages: Iterable[tuple[int | None, list[str]]], tracker: SectionTracker | None = None
) -> list[Block]:
    """Turn lines (per page) into heading and paragraph blocks. Lines are joined into a paragraph
    until a blank line, a heading or a list item starts a new one."""
    tracker = tracker or SectionTracker()
    blocks: list[Block] = []
    para: list[str] = []
    page: int | None = None

    def flush() -> None:
        if para:
            text = " ".join(para).strip()
            if text:
                blocks.append(Block(text=text, page=page, section=tracker.path))
            para.clear()

    for page, lines in pages:  # flush() reads the current page and paragraph
        for raw in lines:
            line = normalize_space(raw)
            if not line:
                flush()
                continue
            kind, level, title, body = classify_line(line)
            if kind == "heading":
                flush()
                tracker.push(level, title)
                blocks.append(Block(text=title, kind="heading", page=page, section=tracker.path))
                if body:
                    para.append(body)
                continue
            if BULLET.match(line) or (para and SENTENCE_END.search(para[-1]) and len(para[-1]) < 60):
                flush()
            para.append(line)
        flush()
    return blocks
