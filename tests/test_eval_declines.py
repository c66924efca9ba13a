"""The answer benchmark prints issue 14's decline figures in one run: question files asked of
different data folders (FILE@DIR, as the vendor questions are asked of a folder without their Q&A
documents), counted per file and per half of a split, through the real `rfp` command."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.test_declines import HARBOR_RFQ, LIGHTHOUSE_RFQ

ROOT = Path(__file__).resolve().parents[1]


def rfp(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "rfp", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=600,
        env={"PATH": "/usr/bin:/bin", "HF_HUB_OFFLINE": "1", "PYTHONPATH": str(ROOT)},
    )


def write_jsonl(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


def test_files_asked_of_their_own_data_folders_with_declines_per_file_and_half(tmp_path):
    folders = {}
    for name, text in (("harbor", HARBOR_RFQ), ("lighthouse", LIGHTHOUSE_RFQ)):
        source = tmp_path / "files" / f"{name}-2025" / "RFQ.md"
        source.parent.mkdir(parents=True)
        source.write_text(text)
        folders[name] = tmp_path / f"data-{name}"
        done = rfp("--data-dir", str(folders[name]), "ingest", str(source.parent), cwd=tmp_path)
        assert done.returncode == 0, done.stdout + done.stderr
    # The harbor questions are answerable in the harbor folder; the same NAICS question about the
    # lighthouse RFQ is not answerable in the lighthouse folder (its RFQ states no NAICS code).
    harbor = write_jsonl(
        tmp_path / "harbor.jsonl",
        [
            {
                "id": "h1",
                "question": "What NAICS code applies to the Harbor Analytics Platform RFQ1111111?",
                "answer": "NAICS 541512.",
                "context_documents": ["RFQ.md"],
            },
            {"id": "h2", "question": "When are quotes due for the Harbor Analytics Platform RFQ1111111?"},
            # Answerable in a Q&A document this folder lacks: no document here says 14.
            {
                "id": "h3",
                "question": "How many vendors attended the Harbor Analytics Platform industry day?",
                "answer": "14 vendors attended.",
                "context_documents": ["RFQ.md"],
            },
        ],
    )
    lighthouse = write_jsonl(
        tmp_path / "lighthouse.jsonl",
        [
            {
                "id": "l1",
                "question": "What NAICS code applies to the Lighthouse Records Modernization RFQ2222222?",
                "kind": "none",
            },
            {
                "id": "l2",
                "question": "Which company was awarded the Lighthouse Records Modernization order?",
                "kind": "none",
            },
        ],
    )
    split = tmp_path / "split.json"
    split.write_text(json.dumps({"train": ["h1", "l1"], "held_back": ["h2", "l2"]}))
    details = tmp_path / "details.jsonl"
    run = rfp(
        "--data-dir",
        str(folders["harbor"]),
        "eval",
        "answers",
        str(harbor),
        f"{lighthouse}@{folders['lighthouse']}",
        "--no-generated",
        "--baseline",
        "extractive",
        "--by-split",
        "--split-file",
        str(split),
        "--json",
        "--details",
        str(details),
        cwd=tmp_path,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    declines = json.loads(run.stdout)["declines"]
    # h3 is declined; its folder states none of its reference's facts, so the last count leaves it out.
    assert declines["harbor.jsonl"] == {
        "unanswerable": 0,
        "unanswerable_declined": 0,
        "answerable": 3,
        "wrongly_declined": 1,
        "answerable_in_folder": 2,
        "wrongly_declined_in_folder": 0,
    }
    assert declines["lighthouse.jsonl"]["unanswerable_declined"] == 2
    assert declines["lighthouse.jsonl (held_back)"] == {
        "unanswerable": 1,
        "unanswerable_declined": 1,
        "answerable": 0,
        "wrongly_declined": 0,
        "answerable_in_folder": 0,
        "wrongly_declined_in_folder": 0,
    }
    assert declines["all"]["unanswerable"] == 2 and declines["all"]["answerable"] == 3

    # The table a person reads, from the same answers (no data folder needed to score them again).
    table = rfp("eval", "answers", "--rescore", str(details), cwd=tmp_path)
    assert table.returncode == 0, table.stderr
    rows = [line for line in table.stdout.splitlines() if "lighthouse.jsonl" in line]
    assert any("(held_back)" in line and "1/1 = 1.000" in line for line in rows), table.stdout
    harbor_row = next(line for line in table.stdout.splitlines() if line.startswith("│ harbor.jsonl "))
    assert "1/3 = 0.333" in harbor_row and "0/2 = 0.000" in harbor_row, table.stdout
