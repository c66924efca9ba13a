"""`rfp`: the one command. Sub-commands come from each part's own Typer app; this module only
composes them, builds Settings once and turns UserFacingError into a clean message and exit code.

A command run from the shell imports only its own part (`rfp search` never imports the Slack bot or
the fine-tuning line): that is most of a cold start. `rfp --help` and anything unknown mount all.
"""

from __future__ import annotations

import importlib
import logging
import os
import sys
from pathlib import Path
from typing import Annotated

import typer

from core.cli_support import run_app
from core.errors import UserFacingError
from core.settings import Settings

# name -> (module, attribute, how it is mounted). "merge": a Typer app whose commands join the root.
COMMANDS: dict[str, tuple[str, str, str]] = {
    "ingest": ("ingest.cli", "ingest", "command"),
    "search": ("rfp.answers_cli", "search", "command"),
    "ask": ("rfp.answers_cli", "ask", "command"),
    "codes": ("rfp.answers_cli", "codes", "command"),
    "shred": ("rfp.proposal_cli", "shred", "command"),
    "draft": ("rfp.proposal_cli", "draft", "command"),
    "lcat": ("rfp.proposal_cli", "lcat", "command"),
    "eval": ("rfp.eval_cli", "app", "group"),
    "bot": ("bot.cli", "app", "merge"),  # `rfp bot`
    "feedback": ("rfp.feedback_cli", "app", "group"),  # `rfp feedback export`
    "finetune": ("finetune.cli", "app", "group"),
    "models": ("rfp.models_cli", "app", "group"),
}
COMMANDS["adapt"] = ("finetune.cli", "adapt", "command")  # listed last in --help
# Commands that read and print, and leave nothing running or open when they return: their process
# ends without tearing down its modules (see `main`).
READ_ONLY = frozenset({"search", "ask", "codes"})
ROOT_OPTIONS_WITH_VALUE = ("--data-dir",)


def root(
    ctx: typer.Context,
    data_dir: Annotated[
        Path | None, typer.Option(help="Data folder (default RFP_DATA_DIR or ./.rfp).")
    ] = None,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Debug logging and timings.")] = False,
) -> None:
    overrides = {"data_dir": data_dir} if data_dir else {}
    try:
        ctx.obj = Settings(**overrides)
    except Exception as exc:
        raise UserFacingError(f"invalid settings: {exc}") from exc


def build_app(only: str | None = None) -> typer.Typer:
    """The `rfp` app with every command, or with `only` that one (what a shell run needs)."""
    app = typer.Typer(
        no_args_is_help=True,
        add_completion=False,
        help="RFP copilot: ingest your RFPs and proposals, ask cited questions, run the Slack bot, fine-tune.",
    )
    app.callback()(root)
    merged: set[str] = set()
    for name, (module, attribute, how) in COMMANDS.items():
        if only is not None and name != only:
            continue
        part = getattr(importlib.import_module(module), attribute)
        if how == "command":
            app.command(help=part.__doc__)(part)
        elif how == "group":
            app.add_typer(part, name=name)
        elif (module, attribute) not in merged:
            merged.add((module, attribute))
            app.add_typer(part)
    return app


def command_in(argv: list[str]) -> str | None:
    """The sub-command named on a command line (after the root options), if it is one of ours."""
    skip = False
    for arg in argv:
        if skip:
            skip = False
        elif arg in ROOT_OPTIONS_WITH_VALUE:
            skip = True
        elif not arg.startswith("-"):
            return arg if arg in COMMANDS else None
    return None


def __getattr__(name: str):
    if name == "app":  # `from rfp.cli import app` (tests, tools): the whole command
        return build_app()
    raise AttributeError(name)


def main() -> None:
    command = command_in(sys.argv[1:])
    try:
        run_app(build_app(command))
    except SystemExit as done:
        if command not in READ_ONLY:
            raise
        code = done.code
    else:  # run_app always exits; kept for a reader and for mypy
        code = 0
    # A read-only command is done: its services are closed and its answer printed. Tearing down the
    # ~500 modules it imported (ONNX Runtime, numpy, pydantic, ...) would add 0.2-0.3 s to a 2 s cold
    # command on 2 AVX2 cores, so the process flushes its output and log and ends here.
    if code is not None and not isinstance(code, int):
        print(code, file=sys.stderr)
        code = 1
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code or 0)
