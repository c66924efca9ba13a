"""Merging: LoRA adapters of runs on the same model combined into one adapter (linear, TIES, DARE).

peft's `add_weighted_adapter` does the arithmetic; this module decides what may be merged. Runs on
models of another architecture or size, on other base weights, or on other parent runs are refused
with what differs, before any weight is loaded.
"""

from __future__ import annotations

import logging
import shutil
from typing import Any

from core.errors import UserFacingError
from core.settings import Settings
from finetune.artifacts import ADAPTER_DIR, Run, finish, load_run, new_run
from finetune.base_model import load_version
from finetune.config import MergeConfig, as_dict

log = logging.getLogger(__name__)

# Our name -> (peft combination_type, whether `density` applies).
METHODS: dict[str, tuple[str, bool]] = {
    "linear": ("linear", False),
    "ties": ("ties", True),
    "dare": ("dare_linear", True),
    "dare_linear": ("dare_linear", True),
    "dare_ties": ("dare_ties", True),
}


def _differences(a: dict[str, Any], b: dict[str, Any]) -> list[str]:
    return [f"{k}: {a.get(k)} vs {b.get(k)}" for k in sorted(set(a) | set(b)) if a.get(k) != b.get(k)]


def check_mergeable(runs: list[Run]) -> None:
    """Raise UserFacingError naming what differs when the runs cannot be merged."""
    if len(runs) < 2:
        raise UserFacingError("merge needs at least two runs")
    first = runs[0]
    for run in runs:
        if not (run.dir / ADAPTER_DIR).exists():
            raise UserFacingError(f"{run.version} is a {run.step} run with no adapter to merge")
    for run in runs[1:]:
        a, b = first.manifest["base_model"], run.manifest["base_model"]
        diff = _differences(a["architecture"], b["architecture"])
        if diff:
            raise UserFacingError(
                f"cannot merge {first.version} and {run.version}: different model architecture or size "
                f"({'; '.join(diff)})"
            )
        if a["sha256"] != b["sha256"]:
            raise UserFacingError(
                f"cannot merge {first.version} and {run.version}: same architecture but different base "
                f"weights ({a['name']} {a['sha256'][:12]} vs {b['name']} {b['sha256'][:12]})"
            )
        if first.manifest.get("parent") != run.manifest.get("parent"):
            raise UserFacingError(
                f"cannot merge {first.version} and {run.version}: trained on top of different runs "
                f"({first.manifest.get('parent') or 'the base model'} vs {run.manifest.get('parent') or 'the base model'})"
            )
        lora_a, lora_b = _lora(first), _lora(run)
        diff = _differences(lora_a, lora_b)
        if diff:
            raise UserFacingError(
                f"cannot merge {first.version} and {run.version}: LoRA settings differ ({'; '.join(diff)})"
            )


def _lora(run: Run) -> dict[str, Any]:
    config = run.manifest.get("config", {})
    return {"lora_r": config.get("lora_r"), "target_modules": config.get("target_modules")}


def merge(settings: Settings, config: MergeConfig, versions: list[str]) -> Run:
    """A merge run whose adapter combines the adapters of `versions`; a failed merge leaves nothing."""
    if config.method not in METHODS:
        raise UserFacingError(f"unknown merge method '{config.method}'; use one of {', '.join(METHODS)}")
    runs = [load_run(settings, v) for v in versions]
    check_mergeable(runs)
    weights = config.weights or [1.0 / len(runs)] * len(runs)
    if len(weights) != len(runs):
        raise UserFacingError(f"{len(weights)} weights for {len(runs)} runs; give one weight per run")
    base, parent = runs[0].manifest["base_model"], runs[0].manifest.get("parent")
    data = [
        {
            "source": f"run:{r.version}",
            "sha256": r.manifest["data"][0].get("sha256") if r.manifest["data"] else None,
        }
        for r in runs
    ]
    run = new_run(
        settings,
        "merge",
        base=base,
        data=data,
        config=as_dict(config),
        parent=parent,
        extra={"inputs": [r.version for r in runs]},
    )
    try:
        _combine(settings, config, runs, weights, run)
    except BaseException:
        shutil.rmtree(run.dir, ignore_errors=True)
        raise
    return finish(
        run, {"method": config.method, "weights": weights, "inputs": len(runs)}, {"adapter": ADAPTER_DIR}
    )


def _combine(
    settings: Settings, config: MergeConfig, runs: list[Run], weights: list[float], run: Run
) -> None:
    """Load every input adapter on the shared parent, combine them, save only the result."""
    import torch
    from peft import PeftModel

    combination, uses_density = METHODS[config.method]
    torch.manual_seed(config.seed)
    model = load_version(settings, run.manifest["parent"], run.manifest["base_model"])
    names = [f"in{i}" for i in range(len(runs))]
    peft_model = PeftModel.from_pretrained(model, str(runs[0].dir / ADAPTER_DIR), adapter_name=names[0])
    for name, other in zip(names[1:], runs[1:], strict=True):
        peft_model.load_adapter(str(other.dir / ADAPTER_DIR), adapter_name=name)
    kwargs: dict[str, Any] = {"combination_type": combination}
    if uses_density:
        kwargs["density"] = config.density
    if combination in ("ties", "dare_ties"):
        kwargs["majority_sign_method"] = config.majority_sign_method
    peft_model.add_weighted_adapter(names, weights, "merged", **kwargs)
    peft_model.set_adapter("merged")
    for name in names:
        peft_model.delete_adapter(name)
    tmp = run.dir / "adapter.tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    peft_model.save_pretrained(str(tmp), selected_adapters=["merged"])
    saved = tmp / "merged" if (tmp / "merged").exists() else tmp
    saved.rename(run.dir / ADAPTER_DIR)
    shutil.rmtree(tmp, ignore_errors=True)
