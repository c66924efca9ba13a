"""cpt, sft and align really train (two LoRA steps on the real 135M model) and leave complete runs."""

from __future__ import annotations

import json
import math

import pytest
from safetensors.torch import load_file
from transformers import TrainerCallback

from core.errors import UserFacingError
from finetune import config as cfg
from finetune.artifacts import list_runs, load_run


def lora_weights(run):
    return load_file(run.adapter_dir / "adapter_model.safetensors")


def assert_trained(run, steps=2):
    """Finite loss, the planned steps, and LoRA B matrices (initialized to zero) moved."""
    m = run.manifest
    assert run.complete and m["metrics"]["steps"] == steps
    assert math.isfinite(m["metrics"]["final_loss"]) and math.isfinite(m["metrics"]["train_loss"])
    weights = lora_weights(run)
    b = [t for k, t in weights.items() if "lora_B" in k]
    assert b and any(float(t.abs().max()) > 0 for t in b), "LoRA B weights did not change"
    assert not run.checkpoint_dir.exists()
    saved = json.loads((run.dir / "manifest.json").read_text())
    for key in ("base_model", "data", "config", "metrics", "libraries", "created_at", "parent"):
        assert key in saved
    assert len(saved["base_model"]["sha256"]) == 64
    assert {"torch", "transformers", "peft", "trl"} <= set(saved["libraries"])


def test_cpt_trains_on_live_unexpired_text_split_by_document(cpt_run):
    run = cpt_run
    assert_trained(run)
    train, heldout = run.manifest["data"]
    assert train["excluded_chunks"] == 1
    assert "doc-old" not in train["doc_ids"] + heldout["doc_ids"]
    assert heldout["documents"] == 1 and not set(train["doc_ids"]) & set(heldout["doc_ids"])
    assert len(train["sha256"]) == 64
    assert math.isfinite(run.manifest["metrics"]["heldout_perplexity"])


class Interrupted(Exception):
    pass


class StopAt(TrainerCallback):
    def __init__(self, step):
        self.step = step

    def on_step_end(self, args, state, control, **kwargs):
        if state.global_step >= self.step:
            raise Interrupted(f"simulated interruption at step {state.global_step}")


def test_cpt_resumes_from_the_last_checkpoint(settings, base, collection, small):
    from finetune.cpt import cpt

    conf = small(cfg.CptConfig, max_steps=3, save_steps=1, heldout_fraction=0.34)
    with pytest.raises(Interrupted):
        cpt(settings, conf, collection, callbacks=[StopAt(2)])
    pending = [r for r in list_runs(settings, "cpt") if not r.complete]
    assert pending and any(pending[-1].checkpoint_dir.glob("checkpoint-*"))
    run = cpt(settings, conf, collection, resume=True)
    assert run.version == pending[-1].version
    assert run.manifest["metrics"]["resumed"] and run.manifest["metrics"]["steps"] == 3
    with pytest.raises(Interrupted):
        cpt(
            settings,
            small(cfg.CptConfig, max_steps=4, save_steps=1, heldout_fraction=0.34),
            collection,
            callbacks=[StopAt(1)],
        )
    with pytest.raises(UserFacingError, match=r"settings differ \(max_steps\)"):
        cpt(
            settings,
            small(cfg.CptConfig, max_steps=5, save_steps=1, heldout_fraction=0.34),
            collection,
            resume=True,
        )


def test_sft_trains_in_the_chat_template(sft_run):
    assert_trained(sft_run)
    assert sft_run.manifest["metrics"]["examples"] == 3
    assert sft_run.manifest["data"][0]["records"] == 3


def test_dpo_trains(dpo_run):
    assert_trained(dpo_run)
    assert dpo_run.manifest["metrics"]["method"] == "dpo"


def test_kto_trains(settings, base, kto_file, small):
    from finetune.align import align

    run = align(settings, small(cfg.AlignConfig, max_seq_len=128), kto_file)
    assert_trained(run)
    assert run.manifest["metrics"]["method"] == "kto"


def test_sft_on_top_of_a_run_records_its_parent(settings, sft_run, sft_file, small):
    from finetune.sft import sft

    child = sft(
        settings, small(cfg.SftConfig, max_seq_len=512, max_steps=1), [sft_file], parent=sft_run.version
    )
    assert child.manifest["parent"] == sft_run.version
    assert load_run(settings, child.version).manifest["base_model"] == sft_run.manifest["base_model"]
