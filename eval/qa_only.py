"""Which answerable questions have a reference answer that only their Q&A document states.

    python eval/qa_only.py --data-dir NOQA ../shared/data/qa/.../gsa_tts_rfq_vendor_qa.jsonl \\
        [--declined decline_rate_out.jsonl]

The vendor questions are asked of a data folder without the Q&A documents their answers come from,
so some of them are not answerable there: "How many tenants is Cloud Foundry hosting?" is answered
"~50" by the government in the Q&A, and no solicitation document says so. A decline there is right,
yet `decline_rate.py` counts it as wrong. This script tells those apart, mechanically, without anyone
reading the answers: a question is **Q&A only** when its reference answer states key facts of a
checkable kind (numbers, money, dates, times, codes; `core.answer_eval.facts`) and the text of its
`context_documents`, as indexed in the data folder, states none of them
(`core/answer_eval/answerable.py`; `rfp eval answers` counts the same in its declines table). A
reference without such facts (a yes, a description) is **not judged**.

With --declined (the --out file of decline_rate.py), the wrongly declined questions are counted by
that class, so the figure can be read with and without the questions the index cannot answer.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from core.answer_eval.answerable import LACKS, classify, document_texts
from core.services import Services
from core.settings import Settings

LABELS = {"answerable": "answerable", LACKS: "Q&A only", "not judged": "not judged"}


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("questions", type=Path)
    p.add_argument("--data-dir", required=True, type=Path)
    p.add_argument("--collection", default="public")
    p.add_argument("--declined", type=Path, help="decline_rate.py --out file")
    a = p.parse_args()

    rows = [json.loads(line) for line in a.questions.read_text(encoding="utf-8").splitlines() if line.strip()]
    rows = [r for r in rows if r.get("kind") != "none"]
    services = Services(Settings(data_dir=a.data_dir, _env_file=None))
    try:
        texts = document_texts(services.store, a.collection)
    finally:
        services.close()
    classes = {
        str(r.get("id")): LABELS[
            classify(r["question"], r.get("answer") or "", r.get("context_documents") or [], texts)
        ]
        for r in rows
    }
    for name in ("answerable", "Q&A only", "not judged"):
        print(f"{name}: {sum(c == name for c in classes.values())}/{len(classes)}")
    if a.declined:
        lines = [json.loads(x) for x in a.declined.read_text(encoding="utf-8").splitlines() if x.strip()]
        declined = [x for x in lines if x.get("declined") and x.get("kind") != "none" and x["id"] in classes]
        print(f"\nwrongly declined: {len(declined)}/{len(classes)}")
        for name in ("answerable", "Q&A only", "not judged"):
            ids = [x["id"] for x in declined if classes[x["id"]] == name]
            print(f"  of them {name}: {len(ids)} {' '.join(ids)}")
        rest = [x for x in declined if classes[x["id"]] != "Q&A only"]
        judged = [i for i, c in classes.items() if c != "Q&A only"]
        print(f"wrongly declined, Q&A-only questions left out: {len(rest)}/{len(judged)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
