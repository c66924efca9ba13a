"""First-run figures of the shredder on the held-out annotations (issue 10, item 7): not a test, a report.

    .venv/bin/python -m tests.proposal.heldout_first_run [--misses N] [--rows]

For each document: (a) loose recall as tests/proposal/test_recall.py scores it (a row contains the whole annotated
sentence flattened to [a-z0-9] and sits on its page (PDF) or under its heading (DOCX: the last part of the
annotated section path, flattened, is in the row's section; "" is not checked)); (b) whole-sentence recall
(some row contains the whole flattened sentence, anywhere); the fragment rows; the misses with the closest row.
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from proposal.shred import shred_files
from tests.proposal.cloudgov_pws_annotations import ANNOTATED as CLOUDGOV
from tests.proposal.crm_task_order_annotations import ANNOTATED as CRM

DATA = Path(__file__).resolve().parents[3] / "shared" / "data" / "rfp"
DOCS = (
    ("cloud.gov PWS (PDF)", DATA / "gsa-tts-cloudgov-support-services-2019/Attachment-A-PWS.pdf", CLOUDGOV),
    ("CRM task order RFQ (DOCX)", DATA / "usds-techfar-hub-samples/CRMTaskOrder_Sample_DRAFT.docx", CRM),
)


def flat(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


def words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", text.lower())


def in_part(where, row) -> bool:
    """DOCX only: the row's section names the annotated part ("A" -> "Section A ...")."""
    part = where.split(" > ")[0] if isinstance(where, str) else ""
    return not part or flat(f"section {part}") in flat(row.section)


def at_place(where, row) -> bool:
    if isinstance(where, int):
        return row.page == where
    heading = where.split(" > ")[-1] if where else ""
    return not heading or flat(heading) in flat(row.section)


def closest(sentence: str, rows) -> tuple[float, object]:
    want = words(sentence)
    best = (0.0, None)
    for row in rows:
        have = set(words(row.text))
        share = sum(w in have for w in want) / max(len(want), 1)
        if share > best[0]:
            best = (share, row)
    return best


ZERO_WIDTH = re.compile("[\\u200b-\\u200d\\ufeff]")
TERMINAL = re.compile(r"""[.?!:;]["'”’)\]]*$""")


def fragment_reason(row) -> str:
    """Not a whole sentence: starts lower-case mid-sentence (a sentence may start with "cloud.gov"), or ends
    without terminal punctuation while not being a list item (a row with a parent lead-in), a table row
    ("cell | cell") or a heading (the row is the last part of its own section path, or a short line of
    capitalised words such as "Task 2: CRM Application Design and Implementation")."""
    text = " ".join(row.text.split())
    if re.match(r"[a-z]", text) and not re.match(r"cloud\.gov\b", text):
        return "starts lower-case"
    last = row.section.split(" > ")[-1] if row.section else ""
    is_item = bool(row.parent) or " | " in text
    is_heading = flat(text) == flat(last) or bool(
        re.fullmatch(r"(?:Task \d+: )?[A-Z][\w/&-]*(?: (?:[A-Z][\w/&-]*|and|of|for|to|in|the))*:?", text)
    )
    if not TERMINAL.search(text) and not is_item and not is_heading:
        return "no terminal punctuation"
    if text.endswith(",") and not is_item:
        return "ends with a comma"
    return ""


def report(title: str, path: Path, annotated, n_misses: int, show_rows: bool) -> None:
    matrix = shred_files([path])
    rows = matrix.rows
    loose = [any(flat(s) in flat(r.text) and at_place(w, r) for r in rows) for w, s in annotated]
    whole = [any(flat(s) in flat(r.text) for r in rows) for w, s in annotated]
    n = len(annotated)
    print(f"\n=== {title}: {path.name}")
    if isinstance(annotated[0][0], str):
        part = [any(flat(s) in flat(r.text) and in_part(w, r) for r in rows) for w, s in annotated]
        print(f"(a') loose with only the part (A/B/C) checked: {sum(part)}/{n} = {sum(part) / n:.3f}")
    print(f"rows {len(rows)}; annotated {n}")
    zero_width = sum(1 for r in rows if ZERO_WIDTH.search(r.text))
    print(f"rows with zero-width characters: {zero_width}")
    print(
        f"(a) loose (whole sentence contained, right page/section): {sum(loose)}/{n} = {sum(loose) / n:.3f}"
    )
    print(
        f"(b) whole sentence contained in some row (any place):       {sum(whole)}/{n} = {sum(whole) / n:.3f}"
    )
    fragments = [(fragment_reason(r), r) for r in rows]
    fragments = [(why, r) for why, r in fragments if why]
    print(f"fragment rows: {len(fragments)}/{len(rows)}")
    for why, r in fragments:
        print(f"  [{why}] p{r.page} {r.section!r}: {' '.join(r.text.split())[:160]!r}")
    misses = [(w, s) for (w, s), ok in zip(annotated, whole, strict=True) if not ok]
    print(f"misses (b): {len(misses)}")
    for w, s in misses[:n_misses]:
        share, row = closest(s, rows)
        print(f"- [{w}] ANNOTATED: {s}")
        if row is None:
            print("    CLOSEST: none")
        else:
            print(
                f"    CLOSEST ({share:.0%} of its words; p{row.page} {row.section!r}; {row.type}): "
                f"{' '.join(row.text.split())}"
            )
    placed = [(w, s) for (w, s), a, b in zip(annotated, loose, whole, strict=True) if b and not a]
    if placed:
        print(f"found but not at the annotated place: {len(placed)}")
        for w, s in placed:
            hits = [r for r in rows if flat(s) in flat(r.text)]
            print(f"- [{w}] {s[:90]!r} -> {[(r.page, r.section) for r in hits]}")
    if show_rows:
        for r in rows:
            print(
                f"  {r.id} p{r.page} [{r.type}] {r.section!r} parent={r.parent!r}: {' '.join(r.text.split())}"
            )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--misses", type=int, default=1000)
    parser.add_argument("--rows", action="store_true")
    args = parser.parse_args()
    for title, path, annotated in DOCS:
        report(title, path, annotated, args.misses, args.rows)


if __name__ == "__main__":
    main()
