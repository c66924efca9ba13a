"""DOCX: paragraphs and tables in document order (python-docx).

Headings come from Word's heading styles, falling back to numbering/capitals for documents that
format headings by hand. A heading numbered by Word's list numbering carries the number Word prints
("3.1 Scope", `Numbering`); a paragraph numbered "3.1" by a list is a heading when the number and its
text read as one, as typed numbers do. Page numbers follow Word's own last rendering
(`lastRenderedPageBreak`) and explicit page breaks, when the file has them. Table rows keep their
header names.

Runs a reader cannot see are not indexed: hidden text (`w:vanish`, `w:specVanish`), directly or
through a character or paragraph style; text coloured like its background (run shading or
highlight, paragraph shading, cell shading, the page colour); type of 2 points or less. The
document carries a warning saying how many runs were left out. Model control strings are
neutralized (`core.safety`).
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from typing import NamedTuple, overload

from core.documents.hidden import RGBA, TINY_PT, WHITE, hidden_warning, invisible_on, parse_colour
from core.documents.model import Block, ParsedDocument
from core.documents.text import SectionTracker, classify_line, normalize_space
from core.errors import DocumentError
from core.safety import neutralize_document

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_OFF = {"0", "false", "off"}
# Word's highlight palette (w:highlight w:val)
_HIGHLIGHT = {
    "black": "000000",
    "blue": "0000FF",
    "cyan": "00FFFF",
    "green": "00FF00",
    "magenta": "FF00FF",
    "red": "FF0000",
    "yellow": "FFFF00",
    "white": "FFFFFF",
    "darkBlue": "000080",
    "darkCyan": "008080",
    "darkGreen": "008000",
    "darkMagenta": "800080",
    "darkRed": "800000",
    "darkYellow": "808000",
    "darkGray": "808080",
    "lightGray": "C0C0C0",
}


def _on(element) -> bool | None:
    """A Word on/off property: None when absent."""
    if element is None:
        return None
    return element.get(f"{_W}val", "true").lower() not in _OFF


def _fill(shd) -> RGBA | None:
    if shd is None:
        return None
    fill = shd.get(f"{_W}fill")
    return None if fill in (None, "auto") else parse_colour(fill)


class Visibility:
    """Which runs a reader can see, resolving run properties through character styles, paragraph
    styles (with `basedOn`) and the document defaults."""

    def __init__(self, document):
        root = document.styles.element
        self.styles = {s.get(f"{_W}styleId"): s for s in root.iter(f"{_W}style")}
        self.default_para = next(
            (
                sid
                for sid, s in self.styles.items()
                if s.get(f"{_W}type") == "paragraph" and s.get(f"{_W}default") in ("1", "true", "on")
            ),
            None,
        )
        self.defaults = root.find(f"{_W}docDefaults/{_W}rPrDefault/{_W}rPr")
        background = document.element.find(f"{_W}background")
        self.page = (parse_colour(background.get(f"{_W}color")) if background is not None else None) or WHITE
        self.hidden_runs = 0

    def chain(self, style_id: str | None):
        seen = set()
        while style_id and style_id in self.styles and style_id not in seen:
            seen.add(style_id)
            style = self.styles[style_id]
            yield style
            based = style.find(f"{_W}basedOn")
            style_id = based.get(f"{_W}val") if based is not None else None

    def paragraph_style(self, p) -> str | None:
        p_style = p.find(f"{_W}pPr/{_W}pStyle")
        return p_style.get(f"{_W}val") if p_style is not None else self.default_para

    def _run_properties(self, r, p) -> list:
        """rPr elements that apply to a run, strongest first."""
        out = [r.find(f"{_W}rPr")]
        r_style = r.find(f"{_W}rPr/{_W}rStyle")
        if r_style is not None:
            out += [s.find(f"{_W}rPr") for s in self.chain(r_style.get(f"{_W}val"))]
        out += [s.find(f"{_W}rPr") for s in self.chain(self.paragraph_style(p))]
        out.append(self.defaults)
        return [x for x in out if x is not None]

    @staticmethod
    def _first(properties: list, tag: str):
        return next((x for x in (rpr.find(f"{_W}{tag}") for rpr in properties) if x is not None), None)

    def _background(self, properties: list, p, cell: RGBA | None) -> RGBA:
        highlight = self._first(properties, "highlight")
        if highlight is not None and highlight.get(f"{_W}val") in _HIGHLIGHT:
            return parse_colour(_HIGHLIGHT[highlight.get(f"{_W}val")]) or WHITE
        run = _fill(self._first(properties, "shd"))
        if run is not None:
            return run
        paragraph = [p.find(f"{_W}pPr")] + [s.find(f"{_W}pPr") for s in self.chain(self.paragraph_style(p))]
        for ppr in paragraph:
            fill = _fill(ppr.find(f"{_W}shd")) if ppr is not None else None
            if fill is not None:
                return fill
        return cell or self.page

    def hidden(self, r, p, cell: RGBA | None = None) -> bool:
        properties = self._run_properties(r, p)
        for tag in ("specVanish", "vanish"):
            if _on(self._first(properties, tag)):
                return True
        size = self._first(properties, "sz")
        if (
            size is not None
            and size.get(f"{_W}val", "").isdigit()
            and int(size.get(f"{_W}val")) <= TINY_PT * 2
        ):
            return True
        colour = self._first(properties, "color")
        text = parse_colour(colour.get(f"{_W}val")) if colour is not None else None
        return invisible_on(text, self._background(properties, p, cell))

    def paragraph_text(self, p, cell: RGBA | None = None) -> str:
        """The paragraph's text as python-docx reads it (runs and hyperlinks), without hidden runs."""
        parts = []
        for r in p.xpath("./w:r | ./w:hyperlink/w:r"):
            text = r.text
            if text.strip() and self.hidden(r, p, cell):
                self.hidden_runs += 1
                continue
            parts.append(text)
        return "".join(parts)


def _roman(n: int) -> str:
    out = ""
    for value, letters in (
        (1000, "m"),
        (900, "cm"),
        (500, "d"),
        (400, "cd"),
        (100, "c"),
        (90, "xc"),
        (50, "l"),
        (40, "xl"),
        (10, "x"),
        (9, "ix"),
        (5, "v"),
        (4, "iv"),
        (1, "i"),
    ):
        while n >= value:
            out, n = out + letters, n - value
    return out


def _format(n: int, fmt: str) -> str:
    """A list counter as Word prints it in `fmt` (decimal for formats not read here)."""
    if fmt in ("lowerRoman", "upperRoman"):
        return _roman(n).upper() if fmt == "upperRoman" else _roman(n)
    if fmt in ("lowerLetter", "upperLetter"):
        letters = chr(ord("a") + (n - 1) % 26) * ((n - 1) // 26 + 1) if n > 0 else ""
        return letters.upper() if fmt == "upperLetter" else letters
    if fmt == "decimalZero":
        return f"{n:02d}"
    return "" if fmt == "none" else str(n)


@overload
def _val(element, tag: str, default: str = "") -> str: ...
@overload
def _val(element, tag: str, default: None) -> str | None: ...


def _val(element, tag: str, default: str | None = "") -> str | None:
    found = element.find(f"{_W}{tag}") if element is not None else None
    return found.get(f"{_W}val", default) if found is not None else default


def _int(text: str) -> int:
    return int(text) if text.isdigit() else 0


class ListNumber(NamedTuple):
    text: str  # as printed: "3.1", "a.", "Section C:"
    outline: bool  # an outline number: "3.1", "3.0", "C.2"


class Numbering:
    """The numbers Word prints before list paragraphs, which python-docx's text leaves out. A paragraph's
    list (numId) and level (ilvl) are its own or its style's; the level's definition (lvlText such as
    "%1.%2", numFmt, start) is the list's override or its abstract definition's, followed through a
    numbering style (numStyleLink). Lists of one definition share their counters, as Word counts them, and
    a startOverride restarts the count where its list is first used."""

    def __init__(self, document, look: Visibility):
        self.look = look
        try:
            root = document.part.numbering_part.element
        except (KeyError, NotImplementedError):  # no numbering part
            root = None
        found = root.iter if root is not None else lambda _: iter(())
        self.abstracts = {a.get(f"{_W}abstractNumId"): a for a in found(f"{_W}abstractNum")}
        self.nums = {n.get(f"{_W}numId"): n for n in found(f"{_W}num")}
        self.counters: dict[str, list[int | None]] = {}
        self.restarted: set[tuple[str, int]] = set()

    def _properties(self, p) -> list:
        return [p.find(f"{_W}pPr")] + [
            s.find(f"{_W}pPr") for s in self.look.chain(self.look.paragraph_style(p))
        ]

    def _abstract(self, num):
        for _ in range(4):  # a numbering style names the list that holds the definition
            abstract = self.abstracts.get(_val(num, "abstractNumId", None))
            link = _val(abstract, "numStyleLink", None)
            if abstract is None or link is None:
                return abstract
            style = self.look.styles.get(link)
            num = self.nums.get(
                _val(style.find(f"{_W}pPr/{_W}numPr") if style is not None else None, "numId", None)
            )
        return None

    def label(self, p) -> ListNumber | None:
        """Count paragraph p in its list and return the number printed before it; None outside a list, for a
        bullet or for a list numbering.xml does not define. Every paragraph goes through here, in order."""
        num_id = ilvl = None
        for ppr in self._properties(p):
            num_pr = ppr.find(f"{_W}numPr") if ppr is not None else None
            num_id = num_id or _val(num_pr, "numId", None)
            ilvl = ilvl or _val(num_pr, "ilvl", None)
        num = self.nums.get(num_id)
        abstract = self._abstract(num) if num is not None else None
        if num_id is None or num is None or abstract is None:
            return None
        defined = {_int(lvl.get(f"{_W}ilvl", "")): lvl for lvl in abstract.findall(f"{_W}lvl")}
        overrides = {_int(o.get(f"{_W}ilvl", "")): o for o in num.findall(f"{_W}lvlOverride")}
        defined |= {k: o.find(f"{_W}lvl") for k, o in overrides.items() if o.find(f"{_W}lvl") is not None}
        if ilvl is None:  # a level may name the paragraph style it numbers
            style = self.look.paragraph_style(p)
            ilvl = next((str(k) for k, lvl in defined.items() if _val(lvl, "pStyle") == style), "0")
        level = min(_int(ilvl), 8)
        if level not in defined:
            return None
        counters = self.counters.setdefault(abstract.get(f"{_W}abstractNumId"), [None] * 9)
        restart = _val(overrides.get(level), "startOverride", None)
        if restart is not None and (num_id, level) not in self.restarted:
            self.restarted.add((num_id, level))
            counters[level] = _int(restart) - 1
        start = [_int(_val(defined.get(k), "start", "0")) for k in range(9)]
        current = counters[level]
        counters[level:] = [start[level] if current is None else current + 1] + [None] * (8 - level)
        lvl = defined[level]
        if _val(lvl, "numFmt", "decimal") == "bullet":
            return None
        legal = lvl.find(f"{_W}isLgl") is not None

        def number(m: re.Match) -> str:
            k = int(m.group(1)) - 1
            fmt = "decimal" if legal else _val(defined.get(k), "numFmt", "decimal")
            counter = counters[k]
            return _format(start[k] if counter is None else counter, fmt)

        text = normalize_space(re.sub(r"%([1-9])", number, _val(lvl, "lvlText")))
        return ListNumber(text, bool(re.search(r"\w\.\d", text)))


def _page_breaks(element) -> int:
    n = 0
    for node in element.iter():
        if node.tag == f"{_W}lastRenderedPageBreak" or (
            node.tag == f"{_W}br" and node.get(f"{_W}type") == "page"
        ):
            n += 1
    return n


def _row_cells(row, look: Visibility) -> list[str]:
    cells, seen = [], set()
    for cell in row.cells:
        if id(cell._tc) in seen:  # horizontally merged cells repeat the same cell
            continue
        seen.add(id(cell._tc))
        fill = _fill(cell._tc.find(f"{_W}tcPr/{_W}shd"))
        text = " ".join(look.paragraph_text(p, fill) for p in cell._tc.findall(f"{_W}p"))
        cells.append(normalize_space(text))
    return cells


def looks_like_header(cells: list[str], next_cells: list[str] | None) -> bool:
    filled = [c for c in cells if c]
    if len(filled) < 2 or len(filled) < len(cells) - 1:
        return False
    if any(len(c) > 80 for c in filled):
        return False
    numeric = sum(bool(re.fullmatch(r"[$\d.,%\s-]+", c)) for c in filled)
    return numeric == 0 and next_cells is not None


def parse_docx(path: Path, display: str) -> ParsedDocument:
    import docx
    from docx.opc.exceptions import PackageNotFoundError
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    if not zipfile.is_zipfile(path):
        raise DocumentError(display, "not a valid DOCX file (not a zip package; corrupt, or an old .doc?)")
    try:
        document = docx.Document(str(path))
    except (PackageNotFoundError, KeyError, ValueError, zipfile.BadZipFile) as exc:
        raise DocumentError(display, f"not a valid DOCX file ({type(exc).__name__}: {exc})") from exc

    look = Visibility(document)
    numbering = Numbering(document, look)
    tracker = SectionTracker()
    blocks: list[Block] = []
    page = 1
    has_pages = _page_breaks(document.element.body) > 0
    title = ""
    table_no = 0

    for child in document.element.body.iterchildren():
        if child.tag == f"{_W}p":
            para = Paragraph(child, document)
            text = normalize_space(look.paragraph_text(child))
            number = numbering.label(child)
            breaks = _page_breaks(child)
            if breaks and not text:
                page += breaks
                continue
            if breaks:
                page += breaks
            if not text:
                continue
            style = (para.style.name if para.style is not None else "") or ""
            current_page = page if has_pages else None
            m = re.match(r"Heading\s*(\d)", style)
            if style == "Title" or m:
                level = 1 if style == "Title" or m is None else int(m.group(1)) + 1
                if style == "Title" and not title:
                    title = text
                if number and number.text and not text.startswith(number.text):
                    text = f"{number.text} {text}"
                tracker.push(level, text)
                blocks.append(Block(text=text, kind="heading", page=current_page, section=tracker.path))
                continue
            line = f"{number.text} {text}" if number and number.outline else text
            kind, level, head, body = classify_line(line) if len(line) < 100 else ("text", 0, "", text)
            if kind == "heading":
                tracker.push(level, head)
                blocks.append(Block(text=head, kind="heading", page=current_page, section=tracker.path))
                if body:
                    blocks.append(Block(text=body, page=current_page, section=tracker.path))
                continue
            blocks.append(Block(text=text, page=current_page, section=tracker.path))
        elif child.tag == f"{_W}tbl":
            for p in child.iter(f"{_W}p"):  # list paragraphs in cells count too
                numbering.label(p)
            table_no += 1
            table = Table(child, document)
            rows = [_row_cells(r, look) for r in table.rows]
            rows = [r for r in rows if any(r)]
            current_page = page if has_pages else None
            header: list[str] | None = None
            if rows and looks_like_header(rows[0], rows[1] if len(rows) > 1 else None):
                header = rows[0]
            header_line = " | ".join(header) if header else None
            for i, cells in enumerate(rows):
                line = " | ".join(cells)
                if header is not None and i == 0:
                    continue
                fields = None
                if header is not None:
                    fields = {
                        h or f"column {j + 1}": v for j, (h, v) in enumerate(zip(header, cells, strict=False))
                    }
                blocks.append(
                    Block(
                        text=line,
                        kind="row",
                        page=current_page,
                        section=tracker.path,
                        fields=fields,
                        header=header_line,
                        table=f"table {table_no}",
                    )
                )
            page += _page_breaks(child)

    if not blocks:
        raise DocumentError(display, "empty document (no text in paragraphs or tables)")
    core_title = (document.core_properties.title or "").strip()
    title = title or core_title or path.stem.replace("_", " ").replace("-", " ")
    pages = page if has_pages else None
    warnings = [hidden_warning(look.hidden_runs, "run")] if look.hidden_runs else []
    return neutralize_document(ParsedDocument(display, title, blocks, "docx", pages=pages, warnings=warnings))
