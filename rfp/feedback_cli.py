"""`rfp feedback export`: the feedback people gave the bot's answers in Slack, as training lines.

The bot stores the feedback (`core.feedback`); fine-tuning owns the line formats
(`finetune.feedback`); this command composes the two.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from core.cli_support import get_settings
from core.feedback import FeedbackStore
from finetune.feedback import export as export_lines

app = typer.Typer(
    add_completion=False, no_args_is_help=True, help="Feedback people gave the bot's answers in Slack."
)


class Format(StrEnum):
    kto = "kto"
    dpo = "dpo"
    sft = "sft"


@app.command("export")
def export(
    ctx: typer.Context,
    format: Annotated[
        Format, typer.Option("--format", "-f", help="kto: votes; dpo and sft: suggested answers.")
    ],
    out: Annotated[
        Path | None, typer.Option(help="Output JSONL (default DATA_DIR/feedback/FORMAT.jsonl).")
    ] = None,
    since: Annotated[dt.datetime | None, typer.Option(help="Only feedback after this time (UTC).")] = None,
) -> None:
    """Write the feedback as training lines for `rfp finetune` (KTO, DPO or SFT JSONL)."""
    settings = get_settings(ctx)
    path = out or settings.data_dir / "feedback" / f"{format.value}.jsonl"
    store = FeedbackStore(settings.feedback_path)
    try:
        count = export_lines(store, format.value, path, since)
    finally:
        store.close()
    typer.echo(f"wrote {count} {format.value.upper()} line(s) to {path}")
    if count == 0:
        what = "votes" if format is Format.kto else "suggested answers"
        typer.echo(f"note: no {what} yet" + (f" after {since.isoformat()}" if since else ""), err=True)
