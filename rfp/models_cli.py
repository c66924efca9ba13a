"""`rfp models list|show|promote|rollback`: the model registry (core/registry.py)."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from core.cli_support import get_settings
from core.errors import UserFacingError
from core.registry import Registry

app = typer.Typer(
    no_args_is_help=True,
    add_completion=False,
    help="Model versions: which one answers, promote one, roll back.",
)


def _registry(ctx: typer.Context) -> Registry:
    return Registry(get_settings(ctx).models_dir)


@app.command("list")
def list_models(ctx: typer.Context, as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Every registered model version; the current one is marked."""
    registry = _registry(ctx)
    current = registry.current()
    entries = registry.entries()
    if as_json:
        typer.echo(
            json.dumps(
                {"current": current.version if current else None, "models": [e.__dict__ for e in entries]},
                indent=1,
                default=str,
            )
        )
        return
    table = Table(title="models")
    for col in ("", "version", "created", "gguf", "metrics"):
        table.add_column(col)
    for e in entries:
        metrics = ", ".join(
            f"{k} {v:.3g}" if isinstance(v, float) else f"{k} {v}" for k, v in list(e.metrics.items())[:4]
        )
        table.add_row(
            "*" if current and e.version == current.version else "", e.version, e.created_at, e.gguf, metrics
        )
    Console().print(table)
    if current is None:
        Console().print("current: the packaged base model (SmolLM2-135M-Instruct)")


@app.command()
def show(ctx: typer.Context, version: Annotated[str, typer.Argument()]) -> None:
    """One version's manifest."""
    entry = _registry(ctx).get(version)
    if entry is None:
        raise UserFacingError(f"no model version '{version}'")
    typer.echo(json.dumps(entry.__dict__, indent=1, default=str))


@app.command()
def promote(
    ctx: typer.Context,
    version: Annotated[str, typer.Argument()],
    reason: Annotated[str, typer.Option(help="Why (kept in the registry's log).")] = "by hand",
) -> None:
    """Make VERSION the model that answers (running bots pick it up without a restart)."""
    entry = _registry(ctx).promote(version, reason)
    typer.echo(f"current model: {entry.version}")


@app.command()
def rollback(ctx: typer.Context) -> None:
    """Go back to the version that was current before (or to the packaged base model)."""
    entry = _registry(ctx).rollback()
    typer.echo(f"current model: {entry.version if entry else 'the packaged base model'}")


@app.command()
def publish(
    ctx: typer.Context,
    to_ollama: Annotated[
        bool, typer.Option("--to-ollama", help="Create the model in the Ollama server (OLLAMA_HOST).")
    ] = True,
    name: Annotated[
        str | None, typer.Option(help="Ollama model name (default RFP_CHAT_MODEL or rfp-copilot).")
    ] = None,
) -> None:
    """Put the current model (or the packaged base model) into Ollama under one stable name."""
    from finetune.publish import publish as publish_model

    if not to_ollama:
        raise UserFacingError("nothing to do: only --to-ollama is supported")
    typer.echo(f"published: {publish_model(get_settings(ctx), name)}")
