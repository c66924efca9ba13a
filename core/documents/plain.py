"""Plain text: paragraphs and numbered headings; form feeds (as pdftotext writes them) are pages."""

from __future__ import annotations

from pathlib import Path

from core.documents.model import ParsedDocument
from core.documents.sheets import decode_text
from core.documents.text import lines_to_blocks
from core.errors import DocumentError


def parse_text(path: Path, display: str) -> ParsedDocument:
    text = decode_text(path.read_bytes(), display)
    if not text.strip():
        raise DocumentError(display, "empty file")
    if "\x00" in text:
        raise DocumentError(display, "binary content in a text file")
    pages = text.split("\f")
    paged = len(pages) > 1
    blocks = lines_to_blocks(
        ((i + 1 if paged else None), page.replace("\r", "").split("\n")) for i, page in enumerate(pages)
    )
    if not blocks:
        raise DocumentError(display, "empty file")
    return ParsedDocument(display, path.name, blocks, "text", pages=len(pages) if paged else None)
