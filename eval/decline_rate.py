"""How often `rfp ask` declines: the share of unanswerable questions declined, or of answerable ones
wrongly declined.

    python eval/decline_rate.py --data-dir DIR eval/unanswerable.jsonl
    python eval/decline_rate.py --data-dir DIR --answerable ../shared/eval/dev_qa.jsonl
    python eval/decline_rate.py --data-dir DIR2 --answerable ../shared/data/qa/.../gsa_tts_rfq_vendor_qa.jsonl

Each line needs `question` (and `id`). Lines with `kind: none` are unanswerable; every other line,
or a line without `kind`, is answerable. By default only the lines of the kind the mode asks about
are run. The product is driven through its public CLI only (`rfp ask --extractive --json`, one
process per question): the decline decision is made before any text is generated, so extractive
mode decides it the same way and costs no model time.

--out FILE keeps one JSON line per question (id, kind, declined, reason, top source paths).
"""

from __future__ import annotations

import argparse
import json
import shlex
import subprocess
import sys
import time
from pathlib import Path


def ask(rfp: list[str], data_dir: str, question: str, timeout: float) -> dict:
    cmd = [*rfp, "--data-dir", data_dir, "ask", "--extractive", "--json", question]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    if proc.returncode != 0:
        raise RuntimeError(f"exit {proc.returncode}: {proc.stderr.strip()[-500:]}")
    out = proc.stdout
    return json.loads(out[out.index("{") :])


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("questions", type=Path)
    p.add_argument("--data-dir", required=True)
    p.add_argument(
        "--answerable",
        action="store_true",
        help="Count answerable questions wrongly declined (default: unanswerable questions declined).",
    )
    p.add_argument(
        "--rfp", default="rfp", help="The rfp command (default: rfp; e.g. '.venv/bin/python -m rfp')."
    )
    p.add_argument("--out", type=Path, help="One JSON line per question.")
    p.add_argument("--limit", type=int, default=0)
    p.add_argument("--timeout", type=float, default=600.0)
    a = p.parse_args()

    rows = [json.loads(line) for line in a.questions.read_text(encoding="utf-8").splitlines() if line.strip()]
    rows = [r for r in rows if (r.get("kind") != "none") == a.answerable]
    if a.limit:
        rows = rows[: a.limit]
    rfp = shlex.split(a.rfp)
    out = a.out.open("w", encoding="utf-8") if a.out else None
    wrong: list[tuple[str, str, str]] = []
    declined = errors = 0
    t0 = time.monotonic()
    for n, r in enumerate(rows, 1):
        qid = str(r.get("id", n))
        try:
            ans = ask(rfp, a.data_dir, r["question"], a.timeout)
        except Exception as e:  # one failed question is reported, the run goes on
            errors += 1
            print(f"{qid}: ERROR {e}", file=sys.stderr)
            if out:
                out.write(json.dumps({"id": qid, "error": str(e)}) + "\n")
            continue
        d = bool(ans["declined"])
        declined += d
        reason = (
            "; ".join(ans.get("notes") or []) if d else (ans.get("answer") or "")[:200].replace("\n", " ")
        )
        paths = [s.get("path") for s in ans.get("sources", [])[:3]]
        if d == a.answerable:  # the wrong way: declined an answerable one, or answered an unanswerable one
            wrong.append((qid, r["question"], reason))
        if out:
            out.write(
                json.dumps(
                    {"id": qid, "kind": r.get("kind"), "declined": d, "reason": reason, "top_paths": paths},
                    ensure_ascii=False,
                )
                + "\n"
            )
            out.flush()
        print(f"[{n}/{len(rows)}] {qid} {'declined' if d else 'answered'}", file=sys.stderr)
    if out:
        out.close()
    done = len(rows) - errors
    what = "answerable questions wrongly declined" if a.answerable else "unanswerable questions declined"
    print(f"\n{'Wrongly declined' if a.answerable else 'Not declined'} ({len(wrong)}):")
    for qid, q, reason in wrong:
        print(f"- {qid}: {q}\n    {'reason' if a.answerable else 'answered with'}: {reason}")
    rate = declined / done if done else 0.0
    print(
        f"\n{what}: {declined}/{done} = {rate:.3f}"
        + (f"  ({errors} errors)" if errors else "")
        + f"  [{time.monotonic() - t0:.0f}s]"
    )
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
