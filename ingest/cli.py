"""`rfp ingest PATH... [--collection NAME] [--tag key=value] [--prune]`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from core.cli_support import get_settings
from core.errors import UserFacingError
from core.indexing import parse_tags
from core.services import Services


def ingest(
    ctx: typer.Context,
    paths: Annotated[list[Path], typer.Argument(help="Files and folders (recursively).")],
    collection: Annotated[str | None, typer.Option("--collection", "-c", help="Target collection.")] = None,
    tag: Annotated[
        list[str] | None, typer.Option("--tag", "-t", help="key=value; kind=... overrides the guess.")
    ] = None,
    prune: Annotated[bool, typer.Option(help="Remove documents whose files disappeared.")] = False,
    force: Annotated[bool, typer.Option(help="Re-index files even if unchanged.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the per-file results as JSON.")] = False,
    watch: Annotated[
        bool, typer.Option("--watch", help="Keep running: ingest whenever the folder changes.")
    ] = False,
    interval: Annotated[
        float, typer.Option(help="With --watch: rescan at least this often (seconds).")
    ] = 60.0,
) -> None:
    """Read RFPs, amendments, proposals, FAR text and code tables into a searchable collection."""
    from ingest.run import ingest_paths, summary_table

    settings = get_settings(ctx)
    tags = parse_tags(tag)
    collection = collection or settings.collection
    services = Services(settings)
    console = Console(stderr=True, soft_wrap=True)
    if watch:
        from ingest.watch import watch as watch_folder

        if len(paths) != 1 or not paths[0].is_dir():
            raise UserFacingError("--watch takes exactly one folder")
        try:
            watch_folder(
                services.indexer,
                paths[0],
                collection,
                settings.data_dir / "watcher.heartbeat",
                tags=tags,
                prune=prune,
                interval=interval,
                console=console,
            )
        finally:
            services.close()
        return
    try:
        report = ingest_paths(
            services.indexer, paths, collection, tags=tags, prune=prune, force=force, console=console
        )
        services.store.optimize(collection) if report.chunks_written else None
    finally:
        services.close()
    if as_json:
        typer.echo(json.dumps([r.__dict__ for r in report.results], indent=1))
    Console().print(summary_table(report, collection))
    if report.failed:
        raise typer.Exit(1)


app = typer.Typer(add_completion=False)
app.command(help=ingest.__doc__)(ingest)


def main() -> None:
    from core.cli_support import run_app

    run_app(app)
