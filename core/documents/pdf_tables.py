"""Ruled tables in a PDF as rows of cells with their header, page by page.

How it works, and why this way (measured in bench/pdf_tables.py on the shared PDFs):
- Which pages can hold a table is decided cheaply from PDFium's page objects (pypdfium2): the ruling lines
  and rectangle edges of the page's paths. A page needs three vertical rules at different x positions
  beside one another (two columns; a page frame or a box around a paragraph has two) and two horizontal
  ones. Only those pages are opened with pdfplumber (MIT),
  whose table finder gives the cell grid but parses the whole page with pdfminer (slow). Pages with no text
  layer are never candidates (their text comes from OCR).
- The grid comes from pdfplumber; each cell's text from PDFium (`get_text_bounded` over the cell box), the
  same text layer the page text comes from: pdfplumber glues words on some files ("TechnicalArchitect").
- Not a table (counted by reason in `TableReport.rejected`): one column (a page frame, a box around a
  paragraph); most cells covered by merged cells (a grid cut at every printed line by line shading, as in
  the TechFAR Handbook: its text stays page text); most rows with text in one cell only, or a line of text
  that runs on across a column rule with no more than a word space (underlined or highlighted paragraph
  lines); one column of paragraphs beside a number or a title in one cell (the TechFAR Q&A boxes); a single
  row that continues nothing and is not a header.
- Guard: where pdfplumber's characters and PDFium's text disagree inside a table's box, the page's layout
  is not trusted and the page gets no tables (its text stays in the page text).
- Header: the first row when it is set apart from the rows under it (another font or colour: bold, white on
  a fill; or a filled background), or when its cells are short labels over longer cells and do not repeat
  the first words of the cells below ("Category 1", "Category 2"). A one-row grid of labels at a page's
  foot is the header of the table the next page carries. A cell covered by a merged cell above takes its
  text (a key that spans two rows applies to both).
- A table on the next page with the same column rules, first on its page, after the last table of the page
  before, continues it (`continued`, the same `number`, the header repeated in `header`): a repeated header
  row is dropped, and a first row whose key cell is empty, or most of whose cells go on in lower case where
  the cells above had not ended, is the end of the row split by the page break: one row with `page` and
  `end_page`, kept in the part where it starts.
- Cell text: printed lines joined into words (see `join_lines`).

Coordinates are PDF points in the page's own space with y growing upwards, as PDFium reports them
(`textpage.get_charbox`, `get_text_bounded`) and as `core.documents.layout.Line` keeps them: a table's
`bbox` is (left, bottom, right, top).
"""

from __future__ import annotations

import logging
import re
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from core.errors import DocumentError

log = logging.getLogger(__name__)

RULE = 2.5  # a path thinner than this (points) is a ruling line
MIN_RULE = 6.0  # shorter rules are glyph parts, underline ends, bullets
SAME_X = 3.0  # two column rules closer than this are one
MIN_COLUMN = 10.0  # a narrower column is two rules of one frame
GUARD = 0.6  # least share of pdfplumber's character 4-grams found in PDFium's text of the same box
SHORT_LABEL = 6  # words in a header cell, at most, when the header is not set apart by its type

_TERMINAL = re.compile(r"""[.?!:;]["'”’)\]]*$""")
# PDFium writes a hyphen at a line end that it joined as U+FFFE (get_text_range) or U+0002 (get_text_bounded).
_CONTROL = {**dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"), None), 0xFFFE: "-\n", 0x02: "-\n"}
_URL_END = re.compile(r"(?:https?://|www\.)\S*$")


@dataclass(frozen=True)
class Box:
    """A region of a page in PDF points, y growing upwards (PDFium's page space)."""

    left: float
    bottom: float
    right: float
    top: float

    def holds(self, left: float, bottom: float, right: float, top: float) -> bool:
        """Whether the centre of the given box (a character, a line) lies inside this one."""
        x, y = (left + right) / 2, (bottom + top) / 2
        return self.left <= x <= self.right and self.bottom <= y <= self.top


@dataclass
class PdfRow:
    """One row: its cells' text in column order; `end_page` > `page` when the row runs over a page break."""

    cells: list[str]
    page: int
    end_page: int


@dataclass
class PdfTable:
    """The part of a table printed on one page (pages count from 1).

    `number` is the table's number in the document (the parts of a table running over pages share it);
    `continued` says this part carries on the table of the previous page, whose header it repeats in
    `header` (`[]` when the table has none). A row split by the page break belongs to the part where it
    starts. `columns` holds the x positions of the column rules, left to right.
    """

    number: int
    page: int
    bbox: Box
    header: list[str]
    rows: list[PdfRow]
    continued: bool = False
    columns: list[float] = field(default_factory=list)

    @property
    def end_page(self) -> int:
        return max([self.page, *(r.end_page for r in self.rows)])


@dataclass
class TableReport:
    """What a run found and what it cost, for the benchmark and the ingest summary."""

    pages: int = 0
    candidates: list[int] = field(default_factory=list)
    guarded: list[int] = field(default_factory=list)  # pages whose tables the guard refused
    rejected: Counter[str] = field(default_factory=Counter)  # reason -> grids that were not tables
    seconds: float = 0.0
    seconds_plumber: float = 0.0


def tables_by_page(
    path: Path, report: TableReport | None = None, guard: float = GUARD
) -> dict[int, list[PdfTable]]:
    """Every ruled table of the PDF, by page (1-based), top to bottom. Pages without tables are absent.

    `guard`: the least agreement (share of character 4-grams, spaces ignored) between pdfplumber's text and
    PDFium's inside a table for the page's tables to be kept. Raises DocumentError naming the file when it
    cannot be opened.
    """
    import pypdfium2 as pdfium

    report = report if report is not None else TableReport()
    started = time.perf_counter()
    try:
        document = pdfium.PdfDocument(str(path))
    except (pdfium.PdfiumError, OSError) as exc:
        raise DocumentError(str(path), f"not a readable PDF ({exc})") from exc
    try:
        report.pages = len(document)
        candidates = [i for i in range(len(document)) if _candidate(document[i])]
        report.candidates = [i + 1 for i in candidates]
        found = _read_tables(path, document, candidates, report, guard) if candidates else {}
    finally:
        document.close()
    report.seconds = time.perf_counter() - started
    return found


# --- which pages can hold a table (PDFium page objects) -------------------------------------------------


def _candidate(page) -> bool:
    """Whether the page's paths draw at least two columns' rules and two row rules, and it has text."""
    textpage = page.get_textpage()
    try:
        if textpage.count_chars() < 5:
            return False
    finally:
        textpage.close()
    vertical, horizontal = _rules(page)
    if len(_distinct(y for y, _, _ in horizontal)) < 2:
        return False
    # Three column rules side by side (a page frame and a box give two).
    for _, y0, y1 in vertical:
        beside = _distinct((x for x, b, t in vertical if min(y1, t) - max(y0, b) > MIN_RULE), MIN_COLUMN)
        if len(beside) >= 3:
            return True
    return False


def _distinct(values, gap: float = SAME_X) -> list[float]:
    out: list[float] = []
    for v in sorted(values):
        if not out or v - out[-1] > gap:
            out.append(v)
    return out


def _rules(page) -> tuple[list[tuple[float, float, float]], list[tuple[float, float, float]]]:
    """Vertical rules (x, y0, y1) and horizontal rules (y, x0, x1) drawn by the page's paths: thin paths,
    rectangle edges, and the straight axis-parallel segments of larger paths."""
    import pypdfium2.raw as pdfium_c

    vertical: list[tuple[float, float, float]] = []
    horizontal: list[tuple[float, float, float]] = []
    page_width, page_height = page.get_size()
    for obj in page.get_objects(filter=(pdfium_c.FPDF_PAGEOBJ_PATH,), max_depth=2):
        left, bottom, right, top = obj.get_bounds()
        width, height = right - left, top - bottom
        segments = pdfium_c.FPDFPath_CountSegments(obj.raw)
        if segments <= 6:  # a line or a rectangle
            if width < RULE and height >= MIN_RULE:
                vertical.append(((left + right) / 2, bottom, top))
            elif height < RULE and width >= MIN_RULE:
                horizontal.append(((bottom + top) / 2, left, right))
            elif (
                width >= MIN_RULE
                and height >= MIN_RULE
                and not (width > 0.8 * page_width and height > 0.5 * page_height)
            ):
                # a box or a shaded cell, not the page's frame
                vertical += [(left, bottom, top), (right, bottom, top)]
                horizontal += [(bottom, left, right), (top, left, right)]
        elif segments <= 2000:  # a grid drawn as one path; more is lettering drawn as curves
            _path_rules(obj, segments, vertical, horizontal)
    return vertical, horizontal


def _path_rules(obj, segments: int, vertical: list, horizontal: list) -> None:
    import ctypes

    import pypdfium2.raw as pdfium_c

    m = obj.get_matrix()
    x, y = ctypes.c_float(), ctypes.c_float()
    previous = None
    for i in range(segments):
        segment = pdfium_c.FPDFPath_GetPathSegment(obj.raw, i)
        pdfium_c.FPDFPathSegment_GetPoint(segment, ctypes.byref(x), ctypes.byref(y))
        point = (m.a * x.value + m.c * y.value + m.e, m.b * x.value + m.d * y.value + m.f)
        kind = pdfium_c.FPDFPathSegment_GetType(segment)
        if kind == pdfium_c.FPDF_SEGMENT_LINETO and previous is not None:
            (x0, y0), (x1, y1) = previous, point
            if abs(x1 - x0) < 0.5 and abs(y1 - y0) >= MIN_RULE:
                vertical.append((x0, min(y0, y1), max(y0, y1)))
            elif abs(y1 - y0) < 0.5 and abs(x1 - x0) >= MIN_RULE:
                horizontal.append((y0, min(x0, x1), max(x0, x1)))
        previous = point


# --- the grids (pdfplumber) and their text (PDFium) ------------------------------------------------------


@dataclass
class _Grid:
    """One table as pdfplumber found it on one page, with cell text from PDFium."""

    page: int
    bbox: Box
    columns: list[float]
    cells: list[list[str | None]]  # None: covered by a merged cell
    header_styled: bool


def _read_tables(
    path: Path, document, candidates: list[int], report: TableReport, guard: float = GUARD
) -> dict[int, list[PdfTable]]:
    import pdfplumber

    logging.getLogger("pdfminer").setLevel(logging.ERROR)
    grids: dict[int, list[_Grid]] = {}
    started = time.perf_counter()
    try:
        plumber = pdfplumber.open(str(path))
    except Exception as exc:  # pdfminer raises many types for a bad file
        raise DocumentError(
            str(path), f"not a readable PDF for table finding ({type(exc).__name__}: {exc})"
        ) from exc
    with plumber:
        for index in candidates:
            page = document[index]
            textpage = page.get_textpage()
            try:
                found = _page_grids(plumber.pages[index], page, textpage, index + 1, report, guard)
            finally:
                textpage.close()
            if found:
                grids[index + 1] = found
    report.seconds_plumber = time.perf_counter() - started
    return _assemble(grids, _vocabulary(document, candidates))


def _vocabulary(document, pages: list[int]) -> Counter:
    """The words the candidate pages write (lower case), to tell a word broken at a line end from two."""
    words: Counter = Counter()
    for index in pages:
        textpage = document[index].get_textpage()
        try:
            words.update(w.lower() for w in re.findall(r"[A-Za-z]{3,}", textpage.get_text_range()))
        finally:
            textpage.close()
    return words


def _page_grids(plumber_page, page, textpage, number: int, report: TableReport, guard: float) -> list[_Grid]:
    left0, _, _, top0 = page.get_cropbox()

    def to_pdf(x0: float, top: float, x1: float, bottom: float) -> Box:  # pdfplumber: y down from the top
        return Box(left0 + x0, top0 - bottom, left0 + x1, top0 - top)

    out: list[_Grid] = []
    agree: list[float] = []
    for table in plumber_page.find_tables():
        xs = sorted({c[0] for c in table.cells})
        cells = [[_cell(textpage, to_pdf, row.cells, xs, j) for j in range(len(xs))] for row in table.rows]
        # Columns empty in every row (pdfplumber splits a column where a shading or a rule stops) go.
        keep = [j for j in range(len(xs)) if any(r[j] for r in cells)]
        cells = [[r[j] for j in keep] for r in cells]
        reason = _not_a_table(plumber_page, table, cells)
        if reason:
            report.rejected[reason] += 1
            continue
        box = to_pdf(*table.bbox)
        agree.append(
            _agreement(_crop(plumber_page, table.bbox).extract_text() or "", _bounded(textpage, box))
        )
        columns = [round(left0 + xs[j], 1) for j in keep] + [round(left0 + table.bbox[2], 1)]
        out.append(_Grid(number, box, columns, cells, _header_styled(plumber_page, table)))
    if out and min(agree) < guard:
        log.info(
            "page %d: pdfplumber's text disagrees with the text layer (%.2f); no tables", number, min(agree)
        )
        report.guarded.append(number)
        return []
    return out


def _crop(plumber_page, bbox):
    return plumber_page.crop(bbox, strict=False)


def _not_a_table(plumber_page, table, cells: list[list[str | None]]) -> str | None:
    """Why a ruled grid is not a table, or None when it is one."""
    columns = max((len(r) for r in cells), default=0)
    if columns < 2:
        return "one column"
    covered = sum(1 for r in cells for c in r if c is None)
    if covered > 0.3 * sum(len(r) for r in cells):
        return "rows cut at every printed line"  # a grid of shaded lines, not of rules
    # A cell is filled when it has text or a merged cell above covers it (None).
    if len(cells) >= 2 and sum(1 for r in cells if sum(1 for c in r if c is None or c) >= 2) < len(cells) / 2:
        return "most rows fill one cell"  # lines of a paragraph framed, underlined or highlighted
    if columns == 2 and len(cells) >= 2 and min(sum(1 for r in cells if r[j]) for j in range(2)) <= 1:
        return "a label beside a box"  # a number or a title in one cell beside paragraphs
    if _runs_across(plumber_page, table):
        return "text runs across column rules"  # lines of a paragraph underlined or highlighted
    return None


def _runs_across(plumber_page, table) -> bool:
    """Whether a printed line goes on across a column rule with no more than a word space between the
    characters on either side (a cell keeps its text a padding away from its rules)."""
    chars = [c for c in _crop(plumber_page, table.bbox).chars if c["text"].strip()]
    tight = seen = 0
    for row in table.rows:
        bounds = sorted({c[0] for c in row.cells if c} - {table.bbox[0]})
        inside = [c for c in chars if row.bbox[1] <= (c["top"] + c["bottom"]) / 2 < row.bbox[3]]
        for b in bounds:
            for c in inside:
                if not b - 0.5 <= c["x0"] < b + 30:
                    continue
                left = [d["x1"] for d in inside if d["x1"] <= b + 0.5 and abs(d["top"] - c["top"]) < 2]
                if left:
                    seen += 1
                    tight += c["x0"] - max(left) < 4
                break
    return seen > 0 and tight > 0.3 * seen


def _header_styled(plumber_page, table) -> bool:
    """Whether the first row is set apart from the rows under it: another font or colour (bold, white on
    a fill), or a filled background they do not have."""
    if len(table.rows) < 2:
        return False

    def style(bbox) -> tuple | None:
        chars = [c for c in _crop(plumber_page, bbox).chars if c["text"].strip()]
        found = Counter((c["fontname"], str(c.get("non_stroking_color"))) for c in chars)
        return found.most_common(1)[0][0] if found else None

    def filled(bbox) -> bool:
        x0, top, x1, bottom = bbox
        for rect in plumber_page.rects:
            color = rect.get("non_stroking_color")
            color = (color,) if isinstance(color, int | float) else color
            if not rect.get("fill") or not isinstance(color, tuple | list) or _white(color):
                continue
            if (
                rect["x0"] <= x0 + 2
                and rect["x1"] >= (x0 + x1) / 2
                and rect["top"] <= top + 2
                and rect["bottom"] >= bottom - 2
            ):
                return True
        return False

    first = table.rows[0].bbox
    body = (first[0], table.rows[1].bbox[1], first[2], table.bbox[3])
    head, rest = style(first), style(body)
    if head is not None and rest is not None and head != rest:
        return True
    return filled(first) and not filled(table.rows[1].bbox)


def _white(color) -> bool:
    numbers = [v for v in color if isinstance(v, int | float)]
    if len(numbers) != len(color):
        return False  # a pattern
    return all(v == 1 for v in numbers) if len(numbers) != 4 else not any(numbers)


def _bounded(textpage, box: Box) -> str:
    return textpage.get_text_bounded(left=box.left, bottom=box.bottom, right=box.right, top=box.top)


def _cell_text(textpage, box: Box) -> str:
    """A cell's text as PDFium reads it, its printed lines kept apart by "\\n" (joined later)."""
    text = _bounded(textpage, box).translate(_CONTROL).replace("\r\n", "\n").replace("\r", "\n")
    return "\n".join(line.strip() for line in text.split("\n") if line.strip())


def _cell(textpage, to_pdf, row: list, xs: list[float], j: int) -> str | None:
    """The text of cell j of a pdfplumber row (cells on the table's column starts `xs`): None where a merged
    cell from above covers it, "" where the cell to its left spans it."""
    if row[j] is not None:
        return _cell_text(textpage, to_pdf(*row[j]))
    left = next((row[k] for k in range(j - 1, -1, -1) if row[k] is not None), None)
    return "" if left is not None and left[2] > xs[j] + 1 else None


def _agreement(plumber_text: str, pdfium_text: str) -> float:
    """Share of pdfplumber's character 4-grams (spaces ignored) that PDFium's text also has."""
    import unicodedata

    def grams(text: str) -> Counter:
        s = re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)).lower()
        return Counter(s[i : i + 4] for i in range(len(s) - 3))

    ours, theirs = grams(plumber_text), grams(pdfium_text)
    if not ours:
        return 1.0 if not theirs else 0.0
    return sum(min(n, theirs[g]) for g, n in ours.items()) / sum(ours.values())


def join_lines(text: str, words: Counter) -> str:
    """A cell's printed lines as one text. A word hyphenated at a line end is one word again when the
    document writes it whole ("require-" + "ments"), a compound keeps its hyphen ("Version-" + "controlled",
    "Front-" + "End"); a word broken without a hyphen in a narrow column is whole again when the document
    writes it whole ("documentatio" + "n"); a web address broken over lines is whole again."""
    out = ""
    for line in text.split("\n"):
        line = line.strip()
        if not line:
            continue
        if not out:
            out = line
            continue
        hyphen = re.search(r"([A-Za-z]+)(\u00ad|-)$", out)
        tail = re.search(r"[A-Za-z]{4,}$", out)
        head = re.match(r"[A-Za-z]+", line)
        if hyphen and head:
            whole = (hyphen.group(1) + head.group(0)).lower()
            if hyphen.group(2) != "-" or (line[0].islower() and words[whole] > 0):
                out = out[: hyphen.start(2)] + line
            elif head.group(0) in ("and", "or", "to", "nor"):
                out = f"{out} {line}"  # "medium- and high-level"
            else:
                out += line
        elif (
            tail and head and words[(tail.group(0) + head.group(0)).lower()] > words[tail.group(0).lower()]
        ) or (_URL_END.search(out) and not line[0].isupper()):
            out += line
        else:
            out = f"{out} {line}"
    return out


# --- rows, headers, tables running over pages --------------------------------------------------------------


def _rows(grid: _Grid, words: Counter) -> list[list[str]]:
    """Cell text joined; a cell covered by a merged cell from above takes that cell's text (a key that spans
    rows applies to each of them)."""
    out: list[list[str]] = []
    for r, row in enumerate(grid.cells):
        cells = []
        for j, cell in enumerate(row):
            if cell is None:
                cells.append(out[r - 1][j] if r > 0 and j < len(out[r - 1]) else "")
            else:
                cells.append(join_lines(cell, words))
        out.append(cells)
    return out


def _is_header(rows: list[list[str]], styled: bool) -> bool:
    """Whether the first row names the columns: set apart by its type, or short labels over longer cells
    that do not repeat the labels' first words ("Category 1", "Category 2"...). The corner cell may be
    empty."""
    if len(rows) < 2 or not all(rows[0][1:]):
        return False
    if styled:
        return True
    if (
        not _labels(rows[0])
        or len(rows) < 3
        or all(len(c.split()) <= SHORT_LABEL for r in rows[1:] for c in r)
    ):
        return False
    for j, label in enumerate(rows[0]):
        first = label.split()[0].lower() if label else None
        below = [r[j].split()[0].lower() for r in rows[1:] if j < len(r) and r[j]]
        if first and below and below.count(first) * 2 >= len(below):
            return False
    return True


def _labels(cells: list[str]) -> bool:
    return all(len(c.split()) <= SHORT_LABEL and not _TERMINAL.search(c) for c in cells if c) and any(cells)


def _same_columns(a: list[float], b: list[float]) -> bool:
    return len(a) == len(b) and all(abs(x - y) <= SAME_X for x, y in zip(a, b, strict=True))


def _runs_on(previous: list[str], first: list[str]) -> bool:
    """Whether the first row on a page is the end of the last row of the page before (split by the break):
    its key cell is empty, or most of its cells go on in lower case where the cells above had not ended."""
    if not any(first):
        return False
    if not first[0]:
        return bool(previous[0])
    pairs = [(p, f) for p, f in zip(previous, first, strict=False) if f]
    lower = [bool(re.match(r"[a-z]", f)) for _, f in pairs]
    return 2 * sum(lower) >= len(pairs) and all(
        low or (p and not _TERMINAL.search(p)) for (p, _), low in zip(pairs, lower, strict=True)
    )


def _merge_cells(previous: list[str], first: list[str], words: Counter) -> list[str]:
    out = []
    for j in range(max(len(previous), len(first))):
        a = previous[j] if j < len(previous) else ""
        b = first[j] if j < len(first) else ""
        out.append(join_lines(f"{a}\n{b}", words) if a and b else a or b)
    return out


def _assemble(grids: dict[int, list[_Grid]], words: Counter) -> dict[int, list[PdfTable]]:
    out: dict[int, list[PdfTable]] = {}
    last: PdfTable | None = None  # the last table of the page before
    number = 0
    for page in sorted(grids):
        for k, grid in enumerate(grids[page]):
            rows = _rows(grid, words)
            follows = (
                k == 0
                and last is not None
                and last.page == page - 1
                and _same_columns(last.columns, grid.columns)
            )
            if follows:
                assert last is not None
                header = last.header
                if header and rows and _norm(rows[0]) == _norm(header):
                    rows = rows[1:]
                if rows and last.rows and _runs_on(last.rows[-1].cells, rows[0]):
                    tail = last.rows[-1]
                    last.rows[-1] = PdfRow(_merge_cells(tail.cells, rows[0], words), tail.page, page)
                    rows = rows[1:]
                table = PdfTable(
                    last.number,
                    page,
                    grid.bbox,
                    header,
                    [PdfRow(r, page, page) for r in rows],
                    continued=True,
                    columns=grid.columns,
                )
            else:
                if len(rows) < 2 and not (rows and all(rows[0]) and _labels(rows[0])):
                    continue  # one row that continues nothing: a framed line
                number += 1
                # One row of labels at a page's foot: the header of a table that the next page carries.
                header = rows[0] if len(rows) == 1 or _is_header(rows, grid.header_styled) else []
                body = rows[1:] if header else rows
                table = PdfTable(
                    number,
                    page,
                    grid.bbox,
                    header,
                    [PdfRow(r, page, page) for r in body],
                    columns=grid.columns,
                )
            out.setdefault(page, []).append(table)
        last = out[page][-1] if out.get(page) else None
    # A header that no page carried on is not a table: its text stays in the page text.
    with_rows = {t.number for tables in out.values() for t in tables if t.rows}
    out = {page: [t for t in tables if t.number in with_rows] for page, tables in out.items()}
    return {page: tables for page, tables in out.items() if tables}


def _norm(cells: list[str]) -> list[str]:
    return [re.sub(r"\W+", "", c).lower() for c in cells]


# --- the page text around the tables ----------------------------------------------------------------------


def text_outside(textpage, boxes: list[Box]) -> str:
    """The page's text without the text inside the given boxes (the tables), in PDFium's order."""
    text = textpage.get_text_range()
    if len(text) != textpage.count_chars() or not boxes:
        return text.replace("\r\n", "\n")
    kept = []
    for i, ch in enumerate(text):
        if ch in "\r\n" or ch.isspace():
            kept.append(ch)
            continue
        left, bottom, right, top = textpage.get_charbox(i)
        if not any(b.holds(left, bottom, right, top) for b in boxes):
            kept.append(ch)
    lines = "".join(kept).replace("\r\n", "\n").split("\n")
    return "\n".join(line for line in lines if line.strip())
