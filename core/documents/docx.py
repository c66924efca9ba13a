"""DOCX: paragraphs and tables in document order (python-docx).

Headings come from Word's heading styles, falling back to numbering/capitals for documents that
format headings by hand. Page numbers follow Word's own last rendering (`lastRenderedPageBreak`)
and explicit page breaks, when the file has them. Table rows keep their header names.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from core.documents.model import Block, ParsedDocument
from core.documents.text import SectionTracker, classify_line, normalize_space
from core.errors import DocumentError

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _page_breaks(element) -> int:
    n = 0
    for node in element.iter():
        if node.tag == f"{_W}lastRenderedPageBreak" or (node.tag == f"{_W}br" and node.get(f"{_W}type") == "page"):
            n += 1
    return n


def _row_cells(row) -> list[str]:
    cells, seen = [], set()
    for cell in row.cells:
        if id(cell._tc) in seen:  # horizontally merged cells repeat the same cell
            continue
        seen.add(id(cell._tc))
        cells.append(normalize_space(cell.text.replace("\n", " ")))
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

    tracker = SectionTracker()
    blocks: list[Block] = []
    page = 1
    has_pages = _page_breaks(document.element.body) > 0
    title = ""
    table_no = 0

    for child in document.element.body.iterchildren():
        if child.tag == f"{_W}p":
            para = Paragraph(child, document)
            text = normalize_space(para.text)
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
            rows = [_row_cells(r) for r in table.rows]
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
    return ParsedDocument(display, title, blocks, "docx", pages=pages)
