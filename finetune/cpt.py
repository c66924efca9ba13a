"""Continued pretraining: LoRA on the text of an ingested collection, read back from the store.

What was ingested is what is trained on: live chunks only, minus those tagged status=expired or
status=withdrawn, joined back into documents. Documents (not chunks) are split into train and
held-out, so no held-out page was ever seen in training; the held-out perplexity is measured after
training and written into the manifest.
"""

from __future__ import annotations

import logging

from core.errors import UserFacingError
from core.settings import Settings
from core.store import Store
from finetune.artifacts import Run
from finetune.base_model import base_of
from finetune.config import CptConfig
from finetune.data import documents_digest, pack_blocks, read_documents, split_documents
from finetune.training import complete, fit, lora_model, start, trainer_args

log = logging.getLogger(__name__)


def cpt(
    settings: Settings,
    config: CptConfig,
    store: Store,
    *,
    parent: str | None = None,
    resume: bool = False,
    callbacks: list | None = None,
) -> Run:
    from datasets import Dataset
    from transformers import Trainer, TrainingArguments, default_data_collator

    from finetune.evaluate import perplexity

    collection = config.collection or settings.collection
    docs, dropped = read_documents(store, collection, config.excluded_statuses)
    if not docs:
        raise UserFacingError(f"collection '{collection}' has no live text to train on")
    train_docs, heldout = split_documents(docs, config.heldout_fraction, config.seed)
    if not train_docs:
        raise UserFacingError(
            f"collection '{collection}': every document is held out; lower heldout_fraction"
        )
    data = [
        {
            "source": f"collection:{collection}",
            "split": "train",
            "sha256": documents_digest(train_docs),
            "documents": len(train_docs),
            "chunks": sum(d.chunks for d in train_docs),
            "excluded_chunks": dropped,
            "doc_ids": [d.doc_id for d in train_docs],
        },
        {
            "source": f"collection:{collection}",
            "split": "heldout",
            "sha256": documents_digest(heldout),
            "documents": len(heldout),
            "chunks": sum(d.chunks for d in heldout),
            "doc_ids": [d.doc_id for d in heldout],
        },
    ]
    base = base_of(settings, parent, config.base_model)
    run = start(settings, "cpt", config, base=base, data=data, parent=parent, resume=resume)
    model, tokenizer, device = lora_model(settings, config, base, parent)
    blocks = pack_blocks(tokenizer, [d.text for d in train_docs], config.max_seq_len)
    log.info("cpt: %d documents, %d blocks of %d tokens", len(train_docs), len(blocks), config.max_seq_len)
    trainer = Trainer(
        model=model,
        # Blocks are packed without padding: every token counts.
        args=TrainingArguments(
            **{**trainer_args(config, run, device), "include_num_input_tokens_seen": "all"}
        ),
        train_dataset=Dataset.from_dict({"input_ids": blocks, "labels": blocks}),
        data_collator=default_data_collator,
    )
    metrics = fit(trainer, run, resume, callbacks=callbacks, label="cpt")
    metrics["train_blocks"] = len(blocks)
    if heldout:
        metrics["heldout_perplexity"] = perplexity(
            model,
            tokenizer,
            [d.text for d in heldout],
            config.max_seq_len,
            device=device,
            max_tokens=config.heldout_max_tokens,
        )
    return complete(run, config, model, metrics)
