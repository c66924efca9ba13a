"""Tables and OCR on the shared PDFs, with the figures that chose the libraries, in one run.

Per PDF: pages, candidate pages (PDFium's path objects say a page can hold a ruled table), tables (parts:
a table running over pages counts once per page), rows, seconds for the table pass and for pdfplumber's
part of it; then the time to read the whole text layer with pypdf, pypdfium2 and pdfplumber, and how much
of the `.pdf.txt` twin each one covers (NFKC; character 4-grams with spaces ignored, and the twin's words
found as words, where glued words count as lost); pages with no text layer,
and with --ocr their OCR time. Then examples of rows with their headers, the pages the guard refused and
what was refused as not a table.

    .venv/bin/python bench/pdf_tables.py [--data ../shared/data] [--ocr] [--examples 3] [--all-pages]

--all-pages also runs pdfplumber's table finder over every page with text (no candidate filter), to show
what the filter saves and that it loses no table page.
"""

from __future__ import annotations

import argparse
import logging
import re
import sys
import time
import unicodedata
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

EXAMPLES = {  # file name -> what to show from it
    "Attachment-C-QASP.pdf": "the QASP's performance standards",
    "VA11816F10050003RTEP.pdf": "the VA task order's CLINs and deliverables",
    "TDRS_Fully_Executed_Base_Award.pdf": "the TDRS award's deliverables",
    "Attachment-A-PWS.pdf": "the cloud.gov PWS",
}


def _grams(text: str) -> Counter:
    s = re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)).lower()
    return Counter(s[i : i + 4] for i in range(len(s) - 3))


def coverage(text: str, reference: str) -> float:
    ref, got = _grams(reference), _grams(text)
    return sum(min(n, got[g]) for g, n in ref.items()) / max(1, sum(ref.values()))


def word_recall(text: str, reference: str) -> float:
    """Share of the twin's words (NFKC, lower case) that the text has as words: glued words count as lost."""

    def words(t: str) -> Counter:
        return Counter(re.findall(r"\w+", unicodedata.normalize("NFKC", t).lower()))

    ref, got = words(reference), words(text)
    return sum(min(n, got[w]) for w, n in ref.items()) / max(1, sum(ref.values()))


def text_pypdf(path: Path) -> str:
    import pypdf

    logging.getLogger("pypdf").setLevel(logging.ERROR)
    return "\n".join(page.extract_text() or "" for page in pypdf.PdfReader(str(path)).pages)


def text_pdfium(path: Path) -> str:
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(str(path))
    try:
        return "\n".join(document[i].get_textpage().get_text_bounded() for i in range(len(document)))
    finally:
        document.close()


def text_plumber(path: Path) -> str:
    import pdfplumber

    with pdfplumber.open(str(path)) as pdf:
        return "\n".join(page.extract_text() or "" for page in pdf.pages)


def empty_pages(path: Path) -> list[int]:
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(str(path))
    try:
        return [i for i in range(len(document)) if document[i].get_textpage().count_chars() < 5]
    finally:
        document.close()


def all_pages_time(path: Path) -> tuple[float, set[int]]:
    """pdfplumber's table finder over every page with text, through the same acceptance rules."""
    import pypdfium2 as pdfium

    from core.documents import pdf_tables

    document = pdfium.PdfDocument(str(path))
    try:
        pages = [i for i in range(len(document)) if document[i].get_textpage().count_chars() >= 5]
        started = time.perf_counter()
        found = pdf_tables._read_tables(path, document, pages, pdf_tables.TableReport())
        return time.perf_counter() - started, set(found)
    finally:
        document.close()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--ocr", action="store_true", help="OCR the pages with no text layer")
    parser.add_argument("--examples", type=int, default=3, help="rows to show per example table")
    parser.add_argument("--all-pages", action="store_true", help="also run the table finder on every page")
    args = parser.parse_args()
    logging.getLogger("pdfminer").setLevel(logging.ERROR)

    from core.documents.pdf_tables import TableReport, tables_by_page

    reader = None
    if args.ocr:
        from core.documents.ocr import PageReader

        started = time.perf_counter()
        reader = PageReader()
        print(f"OCR engine loaded in {time.perf_counter() - started:.2f} s")

    files = sorted(args.data.rglob("*.pdf"))
    totals: Counter = Counter()
    results = {}
    print(
        f"{'file':44} {'pages':>5} {'cand':>5} {'tables':>6} {'rows':>5} {'tbl s':>6} {'plumb s':>7} | "
        f"{'pypdf s':>7} {'pdfium s':>8} {'plumb s':>7} | {'cov pypdf':>9} {'pdfium':>6} {'plumb':>6} | "
        f"{'words':>5} {'pdfium':>6} {'plumb':>5}"
        + (f" | {'all-pages s':>11} {'lost':>4}" if args.all_pages else "")
    )
    for path in files:
        report = TableReport()
        tables = tables_by_page(path, report)
        results[path.name] = (tables, report)
        parts = sum(len(t) for t in tables.values())
        rows = sum(len(t.rows) for ts in tables.values() for t in ts)
        timings, texts = {}, {}
        for name, read in (("pypdf", text_pypdf), ("pdfium", text_pdfium), ("plumber", text_plumber)):
            started = time.perf_counter()
            texts[name] = read(path)
            timings[name] = time.perf_counter() - started
        twin = path.with_name(path.name + ".txt")
        reference = twin.read_text(encoding="utf-8", errors="replace") if twin.exists() else ""
        cov = {k: coverage(v, reference) if reference else float("nan") for k, v in texts.items()}
        rec = {k: word_recall(v, reference) if reference else float("nan") for k, v in texts.items()}
        line = (
            f"{path.name[:44]:44} {report.pages:5} {len(report.candidates):5} {parts:6} {rows:5} "
            f"{report.seconds:6.2f} {report.seconds_plumber:7.2f} | {timings['pypdf']:7.2f} "
            f"{timings['pdfium']:8.2f} {timings['plumber']:7.2f} | {cov['pypdf']:9.3f} {cov['pdfium']:6.3f} "
            f"{cov['plumber']:6.3f} | {rec['pypdf']:5.3f} {rec['pdfium']:6.3f} {rec['plumber']:5.3f}"
        )
        if args.all_pages:
            seconds, pages = all_pages_time(path)
            totals["all_pages_s"] += seconds
            line += f" | {seconds:11.2f} {len(pages - set(tables)):4}"
        print(line)
        totals.update(
            pages=report.pages,
            candidates=len(report.candidates),
            parts=parts,
            rows=rows,
            tables=len({t.number for ts in tables.values() for t in ts}),
        )
        totals["table_s"] += report.seconds
        totals["table_plumber_s"] += report.seconds_plumber
        for name in timings:
            totals[f"{name}_s"] += timings[name]
        empty = empty_pages(path)
        if empty:
            print(f"    pages with no text layer: {[i + 1 for i in empty]}")
            if reader is not None:
                from core.documents.ocr import ocr_page

                for index in empty:
                    page = ocr_page(path, index, reader)
                    totals["ocr_pages"] += 1
                    totals["ocr_s"] += page.seconds
                    head = " / ".join(page.lines[:3])[:110]
                    print(
                        f"      OCR page {index + 1}: {page.seconds:.2f} s, {len(page.lines)} lines, "
                        f"confidence {page.mean_confidence:.3f}: {head}"
                    )
    print(
        f"\nall {len(files)} PDFs: {totals['pages']} pages, {totals['candidates']} candidate pages, "
        f"{totals['tables']} tables in {totals['parts']} page parts, {totals['rows']} rows; table pass "
        f"{totals['table_s']:.1f} s (pdfplumber {totals['table_plumber_s']:.1f} s, "
        f"{totals['table_s'] / max(1, totals['candidates']):.2f} s per candidate page)"
    )
    if args.all_pages:
        print(f"pdfplumber's table finder on every page with text: {totals['all_pages_s']:.1f} s")
    print(
        f"whole text layer: pypdf {totals['pypdf_s']:.1f} s, pypdfium2 {totals['pdfium_s']:.1f} s, "
        f"pdfplumber {totals['plumber_s']:.1f} s"
    )
    if totals["ocr_pages"]:
        print(f"OCR: {totals['ocr_pages']} pages, {totals['ocr_s'] / totals['ocr_pages']:.2f} s per page")

    print("\n== examples")
    for name, what in EXAMPLES.items():
        if name not in results:
            continue
        tables, _ = results[name]
        print(f"-- {what} ({name}): {sum(len(t) for t in tables.values())} table parts")
        shown = set()
        for page in sorted(tables):
            for table in tables[page]:
                if table.number in shown or len(shown) >= 3:
                    continue
                shown.add(table.number)
                print(f"   table {table.number}, page {page}, header {table.header}")
                for row in table.rows[: args.examples]:
                    pages = f"{row.page}" if row.end_page == row.page else f"{row.page}-{row.end_page}"
                    print(f"     p{pages}: {[c[:70] for c in row.cells]}")
        split = [r for ts in tables.values() for t in ts for r in t.rows if r.end_page > r.page]
        for row in split[:2]:
            print(f"   row over a page break, pages {row.page}-{row.end_page}: {[c[:70] for c in row.cells]}")
    print("\n== refused")
    for name, (_, report) in results.items():
        if report.rejected or report.guarded:
            print(f"   {name}: not tables {dict(report.rejected)}; guard refused pages {report.guarded}")


if __name__ == "__main__":
    main()
