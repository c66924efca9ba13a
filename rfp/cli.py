"""`rfp`: the one command. Sub-commands come from each part's own Typer app; this module only
composes them, builds Settings once and turns UserFacingError into a clean message and exit code."""

from __future__ import annotations

import typer

from core.cli_support import run_app

app = typer.Typer(no_args_is_help=True, add_completion=False, help=__doc__.split("\n")[0])


def _mount() -> None:
    from ingest.cli import app as ingest_app

    app.add_typer(ingest_app, name="ingest")


_mount()


def main() -> None:
    run_app(app)
