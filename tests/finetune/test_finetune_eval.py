"""Evaluation: scores, held-out perplexity and QA through the bot's answer path (the real Answerer
over the real Retriever), compared with the base model."""

from __future__ import annotations

import json

import pytest
from rich.console import Console

from core.errors import UserFacingError
from core.prompt import SYSTEM_PROMPT
from core.retrieval import Retriever
from finetune import config as cfg
from finetune.artifacts import load_run
from finetune.evaluate import rouge_l, run_eval, table, token_f1

REFERENCES = {
    "Is the work remote?": "Work is performed remotely",
    "When are quotes due?": "Quotes are due by 2:00 PM Eastern on the closing date",
}


def test_scores():
    assert token_f1("The cat sat.", "a cat sat down") == 0.8
    assert rouge_l("cat sat", "cat sat down") == 0.8
    assert token_f1("", "") == 1.0 and token_f1("x", "y") == 0.0
    assert rouge_l("down sat cat", "cat sat down") < token_f1("down sat cat", "cat sat down")


def test_eval_compares_with_the_base_model_through_the_answer_path(
    settings, collection, cpt_run, embedder, tmp_path
):
    qa = tmp_path / "qa.jsonl"
    qa.write_text("".join(json.dumps({"question": q, "answer": a}) + "\n" for q, a in REFERENCES.items()))
    conf = cfg.load_config(cfg.EvalConfig, max_new_tokens=8, max_seq_len=32, qa_limit=2)
    results = run_eval(
        settings,
        conf,
        cpt_run.version,
        store=collection,
        qa_path=qa,
        retriever=Retriever(collection, embedder),
    )
    assert set(results) == {cpt_run.version, "base"}
    for metrics in results.values():
        assert metrics["heldout_perplexity"] > 1 and metrics["qa_items"] == 2
        assert 0 <= metrics["token_f1"] <= 1 and 0 <= metrics["rouge_l"] <= 1
        shares = [metrics[f"{m}_share"] for m in ("generated", "extractive", "declined")]
        assert sum(shares) == 1.0
        by_question = {a["question"]: a for a in metrics["answers"]}
        assert set(by_question) == set(REFERENCES)
        remote = by_question["Is the work remote?"]
        # Answered as the bot answers: the hybrid retriever's sources, numbered and labelled, in the
        # bot's prompt; the answer checked against them (8 tokens verify nothing: quotes replace them).
        assert remote["mode"] == "extractive" and remote["raw"]
        assert "rfp/cloudgov/PWS.md, page 1" in remote["sources"]
        assert remote["prompt"][0]["content"] == SYSTEM_PROMPT
        assert "Question: Is the work remote?" in remote["prompt"][-1]["content"]
        assert "performed remotely" in remote["answer"] and remote["f1"] > 0
        assert "EXPIREDSENTINEL" not in json.dumps(remote), "expired documents are never sources"
    assert results[cpt_run.version]["heldout_perplexity"] != results["base"]["heldout_perplexity"]
    saved = load_run(settings, cpt_run.version).manifest["metrics"]["eval"]
    assert saved["against"] == "base" and (cpt_run.dir / saved["file"]).exists()
    assert "answers" not in saved["results"][cpt_run.version], (
        "the manifest keeps the figures, the file the answers"
    )
    written = json.loads((cpt_run.dir / saved["file"]).read_text())
    assert written["results"][cpt_run.version]["answers"][0]["prompt"]
    console = Console(record=True, width=160)
    console.print(table(results))
    assert cpt_run.version in console.export_text()


def test_qa_without_the_retriever_is_a_user_facing_error(settings, cpt_run, tmp_path):
    qa = tmp_path / "qa.jsonl"
    qa.write_text(json.dumps({"question": "Is the work remote?", "answer": "Yes."}) + "\n")
    conf = cfg.load_config(cfg.EvalConfig, qa_limit=1)
    with pytest.raises(UserFacingError, match="needs the retriever"):
        run_eval(settings, conf, cpt_run.version, qa_path=qa)
