"""Continual adaptation: find what is new since the current model was trained, train on it, evaluate,
and promote only if the gate passes.

One cycle:
1. **What is new**: documents ingested into the collection after the current model's training data
   snapshot (`trained_through`), and Slack feedback collected after it.
2. **Knowledge (cpt)**: a LoRA adapter on the new documents, trained from the same starting point as
   the current model's knowledge adapter, then merged (linear) with that previous adapter so what
   the model learned from older documents is kept rather than overwritten.
3. **Feedback (sft, align)**: on top of the knowledge, instruction tuning on suggested answers and
   preference alignment (DPO from suggestions, else KTO from votes), using all feedback so earlier
   lessons stay.
4. **Gate**: with a QA file, the answer benchmark (`rfp eval answers`' scoring, `core.answer_eval`)
   over the bot's answer path (`finetune.evaluate.score_answers`: the same Answerer, Retriever and
   prompt), candidate against the current model on the same questions (the held-back half of the
   split by default): promoted only if key-fact agreement and citation support are not lower and
   there are not more wrong-but-confident answers or invented citations. Without a QA file, held-out
   perplexity decides. The table prints either way, the decision goes to `models_dir/adapt.jsonl`
   and to Slack (RFP_REPORT_CHANNEL).

Content tagged status=expired or status=withdrawn is never trained on (finetune.data.excluded).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import logging
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from core.errors import UserFacingError
from core.settings import Settings

log = logging.getLogger(__name__)
STEPS = ("cpt", "sft", "align")


def _help(default, text: str):
    return field(default=default, metadata={"help": text})


@dataclass
class AdaptConfig:
    collection: str = _help(
        "", "Collection whose new documents are trained on; empty: the default collection."
    )
    steps: list[str] = field(
        default_factory=lambda: list(STEPS),
        metadata={"help": "Steps to run when they have data: cpt, sft, align."},
    )
    min_new_documents: int = _help(1, "Run cpt only with at least this many new documents.")
    min_new_feedback: int = _help(1, "Run sft/align only with at least this much new feedback.")
    max_perplexity_increase: float = _help(0.05, "Gate: held-out perplexity may rise at most this share.")
    max_qa_drop: float = _help(
        0.02,
        "Gate without the answer benchmark (results with token F1 only): QA token F1 may drop at most this much.",
    )
    qa_file: str = _help(
        "",
        "Question file of the answer benchmark (rfp eval answers: question, answer, kind) the gate scores "
        "both models on; empty: none (held-out perplexity decides).",
    )
    qa_split: str = _help(
        "held_back", "Which half of the split the gate scores: held_back, train or all (every question)."
    )
    qa_split_file: str = _help(
        "eval/vendor_split.json", "The split (rfp eval split); questions it does not list are all scored."
    )
    max_agreement_drop: float = _help(0.0, "Gate: key-fact agreement may drop at most this much.")
    max_support_drop: float = _help(0.0, "Gate: citation support may drop at most this much.")
    max_wrong_increase: int = _help(0, "Gate: at most this many more wrong-but-confident answers.")
    merge_method: str = _help("linear", "How the new knowledge adapter joins the previous one.")
    trigger_documents: int = _help(50, "With --every: adapt early once this many new documents arrived.")
    trigger_feedback: int = _help(25, "With --every: adapt early once this much new feedback arrived.")


@dataclass
class Plan:
    since: dt.datetime | None
    current: str | None
    new_documents: list[str]
    feedback: dict[str, int]
    steps: list[tuple[str, str]]  # (step, why)

    @property
    def empty(self) -> bool:
        return not self.steps


@dataclass
class Decision:
    at: str
    promoted: bool
    reason: str
    candidate: str | None = None
    current: str | None = None
    exported: str | None = None
    results: dict[str, Any] = field(default_factory=dict)
    plan: dict[str, Any] = field(default_factory=dict)


def _parse_time(value: str | None) -> dt.datetime | None:
    if not value:
        return None
    t = dt.datetime.fromisoformat(value)
    return t if t.tzinfo else t.replace(tzinfo=dt.UTC)


def adapt_state(settings: Settings) -> dict[str, Any]:
    from core.registry import Registry

    current = Registry(settings.models_dir).current()
    if current is None:
        return {}
    state = dict(current.manifest.get("adapt") or {})
    state.setdefault("trained_through", current.created_at)
    state["version"] = current.version
    state["run"] = current.manifest.get("parent")
    return state


def plan(settings: Settings, config: AdaptConfig, feedback_store, manifest) -> Plan:
    state = adapt_state(settings)
    since = _parse_time(state.get("trained_through"))
    collection = config.collection or settings.collection
    new_docs = [
        r.path
        for r in manifest.files(collection)
        if since is None or (_parse_time(r.ingested_at) or since) > since
    ]
    items = feedback_store.feedback_since(since)
    feedback = {
        "votes": sum(f.kind == "vote" for f in items),
        "suggestions": sum(f.kind == "suggestion" for f in items),
    }
    steps: list[tuple[str, str]] = []
    if "cpt" in config.steps and len(new_docs) >= config.min_new_documents:
        steps.append(("cpt", f"{len(new_docs)} new documents"))
    total = feedback["votes"] + feedback["suggestions"]
    if total >= config.min_new_feedback:
        if "sft" in config.steps and feedback["suggestions"]:
            steps.append(("sft", f"{feedback['suggestions']} suggested answers"))
        if "align" in config.steps and (feedback["suggestions"] or feedback["votes"] >= 2):
            method = "dpo" if feedback["suggestions"] else "kto"
            steps.append(("align", f"{method} on {total} feedback items"))
    return Plan(since, state.get("version"), new_docs, feedback, steps)


def plan_table(p: Plan) -> Table:
    table = Table(title="adaptation plan", show_header=False)
    table.add_column(style="bold")
    table.add_column()
    table.add_row("current model", p.current or "the packaged base model")
    table.add_row("new since", p.since.isoformat() if p.since else "ever (no adapted model yet)")
    table.add_row(
        "new documents",
        f"{len(p.new_documents)}"
        + (
            f": {', '.join(p.new_documents[:5])}" + (" ..." if len(p.new_documents) > 5 else "")
            if p.new_documents
            else ""
        ),
    )
    table.add_row(
        "new feedback", f"{p.feedback['votes']} votes, {p.feedback['suggestions']} suggested answers"
    )
    table.add_row("steps", "; ".join(f"{s} ({why})" for s, why in p.steps) or "none: nothing new to learn")
    return table


def _benchmark_reasons(new: dict[str, Any], old: dict[str, Any], config: AdaptConfig) -> list[str]:
    reasons = []
    for key, name, drop in (
        ("key_fact_agreement", "key-fact agreement", config.max_agreement_drop),
        ("citation_support", "citation support", config.max_support_drop),
    ):
        if old.get(key) is None:
            continue
        if new.get(key) is None:
            reasons.append(f"{name} cannot be judged for the candidate (current: {old[key]:.3f})")
        elif new[key] < old[key] - drop - 1e-9:
            reasons.append(f"{name} {new[key]:.3f} < {old[key] - drop:.3f} allowed")
    wrong = old.get("wrong_confident", 0) + config.max_wrong_increase
    if new.get("wrong_confident", 0) > wrong:
        reasons.append(f"wrong-but-confident answers {new['wrong_confident']} > {wrong} allowed")
    if new.get("invented_citations", 0) > old.get("invented_citations", 0):
        reasons.append(f"invented citations {new['invented_citations']} > {old.get('invented_citations', 0)}")
    return reasons


def gate(
    results: dict[str, dict[str, Any]], candidate: str, current: str, config: AdaptConfig
) -> tuple[bool, str]:
    """Whether the candidate may replace the current model. With the answer benchmark's figures
    (a QA file), only they decide: key-fact agreement and citation support not lower (by more than
    allowed), not more wrong-but-confident answers, not more invented citations. Without them,
    held-out perplexity (and QA token F1 from an older evaluation) decide."""
    new, old = results[candidate], results[current]
    if "bench_questions" in new and "bench_questions" in old:
        reasons = _benchmark_reasons(new, old, config)
        return (not reasons), ("; ".join(reasons) or "answers not worse than the current model's")
    reasons = []
    if "heldout_perplexity" in new and "heldout_perplexity" in old:
        limit = old["heldout_perplexity"] * (1 + config.max_perplexity_increase)
        if new["heldout_perplexity"] > limit:
            reasons.append(f"held-out perplexity {new['heldout_perplexity']:.3f} > {limit:.3f} allowed")
    if "token_f1" in new and "token_f1" in old:
        floor = old["token_f1"] - config.max_qa_drop
        if new["token_f1"] < floor:
            reasons.append(f"QA token F1 {new['token_f1']:.3f} < {floor:.3f} allowed")
    if not any(k in new for k in ("heldout_perplexity", "token_f1")):
        return False, "nothing to measure the candidate on (no held-out documents, no QA file)"
    return (not reasons), ("; ".join(reasons) or "not worse than the current model")


def gate_questions(config: AdaptConfig) -> list:
    """The answer benchmark's questions for the gate: the QA file, narrowed to `qa_split`."""
    from core.answer_eval.questions import load_questions
    from core.answer_eval.split import NAMES, in_split, load_split

    questions = load_questions(Path(config.qa_file))
    if config.qa_split == "all":
        return questions
    if config.qa_split not in NAMES:
        raise UserFacingError(f"qa_split={config.qa_split!r}: use held_back, train or all")
    chosen = load_split(Path(config.qa_split_file))
    return [q for q in questions if in_split(q.id, chosen, config.qa_split)]


COLUMNS = (
    ("held-out ppl", "heldout_perplexity", "{:.3f}"),
    ("key-fact agreement", "key_fact_agreement", "{:.3f}"),
    ("citation support", "citation_support", "{:.3f}"),
    ("wrong but confident", "wrong_confident", "{}"),
    ("invented citations", "invented_citations", "{}"),
    ("QA token F1", "token_f1", "{:.4f}"),
)


def decision_table(decision: Decision) -> Table:
    table = Table(title=f"adaptation: {'PROMOTED' if decision.promoted else 'not promoted'}")
    table.add_column("model")
    shown = [c for c in COLUMNS if any(c[1] in m for m in decision.results.values())]
    for title, _, _ in shown:
        table.add_column(title, justify="right")
    for name, m in decision.results.items():
        table.add_row(name, *(fmt.format(m[k]) if m.get(k) is not None else "-" for _, k, fmt in shown))
    return table


def run_adapt(
    settings: Settings,
    config: AdaptConfig,
    services,
    feedback_store,
    step_sets: dict[str, list[str]] | None = None,
    dry_run: bool = False,
    console: Console | None = None,
) -> Decision | None:
    """One adaptation cycle. `services` gives the store, manifest and retriever; `step_sets` are
    `--set` overrides per step (e.g. {"cpt": ["max_steps=2"]})."""
    from core.registry import Registry
    from finetune import config as cfg
    from finetune.align import align
    from finetune.cpt import cpt
    from finetune.evaluate import DETAIL_KEYS, run_eval
    from finetune.export import export
    from finetune.feedback import export as export_feedback
    from finetune.merge import merge
    from finetune.sft import sft

    console = console or Console()
    step_sets = step_sets or {}
    # The snapshot time: what arrives while this cycle trains is new for the next one. Milliseconds,
    # like the manifest's ingested_at, so nothing from this very second is counted twice or missed.
    now = dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds")
    p = plan(settings, config, feedback_store, services.manifest)
    console.print(plan_table(p))
    if dry_run:
        return None
    state = adapt_state(settings)
    decision = Decision(
        now,
        False,
        "",
        current=state.get("version"),
        plan={
            "new_documents": len(p.new_documents),
            "feedback": p.feedback,
            "steps": [s for s, _ in p.steps],
        },
    )
    if p.empty:
        decision.reason = "nothing new to learn"
        return _finish(settings, decision, console)

    collection = config.collection or settings.collection
    knowledge_parent = state.get("knowledge_parent")
    knowledge = state.get("knowledge")
    steps = [s for s, _ in p.steps]
    if "cpt" in steps:
        conf = cfg.load_config(cfg.CptConfig, None, step_sets.get("cpt"), collection=collection)
        new_cpt = cpt(settings, conf, services.store, parent=knowledge_parent)
        if knowledge:
            merged = merge(
                settings,
                cfg.load_config(cfg.MergeConfig, None, step_sets.get("merge"), method=config.merge_method),
                [knowledge, new_cpt.version],
            )
            knowledge = merged.version
        else:
            knowledge = new_cpt.version
    tip = knowledge
    with tempfile.TemporaryDirectory() as tmp:
        if "sft" in steps:
            path = Path(tmp) / "sft.jsonl"
            if export_feedback(feedback_store, "sft", path):
                conf = cfg.load_config(cfg.SftConfig, None, step_sets.get("sft"))
                tip = sft(settings, conf, [path], parent=tip).version
        if "align" in steps:
            method = "dpo" if p.feedback["suggestions"] else "kto"
            path = Path(tmp) / f"{method}.jsonl"
            if export_feedback(feedback_store, method, path):
                conf = cfg.load_config(cfg.AlignConfig, None, step_sets.get("align"), method=method)
                tip = align(settings, conf, path, parent=tip).version
    if tip is None or tip == state.get("run"):
        decision.reason = "no step produced a new model"
        return _finish(settings, decision, console)
    decision.candidate = tip

    eval_conf = cfg.load_config(cfg.EvalConfig, None, step_sets.get("eval"), collection=collection)
    questions = gate_questions(config) if config.qa_file else None
    results = run_eval(
        settings,
        eval_conf,
        tip,
        against=state.get("run"),
        store=services.store,
        retriever=services.retriever if questions else None,
        questions=questions,
    )
    current_name = state.get("run") or "base"
    decision.results = {k: {m: v for m, v in r.items() if m not in DETAIL_KEYS} for k, r in results.items()}
    passed, why = gate(results, tip, current_name, config)
    decision.reason = why
    if passed:
        exported = export(settings, cfg.load_config(cfg.ExportConfig, None, step_sets.get("export")), tip)
        registry = Registry(settings.models_dir)
        entry = registry.get(exported.version)
        assert entry is not None, "export registers the model"
        entry.manifest["adapt"] = {
            "trained_through": now,
            "knowledge": knowledge,
            "knowledge_parent": knowledge_parent,
            "tip": tip,
        }
        entry.metrics.update({k: v for k, v in results[tip].items() if k not in DETAIL_KEYS})
        registry.register(entry)
        registry.promote(exported.version, reason=f"adapt: {why}")
        decision.promoted, decision.exported = True, exported.version
    return _finish(settings, decision, console)


def _finish(settings: Settings, decision: Decision, console: Console) -> Decision:
    from core.notify import post_to_slack

    if decision.results:
        console.print(decision_table(decision))
    console.print(
        f"decision: {'promoted ' + str(decision.exported) if decision.promoted else 'not promoted'}"
        f" ({decision.reason})"
    )
    log_path = settings.models_dir / "adapt.jsonl"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with open(log_path, "a") as f:
        f.write(json.dumps(dataclasses.asdict(decision), default=str) + "\n")
    lines = [
        f"*Model adaptation {decision.at}*: "
        + (f"promoted `{decision.exported}`" if decision.promoted else "not promoted")
        + f" ({decision.reason})"
    ]
    for name, m in decision.results.items():
        bits = ", ".join(f"{k} {v:.3f}" for k, v in m.items() if isinstance(v, int | float))
        lines.append(f"• `{name}`: {bits}")
    post_to_slack(settings, "\n".join(lines))
    return decision


def last_run(settings: Settings) -> dt.datetime | None:
    path = settings.models_dir / "adapt.jsonl"
    if not path.exists():
        return None
    lines = [line for line in path.read_text().splitlines() if line.strip()]
    return _parse_time(json.loads(lines[-1])["at"]) if lines else None


def parse_every(text: str) -> dt.timedelta:
    """'180d', '12h', '30m' or '2w'."""
    units = {"m": "minutes", "h": "hours", "d": "days", "w": "weeks"}
    try:
        value, unit = float(text[:-1]), units[text[-1]]
    except (ValueError, KeyError, IndexError):
        raise UserFacingError(f"--every {text!r}: use a number and m, h, d or w (e.g. 180d)") from None
    return dt.timedelta(**{unit: value})


def due(settings: Settings, config: AdaptConfig, every: dt.timedelta, feedback_store, manifest) -> str | None:
    """Why a cycle should run now, or None."""
    last = last_run(settings)
    if last is None or dt.datetime.now(dt.UTC) - last >= every:
        return "scheduled" if last else "first run"
    p = plan(settings, config, feedback_store, manifest)
    if len(p.new_documents) >= config.trigger_documents:
        return f"{len(p.new_documents)} new documents"
    if sum(p.feedback.values()) >= config.trigger_feedback:
        return f"{sum(p.feedback.values())} new feedback items"
    return None
