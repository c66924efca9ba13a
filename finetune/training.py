"""What the three LoRA steps share: the run folder, the LoRA model, the Trainer arguments, resuming.

cpt uses transformers' Trainer; sft and align use trl's trainers, which are Trainers too, so every
step gets the same progress display, checkpoints and `--resume` (the Trainer restores the adapter,
the optimizer, the scheduler and the data order from the last checkpoint).
"""

from __future__ import annotations

import logging
import math
import shutil
from pathlib import Path
from typing import Any

from core.errors import UserFacingError
from core.settings import Settings
from finetune.artifacts import ADAPTER_DIR, Run, finish, latest_unfinished, new_run
from finetune.base_model import load_tokenizer, load_version, pick_device
from finetune.config import ALL_LINEAR, TrainConfig, as_dict
from finetune.progress import RichProgress

log = logging.getLogger(__name__)


def start(
    settings: Settings,
    step: str,
    config: TrainConfig,
    *,
    base: dict[str, Any],
    data: list[dict[str, Any]],
    parent: str | None,
    resume: bool,
) -> Run:
    """A new run folder, or the newest unfinished run of `step` when resuming (same data, same config)."""
    if not resume:
        return new_run(settings, step, base=base, data=data, config=as_dict(config), parent=parent)
    run = latest_unfinished(settings, step)
    before = run.manifest
    if [d.get("sha256") for d in before["data"]] != [d.get("sha256") for d in data]:
        raise UserFacingError(
            f"cannot resume {run.version}: its training data changed since; start a new run"
        )
    if before["config"] != as_dict(config):
        changed = sorted(k for k, v in as_dict(config).items() if before["config"].get(k) != v)
        raise UserFacingError(f"cannot resume {run.version}: settings differ ({', '.join(changed)})")
    if before.get("parent") != parent:
        raise UserFacingError(f"cannot resume {run.version}: it was started from {before.get('parent')}")
    log.info("resuming %s", run.version)
    return run


def set_threads(config: TrainConfig) -> None:
    import torch

    if config.threads:
        torch.set_num_threads(config.threads)


def lora_model(settings: Settings, config: TrainConfig, base: dict[str, Any], parent: str | None):
    """(peft model, tokenizer, device): the parent's weights (or the base) with fresh LoRA adapters."""
    import torch
    from peft import LoraConfig, get_peft_model

    set_threads(config)
    device = pick_device(config.device)
    torch.manual_seed(config.seed)
    tokenizer = load_tokenizer(base["hf_dir"])
    model = load_version(settings, parent, base, device)
    targets: str | list[str] = ALL_LINEAR if config.target_modules == [ALL_LINEAR] else config.target_modules
    lora = LoraConfig(
        r=config.lora_r,
        lora_alpha=config.lora_alpha,
        lora_dropout=config.lora_dropout,
        target_modules=targets,
        task_type="CAUSAL_LM",
    )
    return get_peft_model(model, lora), tokenizer, device


def trainer_args(config: TrainConfig, run: Run, device: str) -> dict[str, Any]:
    """Keyword arguments for TrainingArguments (or a trl config, which extends it)."""
    return {
        "output_dir": str(run.checkpoint_dir),
        "per_device_train_batch_size": config.batch_size,
        "gradient_accumulation_steps": config.grad_accum,
        "learning_rate": config.learning_rate,
        "lr_scheduler_type": config.lr_scheduler,
        "warmup_steps": config.warmup_ratio,
        "weight_decay": config.weight_decay,
        "max_grad_norm": config.max_grad_norm,
        "max_steps": config.max_steps if config.max_steps > 0 else -1,
        "num_train_epochs": config.epochs,
        "logging_steps": 1,
        "save_strategy": "steps",
        "save_steps": config.save_steps,
        "save_total_limit": 1,
        "report_to": [],
        "disable_tqdm": True,
        "use_cpu": device == "cpu",
        "bf16": device == "cuda" and _bf16(),
        "seed": config.seed,
        "data_seed": config.seed,
        "include_num_input_tokens_seen": "non_padding",
        "gradient_checkpointing": False,
        "dataloader_num_workers": 0,
    }


def _bf16() -> bool:
    import torch

    return torch.cuda.is_available() and torch.cuda.is_bf16_supported()


def fit(trainer, run: Run, resume: bool, label: str, callbacks: list | None = None) -> dict[str, Any]:
    """Train with the progress display; metrics for the manifest. Resumes from the last checkpoint.

    `callbacks` are extra TrainerCallbacks (a caller's own progress report, or a test's interruption)."""
    from transformers.trainer_callback import PrinterCallback

    progress = RichProgress(f"{label} {run.version}")
    trainer.remove_callback(PrinterCallback)
    trainer.add_callback(progress)
    for callback in callbacks or []:
        trainer.add_callback(callback)
    checkpoint = resume and any(run.checkpoint_dir.glob("checkpoint-*"))
    if resume and not checkpoint:
        log.warning("%s has no checkpoint yet; training from the start", run.version)
    try:
        output = trainer.train(resume_from_checkpoint=True if checkpoint else None)
    finally:
        if progress.progress is not None:
            progress.progress.stop()
    if not math.isfinite(progress.final_loss):
        raise UserFacingError(
            f"{run.version}: the loss is not finite ({progress.final_loss}); lower learning_rate"
        )
    return {
        "steps": trainer.state.global_step,
        "train_loss": float(output.training_loss),
        "final_loss": progress.final_loss,
        "losses": [round(x, 5) for x in progress.losses],
        "tokens": int(trainer.state.num_input_tokens_seen),
        "tokens_per_s": round(progress.tokens_per_s, 2),
        "step_seconds": [round(x, 3) for x in progress.step_seconds],
        "train_runtime_s": round(float(output.metrics.get("train_runtime", 0.0)), 2),
        "resumed": bool(checkpoint),
    }


def save_adapter(model, run: Run) -> dict[str, str]:
    """Adapter weights into the run folder (written beside, then moved into place)."""
    tmp = run.dir / (ADAPTER_DIR + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    model.save_pretrained(str(tmp))
    target = run.dir / ADAPTER_DIR
    shutil.rmtree(target, ignore_errors=True)
    Path(tmp).rename(target)
    return {"adapter": ADAPTER_DIR}


def complete(run: Run, config: TrainConfig, model, metrics: dict[str, Any]) -> Run:
    files = save_adapter(model, run)
    finish(run, metrics, files)
    if not config.keep_checkpoints:
        shutil.rmtree(run.checkpoint_dir, ignore_errors=True)
    return run
