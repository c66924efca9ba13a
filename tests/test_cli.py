"""The real `rfp` entry point, as a person runs it: exit codes and messages."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def rfp(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "rfp", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
        env={"PATH": "/usr/bin:/bin", "HF_HUB_OFFLINE": "1", "PYTHONPATH": str(ROOT)},
    )


def test_ingest_exits_1_when_a_file_failed_and_names_it(tmp_path):
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "rfq.md").write_text("# RFQ\n\nQuotes are due March 16, 2026.\n")
    (folder / "broken.pdf").write_bytes(b"%PDF-1.4 this is not a pdf")
    result = rfp("--data-dir", str(tmp_path / "data"), "ingest", str(folder), cwd=tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "broken.pdf" in result.stdout + result.stderr

    ok = rfp("--data-dir", str(tmp_path / "data"), "search", "When are quotes due?", "--json", cwd=tmp_path)
    assert ok.returncode == 0, ok.stderr
    assert "rfq.md" in ok.stdout


def test_a_usage_mistake_gets_usage_help_not_an_internal_error(tmp_path):
    result = rfp("search", "x", "--no-such-option", cwd=tmp_path)
    assert result.returncode == 2
    assert "No such option" in result.stderr and "internal error" not in result.stderr
