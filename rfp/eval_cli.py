"""`rfp eval retrieval FILE.jsonl`: recall@1/5/10 and MRR@10 per kind, in one process.
`rfp eval answers FILE.jsonl [...]`: the answers themselves, scored against reference answers
(key facts, citation support, declines, time), several ways of answering side by side
(`core.answer_eval`). `rfp eval split FILE.jsonl`: the fixed train / held-back split of a question set."""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from core.cli_support import get_settings
from core.errors import UserFacingError
from core.evaluation import load_questions, score
from core.services import Services

EVAL_DIR = Path(__file__).resolve().parents[1] / "eval"
DEFAULT_SPLIT = EVAL_DIR / "vendor_split.json"
DEFAULT_SPLITS = [DEFAULT_SPLIT, EVAL_DIR / "unanswerable_split.json"]

app = typer.Typer(
    no_args_is_help=True, add_completion=False, help="Measure the product on your own question sets."
)


@app.command()
def retrieval(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="JSONL: id, question, expected_files, evidence, kind.")],
    k: Annotated[int, typer.Option("--k")] = 10,
    collection: Annotated[list[str] | None, typer.Option("--collection", "-c")] = None,
    details: Annotated[bool, typer.Option("--details", help="List the misses.")] = False,
    as_json: Annotated[bool, typer.Option("--json")] = False,
    hits_out: Annotated[
        Path | None, typer.Option("--hits-out", help="Write each question's ranked hits (JSONL).")
    ] = None,
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
            if q.kind == "none":  # declined as `rfp ask` declines it
                declined[q.id] = services.answerer.prepare(q.question, collections).declined is not None
    finally:
        services.close()
    report = score(questions, hits_by_id, declined)
    if hits_out is not None:
        with open(hits_out, "w") as f:
            for q in questions:
                hits = [
                    {key: h[key] for key in ("path", "page", "section", "text", "score")}
                    for h in hits_by_id[q.id]
                ]
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
        table.add_row(
            kind,
            str(s["n"]),
            f"{s['recall@1']:.3f}",
            f"{s['recall@5']:.3f}",
            f"{s['recall@10']:.3f}",
            f"{s['mrr@10']:.3f}",
        )
    console.print(table)
    if declined:
        console.print(f"'none' questions declined: {sum(declined.values())}/{len(declined)}")
    if details:
        for m in report.misses:
            console.print(f"[bold]{m['id']}[/] ({m['kind']}, rank {m['rank']}): {escape(m['question'])}")
            for t in m["top"]:
                console.print(f"   got {escape(t)}", highlight=False)


class Baseline(StrEnum):
    extractive = "extractive"


class SplitName(StrEnum):
    train = "train"
    held_back = "held_back"


def _label(model: str) -> str:
    return f"model {Path(model).stem if model.endswith('.gguf') else model}"


@app.command()
def answers(
    ctx: typer.Context,
    files: Annotated[
        list[str] | None,
        typer.Argument(
            help="JSONL: question, answer (the reference), kind (none: must be declined), id; source_file and "
            "context_documents if known. FILE@DIR asks that file's questions of the data folder DIR "
            "(e.g. the vendor questions of a folder without their Q&A documents)."
        ),
    ] = None,
    collection: Annotated[list[str] | None, typer.Option("--collection", "-c")] = None,
    generated: Annotated[
        bool,
        typer.Option("--generated/--no-generated", help="A column answered by the configured chat model."),
    ] = True,
    baseline: Annotated[
        Baseline | None, typer.Option("--baseline", help="Add a column answered this way.")
    ] = None,
    model: Annotated[
        list[str] | None,
        typer.Option(
            "--model",
            help="Add a column answered by this model: a .gguf path or a registry version (repeatable).",
        ),
    ] = None,
    split: Annotated[
        SplitName | None,
        typer.Option(
            "--split", help="Only this half of the questions listed in the split file (others are all kept)."
        ),
    ] = None,
    split_file: Annotated[
        list[Path] | None,
        typer.Option(
            help="A split (rfp eval split), repeatable; default: eval/vendor_split.json and "
            "eval/unanswerable_split.json."
        ),
    ] = None,
    by_split: Annotated[
        bool,
        typer.Option(
            "--by-split", help="Figures for each half of the questions the split files list, side by side."
        ),
    ] = False,
    unanswered_is_none: Annotated[
        bool,
        typer.Option("--unanswered-is-none", help="A question without a reference answer must be declined."),
    ] = False,
    limit: Annotated[int, typer.Option(help="At most this many questions per file (0: all).")] = 0,
    as_json: Annotated[bool, typer.Option("--json", help="The summaries as JSON.")] = False,
    details: Annotated[
        Path | None,
        typer.Option(
            "--details", help="Write one JSON line per question and column (answer, citations, scores)."
        ),
    ] = None,
    rescore: Annotated[
        Path | None,
        typer.Option(
            "--rescore", help="Score the answers kept in a --details file again, without answering."
        ),
    ] = None,
) -> None:
    """Answer quality: key-fact agreement, citation support, declines and time, per set and column."""
    from core.answer_eval.questions import load_questions as load_bench
    from core.answer_eval.run import run
    from core.answer_eval.split import in_split

    if rescore is not None:
        _rescore(rescore, details, as_json)
        return
    if not files:
        raise UserFacingError("give one question file or more (or --rescore DETAILS.jsonl)")
    settings = get_settings(ctx)
    chosen = _load_splits(split_file or DEFAULT_SPLITS) if split is not None or by_split else None
    by_folder: dict[Path, list] = {}  # data folder -> its questions, in the order given
    for spec in files:
        file, folder = _file_and_folder(spec, settings.data_dir)
        qs = load_bench(file, unanswered_is_none)
        if chosen is not None and split is not None:
            qs = [q for q in qs if in_split(q.id, chosen, split.value)]
        if chosen is not None and by_split:
            for q in qs:
                half = next((name for name, ids in chosen.items() if q.id in ids), None)
                q.set = f"{q.set} ({half})" if half else q.set
        by_folder.setdefault(folder, []).extend(qs[:limit] if limit else qs)
    if not generated and baseline is None and not model:
        raise UserFacingError("nothing to run: --no-generated needs --baseline or --model")
    collections = collection or [settings.collection]
    err = Console(stderr=True)
    first = Services(settings)
    opened = [first]
    out = details.open("w", encoding="utf-8") if details is not None else None
    results: list = []
    models: dict[str, str | None] = {}
    total = sum(len(qs) for qs in by_folder.values())
    try:
        for folder, questions in by_folder.items():
            here = (
                settings if folder == settings.data_dir else settings.model_copy(update={"data_dir": folder})
            )
            services = (
                first
                if here is settings
                else Services(here, embedder=first.embedder, current_model=first.current_model)
            )
            if services is not first:
                opened.append(services)
            others = [
                Services(
                    here.model_copy(update={"chat_model": m}), embedder=first.embedder, store=services.store
                )
                for m in model or []
            ]
            columns = {}
            if generated:
                columns["generated"] = lambda q, s=services: s.answerer.answer(
                    q, collections, extractive=False
                )
                models["generated"] = services.chat.version  # loaded before the clock starts
            if baseline is not None:
                columns["extractive"] = lambda q, s=services: s.answerer.answer(
                    q, collections, extractive=True
                )
            for name, other in zip(model or [], others, strict=True):
                columns[_label(name)] = lambda q, o=other: o.answerer.answer(q, collections, extractive=False)
                models[_label(name)] = other.chat.version
            _mark_what_the_folder_lacks(questions, services, collections)
            services.retriever.search("warm up", collections, k=1)
            done_before = len(results) // max(1, len(columns))

            def progress(
                result, done: int, _: int, before: int = done_before, width: int = len(columns)
            ) -> None:
                if out is not None:
                    out.write(json.dumps(result.to_json(), ensure_ascii=False) + "\n")
                    out.flush()
                err.print(
                    f"[{before * width + done}/{total * width}] {escape(result.question.set)} "
                    f"{escape(result.question.id)} {result.column}: {result.mode} {result.seconds:.1f}s",
                    highlight=False,
                )

            results += run(questions, columns, progress)
    finally:
        if out is not None:
            out.close()
        for services in reversed(opened):
            services.close()
    _report(
        results,
        models,
        as_json,
        {
            "files": list(files),
            "collections": collections,
            "split": split.value if split else ("by half" if by_split else None),
        },
    )


def _mark_what_the_folder_lacks(questions: list, services: Services, collections: list[str]) -> None:
    """Set `folder_lacks` on the answerable questions whose reference facts no document of the folder
    states (core/answer_eval/answerable.py): declining those is right in that folder."""
    from core.answer_eval.answerable import LACKS, classify, document_texts

    judged = [q for q in questions if not q.expect_decline and q.reference and q.context_files]
    if not judged:
        return
    texts: dict[str, str] = {}
    for name in collections:
        texts.update(document_texts(services.store, name))
    for q in judged:
        q.folder_lacks = classify(q.question, q.reference, q.context_files, texts) == LACKS


def _file_and_folder(spec: str, default: Path) -> tuple[Path, Path]:
    """FILE or FILE@DATA_DIR (a data folder for that file's questions)."""
    file, at, folder = spec.partition("@")
    return Path(file), (Path(folder).expanduser() if at and folder else default)


def _load_splits(paths: list[Path]) -> dict[str, set[str]]:
    """Several split files as one (their question ids do not overlap)."""
    from core.answer_eval.split import load_split

    merged: dict[str, set[str]] = {}
    for path in paths:
        for name, ids in load_split(path).items():
            merged.setdefault(name, set()).update(ids)
    return merged


def _report(results: list, models: dict[str, str | None], as_json: bool, header: dict) -> None:
    from core.answer_eval.report import summaries

    summary = summaries(results)
    declines = _declines(results)
    if as_json:
        typer.echo(json.dumps({**header, "models": models, **summary, "declines": declines}, indent=1))
    else:
        from rfp.answer_tables import render

        console = Console(width=None if sys.stdout.isatty() else 160)
        render(console, summary, models)
        table = Table(title="declines (decided before any text is generated: the same in every column)")
        heads = ("set", "unanswerable declined", "answerable wrongly declined", "… that the folder answers")
        for head in heads:
            table.add_column(head, justify="left" if head == "set" else "right")
        for name, d in declines.items():
            table.add_row(
                name,
                _count(d["unanswerable_declined"], d["unanswerable"]),
                _count(d["wrongly_declined"], d["answerable"]),
                _count(d["wrongly_declined_in_folder"], d["answerable_in_folder"]),
            )
        console.print(table)
        console.print(
            "The last column leaves out answerable questions whose reference states checkable facts "
            "(numbers, money, dates, codes) that no document of their data folder states."
        )
    if any(r.error for r in results):
        raise typer.Exit(1)


DECLINE_COUNTS = (
    "unanswerable",
    "unanswerable_declined",
    "answerable",
    "wrongly_declined",
    "answerable_in_folder",
    "wrongly_declined_in_folder",
)


def _declines(results: list) -> dict[str, dict[str, int]]:
    """Per question set (each half of a split, the whole file, and all together), counts of
    declines in the first column: unanswerable questions declined, answerable ones wrongly declined,
    and the same for the answerable ones whose folder states their answer (not `folder_lacks`)."""
    column = results[0].column if results else None
    out: dict[str, dict[str, int]] = {}
    for r in results:
        if r.column != column:
            continue
        base = r.question.set.split(" (")[0]  # the file, over both halves of its split
        for name in dict.fromkeys((r.question.set, base, "all")):
            d = out.setdefault(name, dict.fromkeys(DECLINE_COUNTS, 0))
            if r.question.expect_decline:
                d["unanswerable"] += 1
                d["unanswerable_declined"] += r.declined
            else:
                d["answerable"] += 1
                d["wrongly_declined"] += r.declined
                if not r.question.folder_lacks:
                    d["answerable_in_folder"] += 1
                    d["wrongly_declined_in_folder"] += r.declined
    whole = out.pop("all", None)
    if whole is not None and len(out) > 1:
        out["all"] = whole
    return dict(sorted(out.items(), key=lambda item: (item[0] == "all", item[0])))


def _count(part: int, whole: int) -> str:
    return f"{part}/{whole} = {part / whole:.3f}" if whole else "-"


def _rescore(path: Path, details: Path | None, as_json: bool) -> None:
    from core.answer_eval.report import rescore

    try:
        lines = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
        results = [rescore(line) for line in lines]
    except (OSError, json.JSONDecodeError, KeyError, TypeError, ValueError) as exc:
        raise UserFacingError(
            f"{path}: not a details file of rfp eval answers ({type(exc).__name__}: {exc})"
        ) from exc
    if details is not None:
        details.write_text(
            "".join(json.dumps(r.to_json(), ensure_ascii=False) + "\n" for r in results), encoding="utf-8"
        )
    models = {r.column: r.model for r in reversed(results)}
    _report(results, models, as_json, {"rescored": str(path)})


@app.command("split")
def split_command(
    file: Annotated[Path, typer.Argument(help="JSONL question file (reads only ids and the group field).")],
    out: Annotated[Path, typer.Option("--out", help="Where to write the split.")] = DEFAULT_SPLIT,
    group: Annotated[str, typer.Option(help="Split each group of this field in half.")] = "rfq_number",
) -> None:
    """A fixed train / held-back split of a question set, by a hash of each id (core/answer_eval/split.py)."""
    from core.answer_eval.split import split_file

    data = split_file(file, group)
    out.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
    typer.echo(f"{out}: train {data['sizes']['train']}, held_back {data['sizes']['held_back']}")
