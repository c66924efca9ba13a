"""`rfp search`, `rfp ask`, `rfp codes`: retrieval and cited answers from the command line."""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from core.cli_support import get_settings
from core.services import Services

if TYPE_CHECKING:
    from core.answer import Answer, AnswerMode
    from core.retrieval import Filters

CollectionOpt = Annotated[
    list[str] | None, typer.Option("--collection", "-c", help="Collection(s) to search (repeatable).")
]
KindOpt = Annotated[
    list[str] | None, typer.Option("--kind", help="Only these doc kinds (rfp, far, codes, ...).")
]
SolOpt = Annotated[str | None, typer.Option("--solicitation", help="Only this solicitation number.")]
TagOpt = Annotated[list[str] | None, typer.Option("--tag", help="Only chunks with this key=value tag.")]


def _filters(kind, solicitation, tag) -> Filters:
    # Imported here, not above: a command's retrieval code (numpy and all) is imported while the
    # embedding model loads in its thread (`Services.warm`), not before the load starts.
    from core.retrieval import Filters

    return Filters(doc_kinds=tuple(kind or ()), solicitation=solicitation, tags=tuple(tag or ()))


def snippet(text: str, width: int = 220) -> str:
    one_line = " ".join(text.split())
    return one_line if len(one_line) <= width else one_line[: width - 1] + "…"


def search(
    ctx: typer.Context,
    query: Annotated[str, typer.Argument(help="Words, a question, or an identifier such as 52.204-21.")],
    k: Annotated[int, typer.Option("--k", help="How many hits.")] = 10,
    collection: CollectionOpt = None,
    kind: KindOpt = None,
    solicitation: SolOpt = None,
    tag: TagOpt = None,
    as_json: Annotated[bool, typer.Option("--json", help="Ranked hits as JSON.")] = False,
) -> None:
    """Ranked passages for a query (hybrid: meaning, words and exact identifiers)."""
    settings = get_settings(ctx)
    services = Services(settings)
    try:
        services.warm(collection or [settings.collection])
        result = services.retriever.search(
            query, collection or [settings.collection], k=k, filters=_filters(kind, solicitation, tag)
        )
    finally:
        services.close()
    if as_json:
        typer.echo(
            json.dumps(
                {
                    "query": query,
                    "seconds": round(result.seconds, 4),
                    "hits": [h.to_json() for h in result.hits],
                },
                indent=1,
            )
        )
        return
    console = Console()
    if not result.hits:
        console.print("No passages found.")
    for i, hit in enumerate(result.hits, start=1):
        console.print(f"[bold]{i}.[/] {escape(hit.citation.label())}  [dim]score {hit.score:.3f}[/]")
        console.print(f"   {escape(snippet(hit.text))}", highlight=False)
        if hit.other_versions:
            console.print(f"   [dim]also in: {escape(', '.join(hit.other_versions))}[/]")


def ask(
    ctx: typer.Context,
    question: Annotated[str, typer.Argument(help="A question in plain words.")],
    collection: CollectionOpt = None,
    k: Annotated[int | None, typer.Option("--k", help="Sources given to the model.")] = None,
    kind: KindOpt = None,
    solicitation: SolOpt = None,
    tag: TagOpt = None,
    extractive: Annotated[
        bool | None,
        typer.Option(
            "--extractive/--generate", help="Answer with quoted sentences only / with the chat model."
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="The answer, claims and sources as JSON.")] = False,
    verbose: Annotated[
        bool, typer.Option("--verbose", "-v", help="Time to first token and tokens/s.")
    ] = False,
) -> None:
    """A short answer whose every sentence cites file, page and section, or an honest "not covered"."""
    settings = get_settings(ctx)
    if k is not None:
        settings = settings.model_copy(update={"top_k": k})
    services = Services(settings)
    console = Console()
    err = Console(stderr=True)
    streamed = []

    def on_token(piece: str) -> None:
        if not streamed:
            err.print("[dim]draft:[/] ", end="")
        streamed.append(piece)
        err.print(f"[dim]{escape(piece)}[/]", end="", highlight=False)

    try:
        services.warm(collection or [settings.collection])
        answer = services.answerer.answer(
            question,
            collection or [settings.collection],
            filters=_filters(kind, solicitation, tag),
            extractive=extractive,
            on_token=None if as_json or not sys.stderr.isatty() else on_token,
        )
    finally:
        services.close()
    if streamed:
        err.print()
    if as_json:
        typer.echo(json.dumps(answer.to_json(), indent=1))
        return
    render_answer(console, answer, verbose)


def render_answer(console: Console, answer: Answer, verbose: bool = False) -> None:
    label: dict[AnswerMode, str] = {
        "generated": "Answer",
        "extractive": "Answer (quoted from the sources)",
        "declined": "Not covered",
    }
    console.print(f"\n[bold]{label[answer.mode]}:[/] {escape(answer.text)}", highlight=False)
    for note in answer.notes:
        console.print(f"[yellow]note:[/] {escape(note)}", highlight=False)
    if answer.mode == "generated" and answer.quotes:
        console.print("\n[bold]Supporting quotes:[/]")
        for n, quote in answer.quotes:
            console.print(f"  [{n}] “{escape(snippet(quote, 300))}”", highlight=False)
    if answer.dropped and verbose:
        console.print("\n[bold]Removed (not supported by the sources):[/]")
        for d in answer.dropped:
            console.print(f"  - {escape(d)}", highlight=False)
    console.print("\n[bold]Sources:[/]" if answer.mode != "declined" else "\n[bold]Closest sources:[/]")
    for s in answer.sources:
        flag = " [yellow](instruction-like text removed)[/]" if s.sanitized else ""
        console.print(f"  [{s.n}] {escape(s.label)}{flag}", highlight=False)
        console.print(f"      [dim]{escape(snippet(s.excerpt, 200))}[/]", highlight=False)
    if verbose:
        st = answer.stats
        if st is not None and st.first_token_s is not None:
            console.print(
                f"\n[dim]model {answer.model_version}; retrieval {answer.retrieval_s * 1000:.0f} ms; "
                f"time to first token {st.first_token_s:.2f} s; {st.tokens_per_s:.1f} tokens/s[/]"
            )
        else:
            console.print(f"\n[dim]retrieval {answer.retrieval_s * 1000:.0f} ms[/]")


def codes(
    ctx: typer.Context,
    query: Annotated[
        str, typer.Argument(help="A code (15-1252, 2210, GS-35F-...) or a title (software developer).")
    ],
    k: Annotated[int, typer.Option("--k", help="How many rows.")] = 8,
    collection: CollectionOpt = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Look up SOC occupations, OPM series, GSA CALC labor categories and rates, and the OASIS crosswalk."""
    settings = get_settings(ctx)
    services = Services(settings)
    try:
        services.warm(collection or [settings.collection])
        result = services.retriever.search(
            query,
            collection or [settings.collection],
            k=k,
            filters=_filters(["codes"], None, None),
            code_lookup=True,
        )
    finally:
        services.close()
    rows = [h for h in result.hits if h.fields]
    if as_json:
        typer.echo(
            json.dumps(
                [
                    {"path": h.path, "fields": h.fields, "text": h.text, "score": round(h.score, 4)}
                    for h in rows
                ],
                indent=1,
            )
        )
        return
    console = Console()
    if not rows:
        console.print("No code-table rows match. Ingest the code tables first (SOC, OPM, GSA CALC, OASIS).")
        raise typer.Exit(1)
    by_file: dict[str, list] = {}
    for h in rows:
        by_file.setdefault(h.path, []).append(h)
    for path, hits in by_file.items():
        columns = list(dict.fromkeys(key for h in hits for key in h.fields))
        if len(columns) > 5:  # wide rows read better as records
            for h in hits:
                record = Table(title=escape(path), title_justify="left", show_header=False)
                record.add_column(style="bold")
                record.add_column(overflow="fold")
                for col, value in h.fields.items():
                    record.add_row(escape(col), escape(snippet(str(value), 300)))
                console.print(record)
            continue
        table = Table(title=escape(path), title_justify="left", show_lines=False)
        for col in columns:
            table.add_column(escape(col), overflow="fold", max_width=48)
        for h in hits:
            table.add_row(*[escape(snippet(str(h.fields.get(col, "")), 120)) for col in columns])
        console.print(table)
