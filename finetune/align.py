"""Preference alignment with trl's DPOTrainer (chosen/rejected pairs) or KTOTrainer (labelled answers).

The reference model is the policy with its adapter switched off (trl does this when handed a peft
model), so alignment costs one model in memory, not two. Measured here on CPU: both trainers run
as they are; nothing had to be re-implemented (docs/finetune.md).
"""

from __future__ import annotations

import logging
from pathlib import Path

from core.settings import Settings
from finetune.artifacts import Run
from finetune.base_model import base_of
from finetune.config import AlignConfig
from finetune.data import read_preferences
from finetune.training import complete, fit, lora_model, start, trainer_args

log = logging.getLogger(__name__)


def align(
    settings: Settings,
    config: AlignConfig,
    path: Path,
    *,
    parent: str | None = None,
    resume: bool = False,
    callbacks: list | None = None,
) -> Run:
    from datasets import Dataset
    from trl import DPOConfig, DPOTrainer, KTOConfig, KTOTrainer

    method, rows, entry = read_preferences(path, config.method)
    base = base_of(settings, parent, config.base_model)
    run = start(settings, "align", config, base=base, data=[entry], parent=parent, resume=resume)
    run.manifest["method"] = method
    model, tokenizer, device = lora_model(settings, config, base, parent)
    kwargs = trainer_args(config, run, device)
    if method == "dpo":
        args = DPOConfig(**kwargs, beta=config.beta, max_length=config.max_seq_len)
        trainer_cls = DPOTrainer
    else:
        args = KTOConfig(**kwargs, beta=config.beta, max_length=config.max_seq_len)
        trainer_cls = KTOTrainer
    trainer = trainer_cls(
        model=model, args=args, train_dataset=Dataset.from_list(rows), processing_class=tokenizer
    )
    metrics = fit(trainer, run, resume, callbacks=callbacks, label=method)
    metrics["pairs"] = len(rows)
    metrics["method"] = method
    for key in ("rewards/margins", "rewards/accuracies", "kl"):
        values = [log_[key] for log_ in trainer.state.log_history if key in log_]
        if values:
            metrics[key.replace("/", "_")] = float(values[-1])
    return complete(run, config, model, metrics)
