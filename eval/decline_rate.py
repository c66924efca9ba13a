"""How often `rfp ask` declines, for several question sets in one run: the share of unanswerable
questions declined and the share of answerable ones wrongly declined, per file and per half of a
fixed split.

    python eval/decline_rate.py --data-dir FULL eval/unanswerable.jsonl ../shared/eval/dev_qa.jsonl \\
        ../shared/data/qa/gsa-tts-rfq-vendor-qa/gsa_tts_rfq_vendor_qa.jsonl@NOQA

A file is asked against `--data-dir`, or against the data folder after its `@` (the vendor questions
against a folder without their Q&A documents). Each line needs `question` (and `id`). Lines with
`kind: none` are unanswerable; every other line, or a line without `kind`, is answerable. The
questions listed in the split files (default: eval/vendor_split.json and eval/unanswerable_split.json)
are counted per half as well (`train`, `held_back`). The product is driven through its public CLI only
(`rfp ask --extractive --json`, one process per question): the decline decision is made before any
text is generated, so extractive mode decides it the same way and costs no model time.

--out FILE keeps one JSON line per question (file, id, kind, half, declined, reason, top source paths).
--answerable / --unanswerable keep only that kind of line (by default both are run).
"""

from __future__ import annotations

import argparse
import json
import shlex
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
SPLITS = [HERE / "vendor_split.json", HERE / "unanswerable_split.json"]


def ask(rfp: list[str], data_dir: str, question: str, timeout: float) -> dict:
    cmd = [*rfp, "--data-dir", data_dir, "ask", "--extractive", "--json", question]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    if proc.returncode != 0:
        raise RuntimeError(f"exit {proc.returncode}: {proc.stderr.strip()[-500:]}")
    out = proc.stdout
    return json.loads(out[out.index("{") :])


def halves(paths: list[Path]) -> dict[str, str]:
    """Question id -> the half of the split that lists it."""
    out: dict[str, str] = {}
    for path in paths:
        data = json.loads(path.read_text(encoding="utf-8"))
        for name in ("train", "held_back"):
            out.update({str(qid): name for qid in data.get(name, [])})
    return out


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("questions", nargs="+", help="FILE or FILE@DATA_DIR")
    p.add_argument("--data-dir", help="The data folder for files without @DATA_DIR.")
    kinds = p.add_mutually_exclusive_group()
    kinds.add_argument("--answerable", action="store_true", help="Only answerable lines.")
    kinds.add_argument("--unanswerable", action="store_true", help="Only unanswerable lines.")
    p.add_argument(
        "--rfp", default="rfp", help="The rfp command (default: rfp; e.g. '.venv/bin/python -m rfp')."
    )
    p.add_argument("--split", type=Path, action="append", help="A split file (repeatable).")
    p.add_argument("--out", type=Path, help="One JSON line per question.")
    p.add_argument("--limit", type=int, default=0, help="At most this many lines per file.")
    p.add_argument("--timeout", type=float, default=600.0)
    a = p.parse_args()

    half_of = halves([s for s in (a.split or SPLITS) if s.exists()])
    rfp = shlex.split(a.rfp)
    out = a.out.open("w", encoding="utf-8") if a.out else None
    counts: dict[tuple[str, str], list[int]] = {}  # (set, "unanswerable"|"answerable") -> [declined, n]
    wrong: list[tuple[str, str, str, str]] = []
    errors = 0
    t0 = time.monotonic()
    jobs = []
    for spec in a.questions:
        file, at, folder = spec.partition("@")
        data_dir = folder if at else a.data_dir
        if not data_dir:
            p.error(f"{spec}: no data folder (give --data-dir or FILE@DATA_DIR)")
        lines = Path(file).read_text(encoding="utf-8").splitlines()
        rows = [json.loads(line) for line in lines if line.strip()]
        if a.answerable or a.unanswerable:
            rows = [r for r in rows if (r.get("kind") != "none") == a.answerable]
        jobs += [(Path(file).name, data_dir, r) for r in (rows[: a.limit] if a.limit else rows)]
    for n, (name, data_dir, r) in enumerate(jobs, 1):
        qid = str(r.get("id", n))
        unanswerable = r.get("kind") == "none"
        half = half_of.get(qid)
        try:
            ans = ask(rfp, data_dir, r["question"], a.timeout)
        except Exception as e:  # one failed question is reported, the run goes on
            errors += 1
            print(f"{qid}: ERROR {e}", file=sys.stderr)
            if out:
                out.write(json.dumps({"set": name, "id": qid, "error": str(e)}) + "\n")
            continue
        declined = bool(ans["declined"])
        what = "unanswerable" if unanswerable else "answerable"
        for group in (name, f"{name} ({half})" if half else None):
            if group:
                c = counts.setdefault((group, what), [0, 0])
                c[0] += declined
                c[1] += 1
        reason = (
            "; ".join(ans.get("notes") or [])
            if declined
            else (ans.get("answer") or "")[:200].replace("\n", " ")
        )
        if declined != unanswerable:  # declined an answerable one, or answered an unanswerable one
            wrong.append((name, qid, r["question"], reason))
        if out:
            paths = [s.get("path") for s in ans.get("sources", [])[:3]]
            line = {
                "set": name,
                "id": qid,
                "kind": r.get("kind"),
                "half": half,
                "declined": declined,
                "reason": reason,
                "top_paths": paths,
            }
            out.write(json.dumps(line, ensure_ascii=False) + "\n")
            out.flush()
        print(f"[{n}/{len(jobs)}] {name} {qid} {'declined' if declined else 'answered'}", file=sys.stderr)
    if out:
        out.close()
    print(f"\nThe wrong way ({len(wrong)}):")
    for name, qid, q, reason in wrong:
        print(f"- {name} {qid}: {q}\n    {reason}")
    print()
    for (group, what), (declined, n) in sorted(counts.items()):
        label = "unanswerable declined" if what == "unanswerable" else "answerable wrongly declined"
        print(f"{group}: {label}: {declined}/{n} = {declined / n:.3f}")
    print(f"[{time.monotonic() - t0:.0f}s{f', {errors} errors' if errors else ''}]")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
