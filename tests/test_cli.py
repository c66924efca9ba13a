"""The real `rfp` entry point, as a person runs it: exit codes and messages."""

from __future__ import annotations

import io
import json
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


def test_a_read_only_command_prints_all_its_output_before_its_quick_exit(tmp_path):
    """`rfp search` ends with os._exit (no module teardown): everything it printed to a pipe must
    still arrive, and an error's exit code must still be the one run_app chose."""
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "rfq.md").write_text(
        "# RFQ\n\n"
        + "".join(f"## Section {i}\n\nQuotes for lot {i} are due March {i}, 2026.\n\n" for i in range(1, 30))
    )
    data = str(tmp_path / "data")
    assert rfp("--data-dir", data, "ingest", str(folder), cwd=tmp_path).returncode == 0
    ok = rfp("--data-dir", data, "search", "When are quotes due?", "--k", "25", "--json", cwd=tmp_path)
    assert ok.returncode == 0, ok.stderr
    hits = json.loads(ok.stdout)["hits"]  # the whole document, not a cut-off buffer
    assert (
        len(ok.stdout) > io.DEFAULT_BUFFER_SIZE and hits and all(h["path"].endswith("rfq.md") for h in hits)
    )

    bad = rfp("--data-dir", data, "search", "x", "--k", "zero", cwd=tmp_path)
    assert bad.returncode == 2 and "'--k'" in bad.stderr
