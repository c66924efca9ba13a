"""`rfp shred`, `rfp draft`, `rfp lcat`: proposal work from the command line.

Heavy modules are imported inside the commands, so `rfp --help` stays fast.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from core.cli_support import get_settings
from core.documents import ReadOptions
from core.errors import UserFacingError

RfpFiles = Annotated[
    list[Path],
    typer.Argument(help="The solicitation, then its amendments in order (PDF, DOCX, Markdown...)."),
]


def shred(
    files: RfpFiles,
    out: Annotated[
        Path, typer.Option("--out", "-o", help="Matrix file: .xlsx (a .csv is written beside it) or .csv.")
    ] = Path("matrix.xlsx"),
    as_json: Annotated[bool, typer.Option("--json", help="Print the rows and summary as JSON.")] = False,
) -> None:
    """Shred an RFP (and its amendments, applied in order) into a compliance matrix (XLSX and CSV)."""
    from proposal.shred import shred_files
    from proposal.summary import summary_lines
    from proposal.writers import COLUMNS, row_values, write_matrix

    matrix = shred_files(files, options=ReadOptions.from_settings(get_settings()))
    written = write_matrix(matrix, out)
    if as_json:
        typer.echo(
            json.dumps(
                {
                    "files": [str(p) for p in written],
                    "counts": matrix.counts(),
                    "notes": matrix.notes,
                    "rows": [dict(zip(COLUMNS, row_values(r), strict=True)) for r in matrix.rows],
                },
                indent=1,
            )
        )
        return
    console = Console()
    for line in summary_lines(matrix):
        console.print(escape(line), highlight=False)
    console.print(f"\nWrote {', '.join(escape(str(p)) for p in written)} ({len(matrix.rows)} rows).")


def draft(
    ctx: typer.Context,
    title: Annotated[str, typer.Argument(help='The proposal section, e.g. "Technical Approach".')],
    rfp: Annotated[
        list[Path] | None, typer.Option("--rfp", help="The solicitation (repeat for amendments, in order).")
    ] = None,
    matrix_file: Annotated[
        Path | None,
        typer.Option(
            "--matrix",
            help="A matrix from `rfp shred` (its Response Location column assigns rows to sections).",
        ),
    ] = None,
    out: Annotated[Path, typer.Option("--out", "-o", help="The DOCX to write.")] = Path("draft.docx"),
    collection: Annotated[
        list[str] | None, typer.Option("--collection", "-c", help="Collection(s) to draft from.")
    ] = None,
    kind: Annotated[
        list[str] | None, typer.Option("--kind", help="Doc kinds to draft from (default: proposal, other).")
    ] = None,
    limit: Annotated[int, typer.Option("--max", help="At most this many requirements.")] = 8,
    extractive: Annotated[
        bool | None,
        typer.Option("--extractive/--generate", help="Quote the sources / write with the chat model."),
    ] = None,
) -> None:
    """Draft a proposal section that answers the requirements the matrix maps to it, citing past proposals."""
    from core.services import Services
    from proposal.draft import SOURCE_KINDS, draft_from_matrix, question, requirements_for, write_docx
    from proposal.shred import shred_files
    from proposal.summary import where
    from proposal.writers import read_matrix

    if not rfp and matrix_file is None:
        raise UserFacingError(
            "give the solicitation (--rfp FILE) or a matrix from `rfp shred` (--matrix FILE)"
        )
    matrix = (
        read_matrix(matrix_file)
        if matrix_file is not None
        else shred_files(rfp, options=ReadOptions.from_settings(get_settings()))
    )
    settings = get_settings(ctx)
    services = Services(settings)
    console = Console()
    try:
        requirements = requirements_for(title, matrix, services.embedder, limit)
        if not requirements:
            console.print(
                f"No requirement in the matrix is about “{escape(title)}”; drafting from the title alone."
            )
        section = draft_from_matrix(
            services.answerer,
            title,
            matrix,
            collection or [settings.collection],
            requirements,
            tuple(kind or SOURCE_KINDS),
            extractive,
        )
    finally:
        services.close()
    path = write_docx(section, out)
    console.print(
        f"[bold]{escape(title)}[/]: {len(section.draft.paragraphs)} paragraph(s), "
        f"{len(section.draft.sources)} source(s), {len(section.draft.gaps)} gap(s)"
    )
    for r in requirements:
        mark = "[red]gap[/]" if question(r) in section.draft.gaps else "[green]drafted[/]"
        console.print(f"  {mark} {r.id} ({escape(where(r))}): {escape(r.text[:110])}", highlight=False)
    console.print(f"Wrote {escape(str(path))}")


def lcat(
    ctx: typer.Context,
    rfp: Annotated[list[Path], typer.Option("--rfp", help="The solicitation (repeatable).")],
    collection: Annotated[
        list[str] | None,
        typer.Option(
            "--collection", "-c", help="Collection(s) holding the code tables (SOC, OPM, GSA CALC, OASIS)."
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="The mappings as JSON.")] = False,
) -> None:
    """Find the labor categories an RFP asks for and map them to SOC, OPM series and GSA CALC rates."""
    from core.services import Services
    from proposal.lcat import find_labor_categories
    from proposal.lcat_codes import LcatMapper
    from proposal.shred import read

    options = ReadOptions.from_settings(get_settings(ctx))
    categories = []
    for path in rfp:
        categories += find_labor_categories(read(path, path.name, options), path.name)
    if not categories:
        raise UserFacingError(f"no labor categories found in {', '.join(str(p) for p in rfp)}")
    settings = get_settings(ctx)
    services = Services(settings)
    try:
        collections = collection or [settings.collection]
        if not any(services.store.has_collection(c) for c in collections):
            raise UserFacingError(
                f"no collection {', '.join(collections)}: ingest the code tables first "
                "(rfp ingest ../shared/data/codes -c codes) and pass -c codes"
            )
        mapper = LcatMapper(services.retriever, services.store, services.embedder)
        mappings = mapper.map(categories, collections)
    finally:
        services.close()
    if as_json:
        typer.echo(json.dumps([m.to_json() for m in mappings], indent=1))
        return
    table = Table(show_lines=True)
    for name in ("Labor category", "SOC", "OPM series", "GSA CALC rate (min / median / max)", "Flags"):
        table.add_column(name, overflow="fold")
    for m in mappings:
        where_found = f"{m.category.source}" + (f", p. {m.category.page}" if m.category.page else "")
        table.add_row(
            f"{escape(m.category.title)}\n[dim]{escape(where_found)}[/]",
            escape(m.soc.label()) if m.soc else "-",
            escape(m.opm.label()) if m.opm else "-",
            escape(m.rates.label()) if m.rates else "-",
            "[yellow]" + escape("; ".join(m.flags)) + "[/]" if m.flags else "",
        )
    Console().print(table)
