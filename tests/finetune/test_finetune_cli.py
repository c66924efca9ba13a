"""The Typer app as `rfp finetune` mounts it: help, settings listing, converter, runs, user errors."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from finetune.cli import app

runner = CliRunner()


def test_config_lists_every_setting_with_help():
    result = runner.invoke(app, ["config", "sft"])
    assert result.exit_code == 0, result.output
    assert "completion_only_loss" in result.output and "learning_rate" in result.output


def test_convert_qa_writes_sft_lines_with_retrieved_sources(tmp_path, embedder):
    from tests.conftest import make_services

    services = make_services(tmp_path / "data", embedder)
    doc = tmp_path / "rfq.md"
    doc.write_text(
        "# RFQ\n\n## Place of performance\n\nAll work is performed remotely from the contractor's site.\n"
    )
    services.indexer.index_file(doc, "public", display="rfq.md")
    settings = services.settings
    services.close()
    src, dst = tmp_path / "qa.jsonl", tmp_path / "out" / "sft.jsonl"
    src.write_text(
        json.dumps({"question": "Is the work performed remotely?", "answer": "Yes.", "solicitation": "X"})
        + "\n"
        + json.dumps({"id": "n2", "question": "What CMMC level is required?", "answer": "2."})
        + "\n"
    )
    result = runner.invoke(app, ["convert-qa", str(src), str(dst)], obj=settings)
    assert result.exit_code == 0, result.output
    assert "1 lines" in result.output and "n2" in result.output  # not covered: no line, and said so
    (line,) = [json.loads(x) for x in dst.read_text().splitlines()]
    assert [m["role"] for m in line["messages"]] == ["system", "user", "assistant"]
    assert (
        "[1] rfq.md, RFQ > Place of performance\n<<<\nAll work is performed remotely"
        in line["messages"][1]["content"]
    )
    assert line["messages"][-1] == {"role": "assistant", "content": "Yes."}


def test_runs_lists_complete_runs(settings, sft_run):
    result = runner.invoke(app, ["runs"], obj=settings)
    assert result.exit_code == 0, result.output
    assert sft_run.version in result.output and "complete" in result.output


def test_a_bad_setting_is_a_user_facing_error(settings):
    from core.errors import UserFacingError

    result = runner.invoke(app, ["merge", "a", "b", "--set", "densty=0.3"], obj=settings)
    assert isinstance(result.exception, UserFacingError)
    assert "unknown setting 'densty'" in str(result.exception)
