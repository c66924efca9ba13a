"""DOCX: paragraphs and tables in document order (python-docx).

Headings come from Word's heading styles, falling back to numbering/capitals for documents that
format headings by hand. Page numbers follow Word's own last rendering (`lastRenderedPageBreak`)
and explicit page breaks, when the file has them. Table rows keep their header names.

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

from core.documents.hidden import RGBA, TINY_PT, WHITE, hidden_warning, invisible_on, parse_colour
from core.documents.model import Block, ParsedDocument
from core.documents.text import SectionTracker, classify_line, normalize_space
from core.errors import DocumentError
from core.safety import neutralize_document

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_OFF = {"0", "false", "off"}
# Word's highlight palette (w:highlight w:val)
_HIGHLIGHT = {"black": "000000", "blue": "0000FF", "cyan": "00FFFF", "green": "00FF00", "magenta": "FF00FF",
              "red": "FF0000", "yellow": "FFFF00", "white": "FFFFFF", "darkBlue": "000080", "darkCyan": "008080",
              "darkGreen": "008000", "darkMagenta": "800080", "darkRed": "800000", "darkYellow": "808000",
              "darkGray": "808080", "lightGray": "C0C0C0"}


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
        self.default_para = next((sid for sid, s in self.styles.items() if s.get(f"{_W}type") == "paragraph"
                                  and s.get(f"{_W}default") in ("1", "true", "on")), None)
        self.defaults = root.find(f"{_W}docDefaults/{_W}rPrDefault/{_W}rPr")
        background = document.element.find(f"{_W}background")
        self.page = (parse_colour(background.get(f"{_W}color")) if background is not None else None) or WHITE
        self.hidden_runs = 0

    def _chain(self, style_id: str | None):
        seen = set()
        while style_id and style_id in self.styles and style_id not in seen:
            seen.add(style_id)
            style = self.styles[style_id]
            yield style
            based = style.find(f"{_W}basedOn")
            style_id = based.get(f"{_W}val") if based is not None else None

    def _paragraph_style(self, p) -> str | None:
        p_style = p.find(f"{_W}pPr/{_W}pStyle")
        return p_style.get(f"{_W}val") if p_style is not None else self.default_para

    def _run_properties(self, r, p) -> list:
        """rPr elements that apply to a run, strongest first."""
        out = [r.find(f"{_W}rPr")]
        r_style = r.find(f"{_W}rPr/{_W}rStyle")
        if r_style is not None:
            out += [s.find(f"{_W}rPr") for s in self._chain(r_style.get(f"{_W}val"))]
        out += [s.find(f"{_W}rPr") for s in self._chain(self._paragraph_style(p))]
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
        paragraph = [p.find(f"{_W}pPr")] + [s.find(f"{_W}pPr") for s in self._chain(self._paragraph_style(p))]
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
        if size is not None and size.get(f"{_W}val", "").isdigit() and int(size.get(f"{_W}val")) <= TINY_PT * 2:
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


def _page_breaks(element) -> int:
    n = 0
    for node in element.iter():
        if node.tag == f"{_W}lastRenderedPageBreak" or (node.tag == f"{_W}br" and node.get(f"{_W}type") == "page"):
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


def _looks_like_header(cells: list[str], next_cells: list[str] | None) -> bool:
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
                level = 1 if style == "Title" else int(m.group(1)) + 1
                if style == "Title" and not title:
                    title = text
                tracker.push(level, text)
                blocks.append(Block(text=text, kind="heading", page=current_page, section=tracker.path))
                continue
            kind, level, head, body = classify_line(text) if len(text) < 100 else ("text", 0, "", text)
            if kind == "heading":
                tracker.push(level, head)
                blocks.append(Block(text=head, kind="heading", page=current_page, section=tracker.path))
                if body:
                    blocks.append(Block(text=body, page=current_page, section=tracker.path))
                continue
            blocks.append(Block(text=text, page=current_page, section=tracker.path))
        elif child.tag == f"{_W}tbl":
            table_no += 1
            table = Table(child, document)
            rows = [_row_cells(r, look) for r in table.rows]
            rows = [r for r in rows if any(r)]
            current_page = page if has_pages else None
            header: list[str] | None = None
            if rows and _looks_like_header(rows[0], rows[1] if len(rows) > 1 else None):
                header = rows[0]
            header_line = " | ".join(header) if header else None
            for i, cells in enumerate(rows):
                line = " | ".join(cells)
                if header is not None and i == 0:
                    continue
                fields = None
                if header is not None:
                    fields = {h or f"column {j + 1}": v for j, (h, v) in enumerate(zip(header, cells, strict=False))}
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
