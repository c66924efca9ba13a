"""Two-field table lookups: for GSA CALC rows, "What is {vendor}'s hourly rate for a {category}?",
and where the row holding both values ranks (docs/retrieval.md has the figures).

The questions: every row of the CALC hourly sample whose category has at most 60 characters, and
100 rows of the Schedule 70 file drawn with seed 0; the vendor named without its legal form, as a
person types it. A hit is right when its columns hold both the vendor and the category.

    python bench/table_lookups.py --data-dir DIR [-v]

DIR: a data folder with `../shared/data` (or its codes/) ingested into `public`.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
CODES = ROOT.parent / "shared" / "data" / "codes"
LEGAL_FORM = re.compile(r"[,\s]+(inc|llc|l\.l\.c|llp|ltd|corp|corporation|co|the)\.?$", re.IGNORECASE)


def spoken(name: str) -> str:
    """A company as a person names it: 'Gartner, Inc.' -> 'Gartner'."""
    name = re.sub(r"\s*\(d\.b\.a\.\).*$", "", name)
    previous = None
    while previous != name:
        previous, name = name, LEGAL_FORM.sub("", name).strip()
    return name


def pairs() -> list[tuple[str, str]]:
    out = []
    with open(CODES / "gsa_calc_hourly_prices_sample.csv", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            if len(row["Labor Category"]) <= 60:
                out.append((row["COMPANY NAME"], row["Labor Category"]))
    with open(CODES / "gsa_calc_it_schedule70_labor_rates_2017.csv", encoding="utf-8", errors="replace") as f:
        rows = list(csv.DictReader(f))
    random.Random(0).shuffle(rows)
    vendor = next(k for k in rows[0] if "VENDOR" in k.upper())
    category = next(k for k in rows[0] if "SERVICE PROPOSED" in k.upper())
    out += [(r[vendor], r[category].strip()) for r in rows[:100]]
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("-v", action="store_true", help="print the questions whose row is not first")
    args = parser.parse_args()

    from core.services import Services
    from core.settings import Settings

    services = Services(Settings(data_dir=args.data_dir, _env_file=None))
    questions = pairs()
    ranks, seconds = [], []
    for vendor, category in questions:
        question = f"What is {spoken(vendor)}'s hourly rate for a {category}?"
        started = time.perf_counter()
        hits = services.retriever.search(question, ["public"], k=10).hits
        seconds.append(time.perf_counter() - started)
        wanted = {vendor.strip(), category}
        rank = next(
            (i + 1 for i, h in enumerate(hits) if wanted <= {str(v).strip() for v in h.fields.values()}),
            None,
        )
        ranks.append(rank)
        if args.v and rank != 1:
            print(rank, question[:160])
    services.close()
    n = len(ranks)
    print(
        f"{n} questions: the row first {sum(r == 1 for r in ranks) / n:.3f}, "
        f"in the top 5 {sum(1 for r in ranks if r and r <= 5) / n:.3f}, "
        f"top 10 {sum(1 for r in ranks if r) / n:.3f}; search p50 {statistics.median(seconds) * 1000:.0f} ms"
    )


if __name__ == "__main__":
    main()
