"""Instruction tuning: question -> answer pairs rendered in the base model's own chat template.

Each example becomes a conversational prompt/completion pair; trl's SFTTrainer renders it with the
tokenizer's chat template (the same template the GGUF and the Ollama Modelfile carry) and, by
default, computes the loss on the answer tokens only.
"""

from __future__ import annotations

import logging
from pathlib import Path

from core.errors import UserFacingError
from core.settings import Settings
from finetune.artifacts import Run
from finetune.base_model import base_of
from finetune.config import SftConfig
from finetune.data import read_sft
from finetune.training import complete, fit, lora_model, start, trainer_args

log = logging.getLogger(__name__)


def sft(
    settings: Settings,
    config: SftConfig,
    paths: list[Path],
    *,
    parent: str | None = None,
    resume: bool = False,
    callbacks: list | None = None,
) -> Run:
    from datasets import Dataset
    from trl import SFTConfig, SFTTrainer

    examples, data = read_sft(paths)
    base = base_of(settings, parent, config.base_model)
    run = start(settings, "sft", config, base=base, data=data, parent=parent, resume=resume)
    model, tokenizer, device = lora_model(settings, config, base, parent)
    args = SFTConfig(
        **trainer_args(config, run, device),
        max_length=config.max_seq_len,
        completion_only_loss=config.completion_only_loss,
        packing=False,
    )
    trainer = SFTTrainer(
        model=model, args=args, train_dataset=Dataset.from_list(examples), processing_class=tokenizer
    )
    if len(trainer.train_dataset) == 0:
        raise UserFacingError(
            f"sft: all {len(examples)} examples lose their whole answer at max_seq_len={config.max_seq_len} "
            f"(the prompt alone is longer); raise max_seq_len"
        )
    metrics = fit(trainer, run, resume, callbacks=callbacks, label="sft")
    metrics["examples"] = len(examples)
    return complete(run, config, model, metrics)
