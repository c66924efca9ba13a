"""Reading files into structured documents: PDF, DOCX, XLSX, CSV, Markdown, HTML and plain text.

`parse(path)` returns a `ParsedDocument` (ordered blocks with page, section path and table
structure) or raises `DocumentError` naming the file and the reason. How far a file may expand while
it is read is checked before its parser runs (`limits.py`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from core.documents import limits
from core.documents.model import Block, ParsedDocument
from core.documents.normalize import normalize_document
from core.errors import DocumentError

if TYPE_CHECKING:
    from core.settings import Settings

log = logging.getLogger(__name__)

__all__ = ["SUPPORTED", "Block", "DocumentError", "ParsedDocument", "ReadOptions", "is_derived_twin", "parse"]


@dataclass(frozen=True)
class ReadOptions:
    """How a file may be read: its size on disk, how far it may expand while read, OCR of pages with
    no text layer. The same for ingest and for `rfp shred` (`RFP_MAX_FILE_MB`, `RFP_MAX_EXPANDED_MB`,
    `RFP_OCR`)."""

    max_bytes: int | None = None
    max_expanded: int = limits.DEFAULT_MAX_EXPANDED
    ocr: bool = True

    @classmethod
    def from_settings(cls, settings: Settings) -> ReadOptions:
        return cls(
            max_bytes=int(settings.max_file_mb * 2**20),
            max_expanded=int(settings.max_expanded_mb * 2**20),
            ocr=settings.ocr,
        )


def _pdf(path: Path, display: str, ocr: bool = True) -> ParsedDocument:
    from core.documents.pdf import parse_pdf

    return parse_pdf(path, display, ocr=ocr)


def _docx(path: Path, display: str) -> ParsedDocument:
    from core.documents.docx import parse_docx

    return parse_docx(path, display)


def _xlsx(path: Path, display: str) -> ParsedDocument:
    from core.documents.sheets import parse_xlsx

    return parse_xlsx(path, display)


def _csv(path: Path, display: str) -> ParsedDocument:
    from core.documents.sheets import parse_csv

    return parse_csv(path, display)


def _md(path: Path, display: str) -> ParsedDocument:
    from core.documents.markdown import parse_markdown

    return parse_markdown(path, display)


def _html(path: Path, display: str) -> ParsedDocument:
    from core.documents.html import parse_html

    return parse_html(path, display)


def _text(path: Path, display: str) -> ParsedDocument:
    from core.documents.plain import parse_text

    return parse_text(path, display)


SUPPORTED: dict[str, Callable[[Path, str], ParsedDocument]] = {
    ".pdf": _pdf,
    ".docx": _docx,
    ".xlsx": _xlsx,
    ".xlsm": _xlsx,
    ".csv": _csv,
    ".tsv": _csv,
    ".md": _md,
    ".markdown": _md,
    ".html": _html,
    ".htm": _html,
    ".txt": _text,
    ".text": _text,
}

# Names that are never documents: licences, VCS and OS clutter.
IGNORED_NAMES = {"license", "licence", "copying", "notice", ".ds_store", "thumbs.db", "desktop.ini"}


def is_derived_twin(path: Path) -> Path | None:
    """`X.pdf.txt` / `X.docx.txt` next to `X.pdf` / `X.docx` is a text export of the original: the
    original is ingested (it has pages and tables), the export is skipped."""
    name = path.name
    for ext in (".pdf", ".docx", ".html", ".htm"):
        if name.lower().endswith(ext + ".txt"):
            original = path.with_name(name[: -len(".txt")])
            if original.exists():
                return original
    return None


def parse(
    path: Path,
    display: str | None = None,
    max_bytes: int | None = None,
    max_expanded: int = limits.DEFAULT_MAX_EXPANDED,
    ocr: bool = True,
) -> ParsedDocument:
    """Any failure to read the file comes out as a DocumentError naming it and the reason; what no
    parser anticipated is logged with its stack and named by its type. Every parser's output goes
    through the same normalisation (`normalize.py`). `ocr`: read PDF pages with no text layer by OCR."""
    path = Path(path)
    display = display or str(path)
    suffix = path.suffix.lower()
    parser = SUPPORTED.get(suffix)
    if parser is None:
        kinds = ", ".join(sorted({k.lstrip(".") for k in SUPPORTED}))
        legacy = {
            ".doc": "save it as .docx",
            ".xls": "save it as .xlsx",
            ".ppt": "export it to PDF",
            ".pptx": "export it to PDF",
        }
        hint = f"; {legacy[suffix]}" if suffix in legacy else ""
        raise DocumentError(
            display, f"unsupported file type '{suffix or '(none)'}' (supported: {kinds}){hint}"
        )
    size = path.stat().st_size
    if size == 0:
        raise DocumentError(display, "empty file (0 bytes)")
    if max_bytes is not None and size > max_bytes:
        raise DocumentError(
            display,
            f"file too large ({size / 2**20:.1f} MB > {max_bytes / 2**20:.0f} MB limit, RFP_MAX_FILE_MB)",
        )
    try:
        with limits.reading(suffix, path, display, max_expanded):
            doc = parser(path, display, ocr=ocr) if parser is _pdf else parser(path, display)
            doc = normalize_document(doc)
    except DocumentError:
        raise
    except MemoryError as exc:
        raise DocumentError(display, "ran out of memory reading it") from exc
    except RecursionError as exc:
        raise DocumentError(display, "nested too deeply to read") from exc
    except Exception as exc:
        log.warning(
            "%s: unexpected %s from the %s parser", display, type(exc).__name__, suffix, exc_info=True
        )
        detail = " ".join(str(exc).split())[:200]
        raise DocumentError(
            display,
            f"corrupt or unreadable {suffix.lstrip('.').upper()} file ({type(exc).__name__}: {detail})",
        ) from exc
    if not any(b.text.strip() for b in doc.blocks):
        raise DocumentError(display, "no text found")
    return doc
