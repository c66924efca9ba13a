"""Spreadsheets and CSV: every data row becomes a self-contained record with its column names.

The header row is found, not assumed: title and note rows above it (banners such as "U.S. Bureau of
Labor Statistics") are kept once as text and never copied into the rows. A sheet may hold several
tables, each under its own header. CSV rows keep their verbatim line, so a record quotes the file
exactly.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterable
from pathlib import Path

from core.documents.model import Block, ParsedDocument
from core.errors import DocumentError

_NUMERIC = re.compile(r"^[\s$€£(]*-?[\d,]*\.?\d+\s*%?\)?$")
_CODE = re.compile(r"^[\d][\d\-./]*$")


def cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return (
            str(int(value))
            if value.is_integer()
            else f"{value:.6g}"
            if abs(value) < 1e-3
            else str(round(value, 6))
        )
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return re.sub(r"\s+", " ", str(value)).strip()


def _is_header(cells: list[str], following: list[list[str]]) -> bool:
    filled = [c for c in cells if c]
    if len(filled) < 2 or any(c.endswith(":") for c in filled):
        return False
    if any(_NUMERIC.match(c) or _CODE.match(c) for c in filled) or any(len(c) > 80 for c in filled):
        return False
    if not following:
        return False
    # The rows below should put values under these columns.
    width = max(i for i, c in enumerate(cells) if c) + 1
    data = [r for r in following[:5] if any(r)]
    if not data:
        return False
    covered = sum(sum(1 for c in r[:width] if c) for r in data) / len(data)
    return covered >= 1.0


def _trim(rows: list[list[str]]) -> list[list[str]]:
    """Drop the empty columns at the left and right edges of a sheet."""
    used = [i for r in rows for i, c in enumerate(r) if c]
    if not used:
        return []
    lo, hi = min(used), max(used) + 1
    return [r[lo:hi] + [""] * (hi - lo - len(r[lo:hi])) for r in rows]


def rows_to_blocks(
    rows: list[list[str]],
    *,
    sheet: str | None,
    raw_lines: list[str] | None = None,
    joiner: str = " | ",
) -> list[Block]:
    rows = _trim(rows) if raw_lines is None else rows
    blocks: list[Block] = []
    header: list[str] | None = None
    header_line: str | None = None
    banner: str | None = None
    section_base = (sheet,) if sheet else ()

    for i, cells in enumerate(rows):
        filled = [c for c in cells if c]
        if not filled:
            continue
        following = [r for r in rows[i + 1 : i + 8] if any(r)]
        previous = next((r for r in reversed(rows[max(0, i - 3) : i]) if any(r)), None)
        gap = i == 0 or not any(rows[i - 1]) or previous is None or sum(1 for c in previous if c) <= 1
        if (header is None or gap) and cells != header and _is_header(cells, following):
            header = cells
            header_line = raw_lines[i] if raw_lines is not None else joiner.join(cells).rstrip(" |")
            continue
        section = (*section_base, banner) if banner else section_base
        if header is None or (len(filled) == 1 and cells[0] and not any(cells[1:]) and len(header) > 2):
            # A banner, title or note line (or a one-cell line between tables).
            text = filled[0] if len(filled) == 1 else joiner.join(filled)
            if len(text) <= 80:
                banner = text
                section = (*section_base, banner)
            blocks.append(Block(text=text, kind="text", section=section, table=sheet))
            if header is not None and len(filled) == 1:
                header = None  # a new title line usually opens a new table
            continue
        if all(_NUMERIC.match(c) and float(re.sub(r"[^\d.]", "", c) or 0) == 0 for c in filled):
            continue  # an empty template row (only zeros and formulas)
        fields = {}
        for j, value in enumerate(cells):
            if not value:
                continue
            name = header[j] if j < len(header) and header[j] else f"column {j + 1}"
            fields[name] = value
        line = (
            raw_lines[i] if raw_lines is not None else joiner.join(cells[: max(len(header), 1)]).rstrip(" |")
        )
        blocks.append(
            Block(text=line, kind="record", section=section, fields=fields, header=header_line, table=sheet)
        )
    return blocks


def parse_xlsx(path: Path, display: str) -> ParsedDocument:
    import zipfile

    import openpyxl

    if not zipfile.is_zipfile(path):
        raise DocumentError(display, "not a valid XLSX file (not a zip package; corrupt, or an old .xls?)")
    try:
        wb = openpyxl.load_workbook(str(path), read_only=True, data_only=True)
    except Exception as exc:
        raise DocumentError(display, f"not a readable XLSX workbook ({type(exc).__name__}: {exc})") from exc
    blocks: list[Block] = []
    try:
        for ws in wb.worksheets:
            rows = [[cell_text(v) for v in row] for row in ws.iter_rows(values_only=True)]
            sheet = ws.title.strip()
            blocks.extend(rows_to_blocks(rows, sheet=sheet))
    finally:
        wb.close()
    if not blocks:
        raise DocumentError(display, "empty workbook (no cell holds a value)")
    return ParsedDocument(display, path.stem.replace("_", " "), blocks, "xlsx")


def decode_text(data: bytes, display: str) -> str:
    """UTF-8 (with or without BOM) or UTF-16 with a BOM; anything else is refused by name."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DocumentError(
            display,
            f"not UTF-8 text (invalid byte 0x{data[exc.start]:02x} at offset {exc.start}); "
            "save it as UTF-8 and ingest again",
        ) from exc


def parse_csv(path: Path, display: str) -> ParsedDocument:
    text = decode_text(path.read_bytes(), display)
    if not text.strip():
        raise DocumentError(display, "empty file")
    sample = text[:8192]
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(sample, delimiters=",;\t|")
    except csv.Error:
        dialect = csv.excel
    rows: list[list[str]] = []
    raw: list[str] = []
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    try:
        for cells in reader:
            rows.append([re.sub(r"\s+", " ", c).strip() for c in cells])
            raw.append(_raw_line(cells, dialect))
    except csv.Error as exc:
        if "field larger than field limit" in str(exc):
            raise DocumentError(
                display,
                f"a field on line {reader.line_num} is longer than "
                f"{csv.field_size_limit():,} characters (RFP_MAX_EXPANDED_MB)",
            ) from exc
        raise DocumentError(display, f"not a readable CSV (line {reader.line_num}: {exc})") from exc
    width = max((len(r) for r in rows), default=0)
    rows = [r + [""] * (width - len(r)) for r in rows]
    blocks = rows_to_blocks(rows, sheet=None, raw_lines=raw)
    if not blocks:
        raise DocumentError(display, "no rows with values")
    return ParsedDocument(display, path.stem.replace("_", " "), blocks, "csv")


def _raw_line(cells: Iterable[str], dialect) -> str:
    """The row as the file writes it: minimal quoting with the file's delimiter."""
    out = io.StringIO()
    csv.writer(
        out,
        delimiter=dialect.delimiter,
        quotechar=dialect.quotechar or '"',
        doublequote=True,
        quoting=csv.QUOTE_MINIMAL,
        lineterminator="",
    ).writerow(list(cells))
    return out.getvalue()
