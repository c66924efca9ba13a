"""PDF: the text layer, page by page (pypdf, BSD-licensed). Every block keeps its page number.

Running headers/footers and bare page numbers are dropped; headings are recognised from numbering
("3.1 APPLICABILITY", "C.3.2", "SECTION L") and capitals. Pages without a text layer (scans) are
reported; a PDF with no text at all is refused, since we do no OCR.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path

from core.documents.limits import expands_beyond, pdf_limit
from core.documents.model import ParsedDocument
from core.documents.text import PAGE_NUMBER, furniture, lines_to_blocks, normalize_space
from core.errors import DocumentError

logging.getLogger("pypdf").setLevel(logging.ERROR)


def parse_pdf(path: Path, display: str) -> ParsedDocument:
    import pypdf
    from pypdf.errors import LimitReachedError, PdfReadError

    try:
        reader = pypdf.PdfReader(str(path))
        if reader.is_encrypted:
            try:
                ok = reader.decrypt("")
            except Exception:
                ok = 0
            if not ok:
                raise DocumentError(display, "encrypted PDF (a password is required to read it)")
        raw_pages = []
        for number, page in enumerate(reader.pages, start=1):
            try:
                raw_pages.append(page.extract_text() or "")
            except LimitReachedError as exc:  # a decompression bomb, not a bad page
                raise DocumentError(display, _limit_reason(exc, number)) from exc
            except Exception as exc:  # one bad page should not lose the rest
                raw_pages.append("")
                logging.getLogger(__name__).warning("%s: page unreadable: %s", display, exc)
    except DocumentError:
        raise
    except LimitReachedError as exc:
        raise DocumentError(display, _limit_reason(exc, None)) from exc
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as exc:
        raise DocumentError(display, f"not a readable PDF ({type(exc).__name__}: {exc})") from exc
    except Exception as exc:
        if "crypt" in str(exc).lower() or "AES" in str(exc):
            raise DocumentError(display, "encrypted PDF that cannot be opened without its password") from exc
        raise DocumentError(display, f"not a readable PDF ({type(exc).__name__}: {exc})") from exc

    if not raw_pages:
        raise DocumentError(display, "PDF has no pages")
    page_lines = [text.replace("\r", "").split("\n") for text in raw_pages]
    empty = [i + 1 for i, text in enumerate(raw_pages) if len(re.sub(r"\s", "", text)) < 5]
    if len(empty) == len(raw_pages):
        raise DocumentError(display, "no text layer (image-only/scanned PDF); OCR it first")
    repeated = furniture(page_lines)

    cleaned: list[tuple[int | None, list[str]]] = []
    for number, lines in enumerate(page_lines, start=1):
        keep = []
        for line in lines:
            s = normalize_space(line)
            if s and (re.sub(r"\d+", "#", s) in repeated or PAGE_NUMBER.match(s)):
                continue
            keep.append(line)
        cleaned.append((number, keep))

    blocks = lines_to_blocks(cleaned)
    meta_title = ""
    try:
        meta_title = str((reader.metadata or {}).get("/Title") or "")
    except Exception:
        meta_title = ""
    title = _title(meta_title, blocks, path)
    warnings = [f"page {p} has no text layer (image only); it was skipped" for p in empty]
    return ParsedDocument(display, title, blocks, "pdf", pages=len(raw_pages), warnings=warnings)


def _limit_reason(exc: Exception, page: int | None) -> str:
    where = f" (a stream on page {page})" if page else ""
    if "decompress" in str(exc).lower():
        return f"{expands_beyond(pdf_limit())}{where}"
    return f"over a safety limit of the PDF reader{where}: {exc}"


def _title(meta: str, blocks, path: Path) -> str:
    meta = re.sub(r"^Microsoft Word - ", "", meta).strip()
    if meta and not re.search(r"\.(pdf|docx?)$|^combined|^untitled", meta, re.IGNORECASE) and len(meta) > 4:
        return meta
    return path.stem.replace("_", " ").replace("-", " ")
