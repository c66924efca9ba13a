"""`python -m finetune` / `rfp finetune`: train, merge, evaluate and export the product's own model.

Every training command takes `--config FILE.yaml` and repeated `--set key=value` over the defaults
that `config STEP` lists, writes `models_dir/runs/<version>/` with a manifest, and prints the
version. `--resume` continues the newest unfinished run of that step from its last checkpoint.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from core.cli_support import get_settings
from core.errors import UserFacingError
from finetune import config as cfg

app = typer.Typer(no_args_is_help=True, add_completion=False, help=__doc__.split("\n")[0])
console = Console()

ConfigFile = Annotated[Path | None, typer.Option("--config", help="YAML file of setting: value.")]
Sets = Annotated[list[str] | None, typer.Option("--set", help="key=value over the config; repeatable.")]
Resume = Annotated[bool, typer.Option("--resume", help="Continue the newest unfinished run of this step.")]
From = Annotated[
    str | None,
    typer.Option("--from", help="Train on top of this run (its adapters merged in) instead of the base."),
]

CONFIGS = {
    "cpt": cfg.CptConfig,
    "sft": cfg.SftConfig,
    "align": cfg.AlignConfig,
    "merge": cfg.MergeConfig,
    "export": cfg.ExportConfig,
    "eval": cfg.EvalConfig,
}


def _done(run) -> None:
    metrics = {k: v for k, v in run.manifest["metrics"].items() if k not in ("losses", "template")}
    console.print(f"[bold green]{run.step} {run.version}[/] -> {run.dir}")
    console.print_json(json.dumps(metrics, default=str))
    typer.echo(run.version)


@app.command()
def cpt(
    ctx: typer.Context,
    collection: Annotated[str | None, typer.Option(help="Collection to train on.")] = None,
    parent: From = None,
    config: ConfigFile = None,
    set_: Sets = None,
    resume: Resume = False,
) -> None:
    """Continued pretraining (LoRA) on the text of an ingested collection."""
    from core.store import open_store
    from finetune.cpt import cpt as run_cpt

    settings = get_settings(ctx)
    conf = cfg.load_config(cfg.CptConfig, config, set_, collection=collection)
    store = open_store(settings)
    try:
        _done(run_cpt(settings, conf, store, parent=parent, resume=resume))
    finally:
        store.close()


@app.command()
def sft(
    ctx: typer.Context,
    files: Annotated[
        list[Path], typer.Argument(help="SFT JSONL files (messages or prompt/completion lines).")
    ],
    parent: From = None,
    config: ConfigFile = None,
    set_: Sets = None,
    resume: Resume = False,
) -> None:
    """Instruction tuning on question -> answer pairs in the model's chat template."""
    from finetune.sft import sft as run_sft

    settings = get_settings(ctx)
    conf = cfg.load_config(cfg.SftConfig, config, set_)
    _done(run_sft(settings, conf, files, parent=parent, resume=resume))


@app.command()
def align(
    ctx: typer.Context,
    file: Annotated[
        Path,
        typer.Argument(
            help="Feedback JSONL: DPO (prompt, chosen, rejected) or KTO (prompt, completion, label)."
        ),
    ],
    method: Annotated[str | None, typer.Option(help="dpo, kto or auto.")] = None,
    parent: From = None,
    config: ConfigFile = None,
    set_: Sets = None,
    resume: Resume = False,
) -> None:
    """Preference alignment with DPO or KTO."""
    from finetune.align import align as run_align

    settings = get_settings(ctx)
    conf = cfg.load_config(cfg.AlignConfig, config, set_, method=method)
    _done(run_align(settings, conf, file, parent=parent, resume=resume))


@app.command()
def merge(
    ctx: typer.Context,
    versions: Annotated[list[str], typer.Argument(help="Two or more runs trained on the same model.")],
    method: Annotated[str | None, typer.Option(help="linear, ties, dare (dare_linear) or dare_ties.")] = None,
    weights: Annotated[str | None, typer.Option(help="Comma-separated, one per run.")] = None,
    config: ConfigFile = None,
    set_: Sets = None,
) -> None:
    """Combine the adapters of several runs into one."""
    from finetune.merge import merge as run_merge

    settings = get_settings(ctx)
    conf = cfg.load_config(cfg.MergeConfig, config, set_, method=method, weights=weights)
    _done(run_merge(settings, conf, versions))


@app.command("eval")
def evaluate(
    ctx: typer.Context,
    version: Annotated[str, typer.Argument(help="The run to evaluate.")],
    against: Annotated[
        str | None,
        typer.Option(
            help="The run to compare with; default: the registry's current model, else the base model."
        ),
    ] = None,
    qa: Annotated[
        Path | None, typer.Option(help="QA JSONL (question, answer) scored with retrieval.")
    ] = None,
    collection: Annotated[
        str | None, typer.Option(help="Collection for held-out text and retrieval.")
    ] = None,
    heldout: Annotated[bool, typer.Option(help="Measure held-out perplexity.")] = True,
    config: ConfigFile = None,
    set_: Sets = None,
) -> None:
    """Held-out perplexity and answer quality (through the bot's answer path), compared with the
    current model."""
    from core.services import Services
    from finetune.evaluate import run_eval, table

    settings = get_settings(ctx)
    conf = cfg.load_config(cfg.EvalConfig, config, set_, collection=collection)
    services = Services(settings)
    try:
        results = run_eval(
            settings,
            conf,
            version,
            against=against,
            store=services.store if heldout else None,
            qa_path=qa,
            retriever=services.retriever if qa is not None else None,
        )
    finally:
        services.close()
    console.print(table(results))


@app.command()
def export(
    ctx: typer.Context,
    version: Annotated[str, typer.Argument(help="The run (cpt, sft, align or merge) to export.")],
    quantization: Annotated[str | None, typer.Option(help="q8_0, q4_k_m or none.")] = None,
    ollama_name: Annotated[str | None, typer.Option(help="Name for `ollama create`.")] = None,
    config: ConfigFile = None,
    set_: Sets = None,
) -> None:
    """GGUF (f16 + quantized) and an Ollama Modelfile; `ollama create` when OLLAMA_HOST is set."""
    from finetune.export import export as run_export

    settings = get_settings(ctx)
    conf = cfg.load_config(cfg.ExportConfig, config, set_, quantization=quantization, ollama_name=ollama_name)
    _done(run_export(settings, conf, version))


@app.command()
def tools(
    ctx: typer.Context,
    sdist: Annotated[
        Path | None, typer.Option(help="A llama-cpp-python source archive already downloaded.")
    ] = None,
) -> None:
    """Fetch llama.cpp's GGUF converter (from the llama-cpp-python source archive on PyPI)."""
    from finetune.tools import install

    typer.echo(install(get_settings(ctx), sdist))


@app.command("convert-qa")
def convert_qa(
    ctx: typer.Context,
    src: Annotated[Path, typer.Argument(help="Vendor Q&A JSONL (question, answer, solicitation, ...).")],
    dst: Annotated[Path, typer.Argument(help="SFT JSONL to write.")],
    collection: Annotated[
        list[str] | None,
        typer.Option("--collection", "-c", help="Collection(s) the sources are retrieved from (repeatable)."),
    ] = None,
    kind: Annotated[
        list[str] | None,
        typer.Option("--kind", help="Only sources of these doc kinds (leave the Q&A documents out)."),
    ] = None,
) -> None:
    """Turn vendor Q&A pairs into SFT lines in the bot's prompt: system rules, retrieved sources,
    question, answer."""
    from core.retrieval import Filters
    from core.services import Services
    from finetune.data import vendor_qa_to_sft

    settings = get_settings(ctx)
    services = Services(settings)
    try:
        result = vendor_qa_to_sft(
            src,
            dst,
            services.answerer,
            collection or [settings.collection],
            Filters(doc_kinds=tuple(kind or ())),
        )
    finally:
        services.close()
    typer.echo(f"{result.lines} lines -> {dst}")
    if result.declined:
        typer.echo(
            f"note: {len(result.declined)} question(s) the documents do not cover got no line: "
            f"{', '.join(result.declined[:10])}" + (" ..." if len(result.declined) > 10 else ""),
            err=True,
        )


@app.command("answer-data")
def answer_data(
    ctx: typer.Context,
    dst: Annotated[Path, typer.Argument(help="SFT JSONL to write.")],
    qa: Annotated[
        list[Path] | None,
        typer.Option("--qa", help="Question file with reference answers (vendor Q&A); only its train split."),
    ] = None,
    split_file: Annotated[
        Path, typer.Option(help="The split (rfp eval split); only its 'train' ids are used.")
    ] = Path("eval/vendor_split.json"),
    documents: Annotated[
        int, typer.Option(help="Examples made from section headings of the documents.")
    ] = 120,
    collection: Annotated[
        list[str] | None,
        typer.Option("--collection", "-c", help="Collection(s) the sources are retrieved from (repeatable)."),
    ] = None,
) -> None:
    """Answer-format SFT lines in the bot's prompt: cited short answers built from the vendor Q&A's
    train split and from the documents' section headings (finetune/answer_data.py)."""
    from core.answer_eval.questions import load_questions
    from core.answer_eval.split import load_split
    from core.services import Services
    from finetune.answer_data import Built, document_examples, vendor_examples, write_jsonl

    settings = get_settings(ctx)
    chosen = load_split(split_file)
    # Never the held-back half: only ids the split lists as train.
    questions = [q for f in qa or [] for q in load_questions(f) if q.id in chosen["train"]]
    services = Services(settings)
    built = Built()
    collections = collection or [settings.collection]
    try:
        vendor_examples(services.answerer, questions, collections, built)
        if documents:
            document_examples(services.answerer, services.store, collections, documents, built)
    finally:
        services.close()
    write_jsonl(built.examples, dst)
    for why, n in sorted(built.skipped.items()):
        typer.echo(f"{n:5d}  {why}", err=True)
    typer.echo(f"{len(built.examples)} lines -> {dst}")


@app.command()
def runs(
    ctx: typer.Context, step: Annotated[str | None, typer.Option(help="Only this step.")] = None
) -> None:
    """List runs with their status, parent and headline metrics."""
    from finetune.artifacts import list_runs

    out = Table()
    for column in ("version", "status", "parent", "metrics"):
        out.add_column(column)
    for run in list_runs(get_settings(ctx), step):
        m = run.manifest["metrics"]
        headline = {k: m[k] for k in ("final_loss", "heldout_perplexity", "method", "quantization") if k in m}
        out.add_row(
            run.version, run.manifest["status"], run.manifest.get("parent") or "-", json.dumps(headline)
        )
    console.print(out)


@app.command("config")
def show_config(step: Annotated[str, typer.Argument(help=", ".join(CONFIGS))]) -> None:
    """Every setting of a step with its default and help."""
    if step not in CONFIGS:
        raise UserFacingError(f"unknown step '{step}'; one of {', '.join(CONFIGS)}")
    out = Table(title=f"{step} settings (--set key=value, or --config FILE.yaml)")
    for column in ("key", "type", "default", "help"):
        out.add_column(column)
    for name, type_name, default, help_text in cfg.describe(CONFIGS[step]):
        out.add_row(name, type_name, repr(default), help_text)
    console.print(out)


@app.command()
def adapt(
    ctx: typer.Context,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Say what would be trained on, train nothing.")
    ] = False,
    every: Annotated[
        str | None,
        typer.Option(
            help="Keep running: adapt every period (180d, 12h) or early when enough new data arrived."
        ),
    ] = None,
    config: ConfigFile = None,
    set_: Annotated[
        list[str] | None,
        typer.Option(
            "--set", help="key=value for adapt, or step.key=value for a step (cpt.max_steps=50); repeatable."
        ),
    ] = None,
) -> None:
    """Continual adaptation: train on what is new, evaluate, promote only if the gate passes."""
    import time

    from core.feedback import FeedbackStore
    from core.services import Services
    from finetune.adapt import AdaptConfig, due, parse_every, run_adapt

    settings = get_settings(ctx)
    own, per_step = [], {}
    for item in set_ or []:
        key = item.split("=", 1)[0]
        if "." in key:
            step, rest = item.split(".", 1)
            per_step.setdefault(step, []).append(rest)
        else:
            own.append(item)
    conf = cfg.load_config(AdaptConfig, config, own)
    period = parse_every(every) if every else None
    heartbeat = settings.data_dir / "trainer.heartbeat"
    while True:
        services = Services(settings)
        feedback = FeedbackStore(settings.feedback_path)
        try:
            reason = due(settings, conf, period, feedback, services.manifest) if period else "asked"
            if reason is not None:
                console.print(f"adaptation: {reason}")
                run_adapt(settings, conf, services, feedback, per_step, dry_run=dry_run, console=console)
        finally:
            feedback.close()
            services.close()
        if period is None:
            return
        heartbeat.parent.mkdir(parents=True, exist_ok=True)
        heartbeat.write_text(str(time.time()))
        time.sleep(min(3600.0, period.total_seconds()))
