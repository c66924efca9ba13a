"""`rfp eval retrieval FILE.jsonl`: recall@1/5/10 and MRR@10 per kind, in one process."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from core.cli_support import get_settings
from core.evaluation import load_questions, score
from core.services import Services

app = typer.Typer(no_args_is_help=True, add_completion=False, help="Measure the product on your own question sets.")


@app.command()
def retrieval(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="JSONL: id, question, expected_files, evidence, kind.")],
    k: Annotated[int, typer.Option("--k")] = 10,
    collection: Annotated[list[str] | None, typer.Option("--collection", "-c")] = None,
    details: Annotated[bool, typer.Option("--details", help="List the misses.")] = False,
    as_json: Annotated[bool, typer.Option("--json")] = False,
    hits_out: Annotated[Path | None, typer.Option("--hits-out", help="Write each question's ranked hits (JSONL).")] = None,
) -> None:
    """Retrieval quality: recall@1/5/10 and MRR@10 per kind and overall."""
    settings = get_settings(ctx)
    questions = load_questions(file)
    services = Services(settings)
    hits_by_id: dict[str, list[dict]] = {}
    declined: dict[str, bool] = {}
    try:
        collections = collection or [settings.collection]
        for q in questions:
            result = services.retriever.search(q.question, collections, k=k)
            hits_by_id[q.id] = [h.to_json() for h in result.hits]
            if q.kind == "none":
                declined[q.id] = services.answerer.coverage(q.question, result) is not None
    finally:
        services.close()
    report = score(questions, hits_by_id, declined)
    if hits_out is not None:
        with open(hits_out, "w") as f:
            for q in questions:
                hits = [{key: h[key] for key in ("path", "page", "section", "text", "score")} for h in hits_by_id[q.id]]
                f.write(json.dumps({"id": q.id, "hits": hits}) + "\n")
    data = report.as_dict()
    if not details:
        data.pop("misses")
    if as_json:
        typer.echo(json.dumps(data, indent=1))
        return
    console = Console()
    table = Table(title=f"retrieval on {file.name} (k={k})")
    for col in ("kind", "n", "recall@1", "recall@5", "recall@10", "MRR@10"):
        table.add_column(col, justify="right")
    rows = [*data["by_kind"].items(), ("overall", data["overall"])]
    for kind, s in rows:
        table.add_row(kind, str(s["n"]), f"{s['recall@1']:.3f}", f"{s['recall@5']:.3f}", f"{s['recall@10']:.3f}",
                      f"{s['mrr@10']:.3f}")
    console.print(table)
    if declined:
        console.print(f"'none' questions declined: {sum(declined.values())}/{len(declined)}")
    if details:
        for m in report.misses:
            console.print(f"[bold]{m['id']}[/] ({m['kind']}, rank {m['rank']}): {escape(m['question'])}")
            for t in m["top"]:
                console.print(f"   got {escape(t)}", highlight=False)
