"""`rfp`: the one command. Sub-commands come from each part's own Typer app; this module only
composes them, builds Settings once and turns UserFacingError into a clean message and exit code."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from core.cli_support import run_app
from core.errors import UserFacingError
from core.settings import Settings

app = typer.Typer(
    no_args_is_help=True,
    add_completion=False,
    help="RFP copilot: ingest your RFPs and proposals, ask cited questions, run the Slack bot, fine-tune.",
)


@app.callback()
def root(
    ctx: typer.Context,
    data_dir: Annotated[Path | None, typer.Option(help="Data folder (default RFP_DATA_DIR or ./.rfp).")] = None,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Debug logging and timings.")] = False,
) -> None:
    overrides = {"data_dir": data_dir} if data_dir else {}
    try:
        ctx.obj = Settings(**overrides)
    except Exception as exc:
        raise UserFacingError(f"invalid settings: {exc}") from exc


def _mount() -> None:
    from bot.cli import app as bot_app
    from finetune.cli import adapt
    from finetune.cli import app as finetune_app
    from ingest.cli import ingest
    from rfp.answers_cli import ask, codes, search
    from rfp.eval_cli import app as eval_app
    from rfp.models_cli import app as models_app
    from rfp.proposal_cli import draft, lcat, shred

    for command in (ingest, search, ask, codes, shred, draft, lcat):
        app.command(help=command.__doc__)(command)
    app.add_typer(eval_app, name="eval")
    app.add_typer(bot_app)  # `rfp bot`, `rfp feedback export`
    app.add_typer(finetune_app, name="finetune")
    app.add_typer(models_app, name="models")
    app.command(help=adapt.__doc__)(adapt)


_mount()


def main() -> None:
    run_app(app)
