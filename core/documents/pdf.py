"""PDF: the text layer read by PDFium (pypdfium2) into paragraphs, tables and OCR'd pages
(`pdf_blocks.py`); every block keeps its page (and its last page when it runs over a page break).

pypdf (BSD) opens the file first: it refuses an encrypted file and decodes every page's content streams
under the decompression limits (`limits.py`), so a decompression bomb is refused before PDFium reads it,
and it gives the title from the metadata. Measured on the shared PDFs, PDFium reads the text about 15 times
faster than pypdf's `extract_text`, with the same text once both are normalised, and without the zero-width
characters pypdf keeps (docs/proposal.md). A page without a text layer is read by OCR when `ocr` is on
and OCR is installed, else reported; a PDF with no text at all is refused.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path

from core.documents.limits import expands_beyond, pdf_limit
from core.documents.model import ParsedDocument
from core.documents.pdf_blocks import read_pdf
from core.errors import DocumentError

logging.getLogger("pypdf").setLevel(logging.ERROR)
log = logging.getLogger(__name__)


def parse_pdf(path: Path, display: str, ocr: bool = True) -> ParsedDocument:
    import pypdfium2 as pdfium

    meta_title, pages = _check(path, display)
    if not pages:
        raise DocumentError(display, "PDF has no pages")
    try:
        content = read_pdf(path, display, ocr=ocr)
    except pdfium.PdfiumError as exc:
        raise DocumentError(display, f"not a readable PDF ({exc})") from exc
    if not any(b.text.strip() for b in content.blocks):
        from core.documents.ocr import ocr_available

        why = "OCR found no text on its pages" if ocr and ocr_available() else "OCR it first"
        raise DocumentError(display, f"no text layer (image-only/scanned PDF); {why}")
    title = _title(meta_title, content.blocks, path)
    warnings = [f"page {p} has no text layer (image only); it was skipped" for p in content.empty]
    warnings += [f"page {p} was read by OCR ({seconds:.1f} s)" for p, seconds in content.ocr_pages.items()]
    return ParsedDocument(
        display,
        title,
        content.blocks,
        "pdf",
        pages=content.pages,
        warnings=warnings,
        ocr_pages=content.ocr_pages,
    )


def _check(path: Path, display: str) -> tuple[str, int]:
    """Open with pypdf: refuse an encrypted file, decode every page's streams under the decompression
    limits. Returns the metadata title and the number of pages."""
    import pypdf
    from pypdf.errors import LimitReachedError, PdfReadError

    try:
        reader = pypdf.PdfReader(str(path))
        if reader.is_encrypted:
            try:
                ok = int(reader.decrypt(""))  # PasswordType: 0 when the empty password does not open it
            except Exception:
                ok = 0
            if not ok:
                raise DocumentError(display, "encrypted PDF (a password is required to read it)")
        for number, page in enumerate(reader.pages, start=1):
            try:
                _decode_streams(page)
            except LimitReachedError as exc:  # a decompression bomb, not a bad page
                raise DocumentError(display, _limit_reason(exc, number)) from exc
            except Exception as exc:  # one bad page should not lose the rest
                log.warning("%s: page %d unreadable: %s", display, number, exc)
        pages = len(reader.pages)
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
    try:
        metadata = reader.metadata
        meta_title = str(metadata.get("/Title") or "") if metadata else ""
    except Exception:
        meta_title = ""
    return meta_title, pages


def _decode_streams(page) -> None:
    """Decompress the page's content streams and its form XObjects (what text extraction reads)."""
    contents = page.get_contents()
    if contents is not None:
        contents.get_data()
    resources = page.get("/Resources")
    xobjects = resources.get_object().get("/XObject") if resources is not None else None
    if xobjects is None:
        return
    for ref in xobjects.get_object().values():
        xobject = ref.get_object()
        if xobject.get("/Subtype") == "/Form":
            xobject.get_data()


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
