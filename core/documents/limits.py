"""How far a file may expand while it is read (RFP_MAX_EXPANDED_MB), checked before it is parsed.

A small file can hold a great deal: a 1 MB DOCX whose `word/document.xml` inflates to 1 GB, a PDF
whose content stream is a gigabyte of zlib-compressed spaces. Read naively, either takes the process
past the machine's memory and loses the whole run.

- DOCX/XLSX packages: every member's size, their sum, and each member's compression ratio are read
  from the zip directory before any XML is parsed (zipfile never inflates a member past the size
  its directory declares, so the directory is what the parser will get).
- PDF: pypdf's own limits on every decompression filter, set for the duration of the read.
- CSV: the longest field (csv refuses fields over 131,072 characters unless told otherwise).
"""

from __future__ import annotations

import csv
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path

from core.errors import DocumentError

DEFAULT_MAX_EXPANDED = 100 * 2**20  # bytes; Settings.max_expanded_mb
ZIP_PACKAGES = {".docx", ".xlsx", ".xlsm"}
MAX_RATIO = 200  # a member over RATIO_FLOOR that inflates more than this many times is a zip bomb
RATIO_FLOOR = 2**20  # real DOCX/XLSX parts compress 5-50 times; small parts are never a threat


def mb(n: int) -> str:
    return f"{n / 2**20:,.0f} MB" if n >= 2**20 else f"{n / 2**20:.2f} MB"


def expands_beyond(limit: int) -> str:
    """The one wording for a refused expansion, whatever the format."""
    return f"decompresses to more than {mb(limit)} (RFP_MAX_EXPANDED_MB)"


def check_package(path: Path, display: str, limit: int) -> None:
    """Refuse a zip package (DOCX/XLSX) whose members would expand past `limit` bytes, alone or
    together, or that inflates like a zip bomb. Reads only the zip directory. A file that is not a
    zip at all is left for its parser to name."""
    try:
        with zipfile.ZipFile(path) as package:
            members = package.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return
    total = sum(m.file_size for m in members)
    if total > limit:
        biggest = max(members, key=lambda m: m.file_size)
        what = (
            f"{biggest.filename} alone is {mb(biggest.file_size)}"
            if biggest.file_size > limit
            else f"its {len(members)} parts add up to {mb(total)}"
        )
        raise DocumentError(display, f"{expands_beyond(limit)}: {what} (read from the zip directory)")
    for member in members:
        ratio = member.file_size / max(1, member.compress_size)
        if member.file_size > RATIO_FLOOR and ratio > MAX_RATIO:
            raise DocumentError(
                display,
                f"{member.filename} inflates {ratio:,.0f} times ({mb(member.compress_size)} to "
                f"{mb(member.file_size)}), the mark of a zip bomb",
            )


@contextmanager
def csv_fields(limit: int) -> Iterator[None]:
    """csv's field limit raised (or lowered) to `limit` characters while a CSV is read."""
    previous = csv.field_size_limit(limit)
    try:
        yield
    finally:
        csv.field_size_limit(previous)


def pdf_limits(limit: int):
    """pypdf's decompression limits set to `limit` bytes for this thread while a PDF is read."""
    import pypdf

    return pypdf.apply_configuration(
        maximum_declared_stream_length=limit,
        array_based_stream_maximum_output_length=limit,
        zlib_maximum_output_length=limit,
        lzw_maximum_output_length=limit,
        run_length_maximum_output_length=limit,
        jbig2_maximum_output_length=limit,
        brotli_maximum_output_length=limit,
        image_maximum_buffer_size=limit,
    )


def pdf_limit() -> int:
    """The decompression limit pypdf is applying now (set by `pdf_limits`)."""
    import pypdf

    return pypdf.get_configuration().zlib_maximum_output_length


def reading(suffix: str, path: Path, display: str, limit: int):
    """Check what can be checked before parsing, and return the context the parser runs in."""
    if suffix in ZIP_PACKAGES:
        check_package(path, display, limit)
    if suffix == ".pdf":
        return pdf_limits(limit)
    if suffix in (".csv", ".tsv"):
        return csv_fields(limit)
    return nullcontext()
