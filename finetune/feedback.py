"""Training lines from what people said about the bot's answers (`core.feedback.FeedbackStore`).

A vote is a KTO example; a suggested answer is a DPO pair (suggested over the bot's) and an SFT
example. Each prompt is `core.prompt.build_messages` over the question, the numbered sources exactly
as the bot gave them and the conversation before it: the messages the bot sent, so training matches
use. `rfp feedback export` and the continual-adaptation job (`finetune.adapt`) write them.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from core.chat import Message
from core.errors import UserFacingError
from core.feedback import AnswerRecord, Feedback, FeedbackStore
from core.prompt import build_messages

FORMATS = ("sft", "dpo", "kto")


def prompt_messages(record: AnswerRecord) -> list[Message]:
    """The chat messages the bot sent for this answer."""
    return build_messages(record.question, record.sources, record.history)


def sft_line(item: Feedback) -> dict[str, Any]:
    return {"messages": [*prompt_messages(item.answer), {"role": "assistant", "content": item.text}]}


def dpo_line(item: Feedback) -> dict[str, Any]:
    """Conversational preference format: the prompt is the message list the model saw (system rules
    included), so alignment trains on what answering sends."""
    return {"prompt": prompt_messages(item.answer), "chosen": item.text, "rejected": item.answer.answer}


def kto_line(item: Feedback) -> dict[str, Any]:
    return {
        "prompt": prompt_messages(item.answer),
        "completion": item.answer.answer,
        "label": bool(item.helpful),
    }


def training_lines(store: FeedbackStore, fmt: str, since: dt.datetime | None = None) -> list[dict[str, Any]]:
    """JSONL lines for `finetune/`: kto from votes; dpo and sft from suggested answers (answers only,
    not drafts)."""
    if fmt not in FORMATS:
        raise UserFacingError(f"unknown format '{fmt}': use one of {', '.join(FORMATS)}")
    if fmt == "kto":
        return [kto_line(f) for f in store.feedback_since(since, ("vote",)) if f.answer.kind == "answer"]
    make = dpo_line if fmt == "dpo" else sft_line
    return [make(f) for f in store.feedback_since(since, ("suggestion",)) if f.answer.kind == "answer"]


def export(store: FeedbackStore, fmt: str, path: Path, since: dt.datetime | None = None) -> int:
    """Write the lines to `path` (replaced whole, never half-written); returns how many."""
    lines = training_lines(store, fmt, since)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".part")
    with tmp.open("w", encoding="utf-8") as f:
        for line in lines:
            f.write(json.dumps(line, ensure_ascii=False) + "\n")
    tmp.replace(path)
    return len(lines)
