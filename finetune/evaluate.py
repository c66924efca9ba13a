"""Evaluation: held-out perplexity and answer quality through the product's answer path.

Answer quality measures the product, not the bare model: each question goes through the same
`core.answer.Answerer` the bot uses (built by `core.answer.build_answerer` from the same settings),
over the real hybrid `core.retrieval.Retriever`, with the model under test as its chat model
(`finetune.chat.TransformersChat`). So the model sees byte for byte the prompt the bot would send
for that question (`core.prompt.build_messages`), its answer is checked and cited as the bot's is,
and a question the documents do not cover is declined without asking the model. The answer text
(citation markers removed) is scored against the reference with SQuAD-style token F1 and ROUGE-L
(LCS F-measure over the same tokens); the share of generated, quoted (extractive fallback) and
declined answers is reported beside them.
"""

from __future__ import annotations

import logging
import math
import re
import string
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rich.table import Table

from core.answer import Answerer, build_answerer
from core.answer_eval.questions import BenchQuestion
from core.chat import ChatModel
from core.errors import UserFacingError
from core.prompt import cited_numbers, strip_citations
from core.retrieval import Retriever
from core.settings import Settings
from finetune.data import asked, jsonl

log = logging.getLogger(__name__)

# How a loaded model answers: (name, model) -> a chat model; default: in-process transformers.
ChatFor = Callable[[str, Any], ChatModel]


# --- perplexity ---------------------------------------------------------------------------------------


def perplexity(
    model, tokenizer, texts: list[str], window: int, device: str = "cpu", max_tokens: int = 0
) -> float:
    """exp(mean next-token loss) over the texts cut into windows of `window` tokens."""
    import torch

    from finetune.data import pack_blocks

    blocks = pack_blocks(tokenizer, texts, window)
    if max_tokens:
        blocks = blocks[: max(1, max_tokens // window)]
    if not blocks:
        raise UserFacingError("no held-out text to measure perplexity on")
    was_training = model.training
    model.eval()
    total, count = 0.0, 0
    with torch.inference_mode():
        for start in range(0, len(blocks), 8):
            batch = torch.tensor(blocks[start : start + 8], device=device)
            out = model(input_ids=batch, labels=batch)
            n = batch.shape[0] * (batch.shape[1] - 1)
            total += float(out.loss) * n
            count += n
    model.train(was_training)
    return round(math.exp(total / count), 4)


# --- answer quality -----------------------------------------------------------------------------------


@dataclass
class QAItem:
    question: str
    answer: str
    id: str = ""


def read_qa(path: Path) -> list[QAItem]:
    """QA lines with `question` and `answer` (the vendor Q&A schema: the solicitation is named in the
    question as training lines name it, `finetune.data.asked`), or `prompt` and `completion`."""
    items = []
    for n, record in jsonl(path):
        question = record.get("question", record.get("prompt"))
        answer = record.get("answer", record.get("completion"))
        if not isinstance(question, str) or not isinstance(answer, str):
            raise UserFacingError(f"{path}:{n}: expected 'question' and 'answer' strings")
        items.append(QAItem(asked({**record, "question": question}), answer, str(record.get("id", n))))
    if not items:
        raise UserFacingError(f"{path}: no QA lines")
    return items


@dataclass
class AnswerPath:
    """How evaluation answers: the bot's Answerer over the real Retriever, searching `collections`,
    with the model under test as its chat model. `max_new_tokens` caps each answer (the bot's
    RFP_MAX_NEW_TOKENS when 0)."""

    settings: Settings
    retriever: Retriever
    collections: list[str]
    max_new_tokens: int = 0

    def answerer(self, chat: ChatModel) -> Answerer:
        return build_answerer(
            self.settings,
            retriever=self.retriever,
            chat=lambda: chat,
            embedder=self.retriever.embedder,
            max_new_tokens=self.max_new_tokens or None,
        )


_ARTICLES = re.compile(r"\b(a|an|the)\b")
_PUNCT = str.maketrans("", "", string.punctuation)


def tokens(text: str) -> list[str]:
    return _ARTICLES.sub(" ", text.lower().translate(_PUNCT)).split()


def token_f1(prediction: str, reference: str) -> float:
    pred, ref = tokens(prediction), tokens(reference)
    common = sum((Counter(pred) & Counter(ref)).values())
    if not pred or not ref or not common:
        return float(pred == ref)
    precision, recall = common / len(pred), common / len(ref)
    return 2 * precision * recall / (precision + recall)


def rouge_l(prediction: str, reference: str) -> float:
    pred, ref = tokens(prediction), tokens(reference)
    if not pred or not ref:
        return float(pred == ref)
    previous = [0] * (len(ref) + 1)
    for p in pred:
        current = [0]
        for j, r in enumerate(ref, 1):
            current.append(previous[j - 1] + 1 if p == r else max(previous[j], current[j - 1]))
        previous = current
    lcs = previous[-1]
    if not lcs:
        return 0.0
    precision, recall = lcs / len(pred), lcs / len(ref)
    return 2 * precision * recall / (precision + recall)


def score_qa(chat: ChatModel, items: list[QAItem], path: AnswerPath) -> dict[str, Any]:
    """Each question answered as the bot answers it, with `chat` as the model; mean token F1 and
    ROUGE-L of the answers against the references, the share of each answer mode, and every answer
    with the prompt the model was sent."""
    answerer = path.answerer(chat)
    answers = []
    for item in items:
        answer = answerer.answer(item.question, path.collections, extractive=False)
        text = strip_citations(answer.text)
        answers.append(
            {
                "id": item.id,
                "question": item.question,
                "answer": answer.text,
                "mode": answer.mode,
                "citations": sorted(set(cited_numbers(answer.text))),
                "sources": [s.label for s in answer.sources],
                "raw": answer.raw,
                "prompt": answer.prompt,
                "f1": token_f1(text, item.answer),
                "rouge_l": rouge_l(text, item.answer),
            }
        )
    n = len(answers)
    modes = Counter(a["mode"] for a in answers)
    return {
        "qa_items": n,
        "token_f1": round(sum(a["f1"] for a in answers) / n, 4),
        "rouge_l": round(sum(a["rouge_l"] for a in answers) / n, 4),
        **{f"{mode}_share": round(modes[mode] / n, 4) for mode in ("generated", "extractive", "declined")},
        "answers": answers,
    }


# The answer benchmark's figures (`rfp eval answers`, core.answer_eval) kept in a model's metrics.
BENCH_FIGURES = (
    "key_fact_agreement",
    "citation_support",
    "wrong_confident",
    "wrong_confident_share",
    "invented_citations",
    "decline_accuracy",
    "wrongly_declined",
    "answered",
    "seconds_total",
)


def score_answers(chat: ChatModel, questions: list[BenchQuestion], path: AnswerPath) -> dict[str, Any]:
    """The answer benchmark over the bot's answer path with `chat` as the model: each question asked
    as `rfp eval answers` asks it and scored by the same code (`core.answer_eval`: key-fact agreement,
    citation support, wrong-but-confident answers, declines). `bench_answers` holds every scored
    answer (the lines `rfp eval answers --details` writes)."""
    from core.answer_eval.report import summarize
    from core.answer_eval.run import run

    answerer = path.answerer(chat)
    results = run(questions, {chat.version: lambda q: answerer.answer(q, path.collections, extractive=False)})
    figures = summarize(results)
    return {
        "bench_questions": len(questions),
        **{k: figures[k] for k in BENCH_FIGURES},
        "bench_answers": [r.to_json() for r in results],
    }


DETAIL_KEYS = ("answers", "bench_answers")  # per-answer lists: in eval-<time>.json, not in manifests


# --- comparison -----------------------------------------------------------------------------------------


def evaluate_models(
    models: dict[str, Any],
    tokenizer,
    *,
    heldout_texts: list[str] | None,
    qa_items: list[QAItem] | None,
    answer_path: AnswerPath | None,
    questions: list[BenchQuestion] | None = None,
    chat_for: ChatFor | None = None,
    window: int = 256,
    max_heldout_tokens: int = 0,
    device: str = "cpu",
) -> dict[str, dict[str, Any]]:
    """{name: metrics} for each model: held-out perplexity, QA scores and/or the answer benchmark's
    figures (`questions`), both through the answer path."""
    from finetune.chat import TransformersChat

    if (qa_items or questions) and answer_path is None:
        raise UserFacingError("QA scoring needs the retriever (it measures answers the way the bot answers)")
    if chat_for is None:

        def chat_for(name: str, model: Any) -> ChatModel:
            return TransformersChat(model, tokenizer, name, device)

    results: dict[str, dict[str, Any]] = {}
    for name, model in models.items():
        metrics: dict[str, Any] = {}
        if heldout_texts:
            metrics["heldout_perplexity"] = perplexity(
                model, tokenizer, heldout_texts, window, device=device, max_tokens=max_heldout_tokens
            )
        if qa_items and answer_path is not None:
            metrics.update(score_qa(chat_for(name, model), qa_items, answer_path))
        if questions and answer_path is not None:
            metrics.update(score_answers(chat_for(name, model), questions, answer_path))
        results[name] = metrics
    return results


def table(results: dict[str, dict[str, Any]]) -> Table:
    out = Table(title="evaluation")
    out.add_column("model")
    out.add_column("held-out ppl", justify="right")
    out.add_column("token F1", justify="right")
    out.add_column("ROUGE-L", justify="right")
    out.add_column("generated", justify="right")
    out.add_column("quoted", justify="right")
    out.add_column("declined", justify="right")
    out.add_column("QA items", justify="right")
    for name, m in results.items():
        out.add_row(
            name,
            f"{m['heldout_perplexity']:.3f}" if "heldout_perplexity" in m else "-",
            *(f"{m[k]:.4f}" if k in m else "-" for k in ("token_f1", "rouge_l")),
            *(
                f"{m[k]:.0%}" if k in m else "-"
                for k in ("generated_share", "extractive_share", "declined_share")
            ),
            str(m.get("qa_items", "-")),
        )
    return out


# --- the eval step ---------------------------------------------------------------------------------------


def heldout_texts(settings, config, store, version: str | None) -> list[str]:
    """Held-out documents of the collection: the split a CPT run in the lineage recorded, else a fresh
    split with the config's fraction and seed."""
    from finetune.artifacts import lineage
    from finetune.data import read_documents, split_documents

    collection = config.collection or settings.collection
    docs, _ = read_documents(store, collection)
    recorded: list[str] | None = None
    for run in lineage(settings, version) if version else []:
        for entry in run.manifest["data"]:
            if entry.get("split") == "heldout" and entry.get("source") == f"collection:{collection}":
                recorded = entry.get("doc_ids")
    if recorded is not None:
        keep = set(recorded)
        return [d.text for d in docs if d.doc_id in keep]
    return [d.text for d in split_documents(docs, config.heldout_fraction, config.seed)[1]]


def current_version(settings, base: dict[str, Any]) -> str | None:
    """The run behind the registry's current model when it starts from the same base; else None
    (the base model itself is then what answers today)."""
    from core.registry import Registry

    current = Registry(settings.models_dir).current()
    if current is None or current.manifest.get("base_model", {}).get("sha256") != base["sha256"]:
        return None
    return current.manifest.get("parent")


def run_eval(
    settings: Settings,
    config,
    version: str,
    *,
    against: str | None = None,
    store=None,
    qa_path: Path | None = None,
    retriever: Retriever | None = None,
    chat_for: ChatFor | None = None,
    questions: list[BenchQuestion] | None = None,
) -> dict[str, dict[str, Any]]:
    """Score `version` and `against` (default: the registry's current model, else the base model) on
    the same data: held-out perplexity over `store`'s collection, the QA file answered through
    the bot's answer path over `retriever` (searching the same collection), and the answer
    benchmark's `questions` (`score_answers`) through the same path. The results go into the
    candidate's manifest (`metrics.eval`) and `eval-<time>.json` beside it (every answer, with the
    prompt its model was sent). `chat_for` serves a loaded model some other way (default: in-process)."""
    import json

    from finetune.artifacts import load_run, now_iso, write_manifest
    from finetune.base_model import load_tokenizer, load_version, pick_device

    candidate = load_run(settings, version)
    base = candidate.manifest["base_model"]
    if against is None:
        against = current_version(settings, base)
    if against is not None and load_run(settings, against).manifest["base_model"]["sha256"] != base["sha256"]:
        raise UserFacingError(
            f"{version} and {against} start from different base models; compare like with like"
        )
    device = pick_device(config.device)
    texts = heldout_texts(settings, config, store, version) if store is not None else None
    items = read_qa(qa_path) if qa_path else None
    if items and config.qa_limit:
        items = items[: config.qa_limit]
    if questions and config.qa_limit:
        questions = questions[: config.qa_limit]
    if not texts and not items and not questions:
        raise UserFacingError("nothing to evaluate: give a collection with held-out documents or a QA file")
    answer_path = None
    if items or questions:
        if retriever is None:
            raise UserFacingError(
                "QA scoring needs the retriever (it measures answers the way the bot answers)"
            )
        answer_path = AnswerPath(
            settings, retriever, [config.collection or settings.collection], config.max_new_tokens
        )
    names = {version: version, against or "base": against}
    results: dict[str, dict[str, Any]] = {}
    tokenizer = load_tokenizer(base["hf_dir"])
    for name, v in names.items():
        model = load_version(settings, v, base, device)
        results.update(
            evaluate_models(
                {name: model},
                tokenizer,
                heldout_texts=texts,
                qa_items=items,
                answer_path=answer_path,
                questions=questions,
                chat_for=chat_for,
                window=config.max_seq_len,
                max_heldout_tokens=config.max_heldout_tokens,
                device=device,
            )
        )
        del model
    stamp = now_iso()
    path = candidate.dir / f"eval-{stamp.replace(':', '')}.json"
    path.write_text(
        json.dumps(
            {"created_at": stamp, "qa_file": str(qa_path) if qa_path else None, "results": results}, indent=2
        )
    )
    summary = {n: {k: v for k, v in m.items() if k not in DETAIL_KEYS} for n, m in results.items()}
    candidate.manifest["metrics"]["eval"] = {
        "created_at": stamp,
        "against": against or "base",
        "results": summary,
        "file": path.name,
    }
    write_manifest(candidate)
    return results
