"""Merging adapters each way, and refusing runs of another model with what differs."""

from __future__ import annotations

import pytest
import torch
from safetensors.torch import load_file

from core.errors import UserFacingError
from finetune import config as cfg
from finetune.artifacts import list_runs
from finetune.merge import merge


@pytest.mark.parametrize("method", ["linear", "ties", "dare"])
def test_merge_two_adapters(settings, sft_run, dpo_run, method):
    run = merge(
        settings, cfg.MergeConfig(method=method, weights=[0.6, 0.4]), [sft_run.version, dpo_run.version]
    )
    assert run.complete and run.manifest["inputs"] == [sft_run.version, dpo_run.version]
    assert run.manifest["parent"] is None
    merged = load_file(run.adapter_dir / "adapter_model.safetensors")
    first = load_file(sft_run.adapter_dir / "adapter_model.safetensors")
    b = [k for k in merged if "lora_B" in k]
    assert b and any(float(merged[k].abs().max()) > 0 for k in b)
    assert any(not torch.equal(merged[k], first[k]) for k in b if k in first)


def test_merge_refuses_another_model_size(settings, sft_run, tiny_model_dir, sft_file, small):
    from finetune.sft import sft

    tiny = sft(
        settings,
        small(cfg.SftConfig, base_model=str(tiny_model_dir), max_steps=1, max_seq_len=512),
        [sft_file],
    )
    merges_before = len(list_runs(settings, "merge"))
    with pytest.raises(UserFacingError, match=r"num_hidden_layers: 30 vs 2"):
        merge(settings, cfg.MergeConfig(), [sft_run.version, tiny.version])
    assert len(list_runs(settings, "merge")) == merges_before, "a refused merge leaves no run behind"


def test_merge_refuses_different_lora_settings(settings, sft_run, sft_file, small):
    from finetune.sft import sft

    other = sft(settings, small(cfg.SftConfig, lora_r=2, max_steps=1, max_seq_len=512), [sft_file])
    with pytest.raises(UserFacingError, match=r"lora_r: 4 vs 2"):
        merge(settings, cfg.MergeConfig(method="ties"), [sft_run.version, other.version])
