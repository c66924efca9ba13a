"""A full continual-adaptation cycle on a tiny corpus, training for real: what is new is found, the
steps train, the gate decides, promotion and rollback move the registry's current model."""

from __future__ import annotations

import json
import shutil

import pytest

from core.feedback import AnswerRecord, FeedbackStore
from core.registry import Registry
from finetune.adapt import AdaptConfig, gate, plan, run_adapt
from finetune.artifacts import load_run
from finetune.tools import tools_dir
from tests.conftest import make_services

SMALL = ["max_steps=2", "batch_size=2", "max_seq_len=64", "lora_r=4", "lora_alpha=8"]
STEP_SETS = {
    "cpt": SMALL,
    "sft": [*SMALL, "max_seq_len=384"],
    "align": [*SMALL, "max_seq_len=384"],
    "eval": ["max_seq_len=64", "max_heldout_tokens=256", "max_new_tokens=8"],
    "export": ["quantization=none"],
}


@pytest.fixture
def world(tmp_path, embedder, converter):
    services = make_services(tmp_path / "data", embedder)
    shutil.copytree(converter.parent, tools_dir(services.settings))
    docs = tmp_path / "docs"
    docs.mkdir()
    texts = {
        "pws.md": "# PWS\n\nThe contractor shall operate the benefits portal and deliver monthly status reports. "
        "Severity 1 incidents get a response within 30 minutes.\n",
        "rfq.md": "# RFQ\n\nQuotes are due by 2:00 PM Eastern Time on March 16, 2026. The technical volume is "
        "limited to 15 pages in 12-point font.\n",
        "qasp.md": "# QASP\n\nThe COR reviews each sprint's work against the acceptable quality levels.\n",
    }
    for name, text in texts.items():
        (docs / name).write_text(text)
        services.indexer.index_file(docs / name, "public")
    old = docs / "old_rates.md"
    old.write_text("# Old rates\n\nEXPIREDSENTINEL our 2019 rates were withdrawn.\n")
    services.indexer.index_file(old, "public", tags={"status": "expired"})

    feedback = FeedbackStore(services.settings.feedback_path)
    answer = services.answerer.answer("When are quotes due?", ["public"], extractive=True)
    record = AnswerRecord.from_answer(
        answer, user="W1", channel="C1", thread_ts="1.0", message_ts="1.1", history=[], collections=["public"]
    )
    feedback.record_answer(record)
    feedback.vote(record.id, "W1", False)
    feedback.suggest(record.id, "W1", "Quotes are due by 2:00 PM Eastern Time on March 16, 2026 [1].")
    yield services, feedback, docs
    feedback.close()
    services.close()


def test_adapt_cycle_promotes_then_gates_then_rolls_back(world):
    services, feedback, docs = world
    settings = services.settings
    registry = Registry(settings.models_dir)

    p = plan(settings, AdaptConfig(), feedback, services.manifest)
    assert [s for s, _ in p.steps] == ["cpt", "sft", "align"] and len(p.new_documents) == 4

    qa = docs.parent / "qa.jsonl"
    qa.write_text(
        json.dumps({"question": "When are quotes due?", "answer": "2:00 PM Eastern Time on March 16, 2026"})
        + "\n"
    )
    gate = AdaptConfig(max_perplexity_increase=10.0, max_qa_drop=1.0, qa_file=str(qa))
    passed = run_adapt(settings, gate, services, feedback, STEP_SETS)
    assert passed.promoted, passed.reason
    for scores in passed.results.values():  # the answer benchmark's figures, through the bot's answer path
        assert scores["bench_questions"] == 1 and scores["answered"] == 1
        assert {"key_fact_agreement", "citation_support", "wrong_confident"} <= set(scores)
        assert "token_f1" not in scores  # promotion is decided on the benchmark only
    decided = json.loads((settings.models_dir / "adapt.jsonl").read_text().splitlines()[0])
    assert "bench_answers" not in json.dumps(decided)  # per-answer details stay in the eval file
    current = registry.current()
    assert current.version == passed.exported and current.gguf_path.exists()
    tip = load_run(settings, passed.candidate)
    assert tip.step == "align"  # cpt -> sft -> align, each on top of the previous
    cpt_run = load_run(settings, current.manifest["adapt"]["knowledge"])
    assert (
        cpt_run.step == "cpt" and cpt_run.manifest["data"][0]["excluded_chunks"] >= 1
    )  # expired: never trained
    assert set(passed.results) == {passed.candidate, "base"}

    nothing = run_adapt(settings, AdaptConfig(), services, feedback, STEP_SETS)
    assert not nothing.promoted and nothing.reason == "nothing new to learn"

    (docs / "amendment.md").write_text("# Amendment 0001\n\nQuotes are now due on March 23, 2026.\n")
    services.indexer.index_file(docs / "amendment.md", "public")
    strict = AdaptConfig(steps=["cpt"], max_perplexity_increase=-0.999)  # must get 1000x better: fails
    failed = run_adapt(settings, strict, services, feedback, STEP_SETS)
    assert not failed.promoted and "held-out perplexity" in failed.reason
    assert registry.current().version == passed.exported, "a failed gate leaves the current model"
    merged = load_run(settings, failed.candidate)
    assert merged.step == "merge" and cpt_run.version in merged.manifest["inputs"]  # old knowledge kept

    log = (settings.models_dir / "adapt.jsonl").read_text().splitlines()
    assert len(log) == 3
    assert registry.rollback() is None and registry.current() is None  # back to the packaged base


def _figures(agreement, support, wrong, invented=0, ppl=10.0):
    return {
        "bench_questions": 68,
        "key_fact_agreement": agreement,
        "citation_support": support,
        "wrong_confident": wrong,
        "invented_citations": invented,
        "heldout_perplexity": ppl,
    }


def test_gate_decides_on_the_answer_benchmark():
    config = AdaptConfig()
    current = _figures(0.40, 0.80, 5)

    def decide(candidate):
        return gate({"new": candidate, "old": current}, "new", "old", config)

    assert decide(_figures(0.45, 0.90, 4, ppl=50.0)) == (True, "answers not worse than the current model's")
    ok, why = decide(_figures(0.39, 0.95, 3))
    assert not ok and why == "key-fact agreement 0.390 < 0.400 allowed"
    ok, why = decide(_figures(0.50, 0.79, 3))
    assert not ok and why == "citation support 0.790 < 0.800 allowed"
    ok, why = decide(_figures(0.50, 0.95, 6))
    assert not ok and why == "wrong-but-confident answers 6 > 5 allowed"
    ok, why = decide(_figures(0.50, 0.95, 5, invented=1))
    assert not ok and "invented citations 1 > 0" in why
    ok, why = decide(_figures(None, 0.95, 0))  # answered nothing with key facts: cannot be judged
    assert not ok and "key-fact agreement cannot be judged" in why
    loose = AdaptConfig(max_agreement_drop=0.05, max_wrong_increase=1)
    assert gate({"new": _figures(0.36, 0.80, 6), "old": current}, "new", "old", loose)[0]
    # without the benchmark (no QA file) held-out perplexity still decides
    assert not gate(
        {"new": {"heldout_perplexity": 12.0}, "old": {"heldout_perplexity": 10.0}}, "new", "old", config
    )[0]
