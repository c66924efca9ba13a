"""A PDF's pages as document blocks: the text layer's lines made paragraphs (`layout.py`, across line wraps
and page breaks), ruled tables as rows with their header in the place they are printed (`pdf_tables.py`),
and pages with no text layer read by OCR (`ocr.py`) when it is on and installed.

Running headers, footers and page numbers are dropped from the lines first (`text.without_furniture`).
Table rows are `row` blocks (`fields` from the header, `header` the header line, `table` "table N"); lines
inside a table's box are not read again as text. Blocks from OCR'd pages carry `ocr=True`, and the document
keeps each such page's OCR time (`ParsedDocument.ocr_pages`).
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field, replace
from pathlib import Path

from core.documents.layout import Line, TableLines
from core.documents.model import Block
from core.documents.normalize import clean_text
from core.documents.pdf_text import read_pages
from core.documents.text import lines_to_blocks, without_furniture

log = logging.getLogger(__name__)

MIN_TEXT = 5  # visible characters a page needs to count as having a text layer


@dataclass
class PdfContent:
    blocks: list[Block]
    pages: int
    empty: list[int] = field(default_factory=list)  # pages with no text layer that OCR did not read
    ocr_pages: dict[int, float] = field(default_factory=dict)  # page -> seconds OCR took


def _has_text(lines: list[Line]) -> bool:
    return len(re.sub(r"\s", "", "".join(x.text for x in lines))) >= MIN_TEXT


def _tables(path: Path, display: str) -> dict:
    from core.documents.pdf_tables import tables_by_page
    from core.errors import DocumentError

    try:
        return tables_by_page(path)
    except DocumentError:
        raise
    except Exception:  # a table finder failure must not lose the document's text
        log.warning("%s: tables could not be read; their text stays in the page text", display, exc_info=True)
        return {}


def _with_tables(lines: list[Line], tables: list) -> list:
    """The page's lines without those inside a table, and each table where its top is printed."""
    if not tables:
        return lines
    kept = [
        x for x in lines if not (x.placed and any(t.bbox.holds(x.x0, x.bottom, x.x1, x.top) for t in tables))
    ]
    out: list = []
    pending = sorted(tables, key=lambda t: -t.bbox.top)
    for line in kept:
        while pending and line.placed and line.top < pending[0].bbox.top:
            out.append(_table_lines(pending.pop(0)))
        out.append(line)
    out += [_table_lines(t) for t in pending]
    return out


def _table_lines(table) -> TableLines:
    return TableLines(
        number=table.number,
        header=[clean_text(h) for h in table.header],
        rows=[([clean_text(c) for c in r.cells], r.page, r.end_page) for r in table.rows],
    )


def _ocr(path: Path, display: str, numbers: list[int]) -> dict[int, tuple[list[Line], float]]:
    from core.documents.ocr import PageReader, ocr_available, ocr_page

    if not numbers or not ocr_available():
        return {}
    reader = PageReader()
    out = {}
    for number in numbers:
        try:
            page = ocr_page(path, number - 1, reader)
        except Exception:  # one page OCR cannot read is skipped, as a page without text always was
            log.warning("%s: OCR failed on page %d", display, number, exc_info=True)
            continue
        lines = []
        for text in page.lines:  # a page OCR reads is most often a form: each printed line a block of its own
            lines += [Line(clean_text(text, collapse=False), ocr=True), Line("")]
        out[number] = (lines, page.seconds)
    return out


def read_pdf(path: Path, display: str, ocr: bool = True) -> PdfContent:
    """Raises pypdfium2's PdfiumError for a file PDFium cannot open, DocumentError for one the table reader
    names."""
    pages = [
        [replace(x, text=clean_text(x.text, collapse=False)) for x in lines] for lines in read_pages(path)
    ]
    empty = [i + 1 for i, lines in enumerate(pages) if not _has_text(lines)]
    read = _ocr(path, display, empty) if ocr else {}
    for number, (lines, _) in read.items():
        pages[number - 1] = lines
    tables = _tables(path, display) if len(empty) < len(pages) else {}
    paged = without_furniture(pages)
    paged = [(number, _with_tables(lines, tables.get(number, []))) for number, lines in paged]
    blocks = lines_to_blocks(paged)
    if read:
        blocks = [replace(b, ocr=True) if b.page in read else b for b in blocks]
    return PdfContent(
        blocks,
        len(pages),
        [p for p in empty if p not in read],
        {number: seconds for number, (_, seconds) in read.items()},
    )
