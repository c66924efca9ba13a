"""Evaluation: scores, held-out perplexity and QA with a retriever, compared with the base model."""

from __future__ import annotations

import json

from rich.console import Console

from finetune import config as cfg
from finetune.artifacts import load_run
from finetune.evaluate import rouge_l, run_eval, table, token_f1

GOLD = {
    "Is the work remote?": "Work is performed remotely; the period of performance is one base year and four option years.",
    "When are quotes due?": "Quotes are due by 2:00 PM Eastern on the closing date; late quotes will not be considered.",
}


def test_scores():
    assert token_f1("The cat sat.", "a cat sat down") == 0.8
    assert rouge_l("cat sat", "cat sat down") == 0.8
    assert token_f1("", "") == 1.0 and token_f1("x", "y") == 0.0
    assert rouge_l("down sat cat", "cat sat down") < token_f1("down sat cat", "cat sat down")


def test_eval_compares_with_the_base_model_using_retrieval(settings, collection, cpt_run, tmp_path):
    qa = tmp_path / "qa.jsonl"
    qa.write_text(
        "".join(json.dumps({"question": q, "answer": a.split(";")[0]}) + "\n" for q, a in GOLD.items())
    )
    asked = []

    def retrieve(question):
        asked.append(question)
        return [GOLD[question]]

    conf = cfg.load_config(cfg.EvalConfig, max_new_tokens=8, max_seq_len=32, qa_limit=2)
    results = run_eval(settings, conf, cpt_run.version, store=collection, qa_path=qa, retrieve=retrieve)
    assert set(results) == {cpt_run.version, "base"}
    assert sorted(asked) == sorted(list(GOLD) * 2)
    for metrics in results.values():
        assert metrics["heldout_perplexity"] > 1 and metrics["qa_items"] == 2
        assert 0 <= metrics["token_f1"] <= 1 and 0 <= metrics["rouge_l"] <= 1
    assert results[cpt_run.version]["heldout_perplexity"] != results["base"]["heldout_perplexity"]
    saved = load_run(settings, cpt_run.version).manifest["metrics"]["eval"]
    assert saved["against"] == "base" and (cpt_run.dir / saved["file"]).exists()
    console = Console(record=True, width=120)
    console.print(table(results))
    assert cpt_run.version in console.export_text()
