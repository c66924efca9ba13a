"""Evaluation: held-out perplexity and answer quality with retrieval, against the current model.

Answer quality measures the product, not the bare model: each question goes through a
`retrieve(question) -> list[str]` function first and the model answers from those passages. The
retriever is a parameter; the CLI passes a dense search over the store until core's retriever is
wired, tests pass the gold context. Answers are scored against the reference with SQuAD-style token
F1 and ROUGE-L (LCS F-measure over the same tokens).
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

from core.errors import UserFacingError
from finetune.data import jsonl

log = logging.getLogger(__name__)

Retriever = Callable[[str], list[str]]
PromptBuilder = Callable[[str, list[str]], list[dict[str, str]]]

SYSTEM = "Answer the question from the numbered sources. Be brief and specific."


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
    """QA lines with `question` and `answer` (the vendor Q&A schema), or `prompt` and `completion`."""
    items = []
    for n, record in jsonl(path):
        question = record.get("question", record.get("prompt"))
        answer = record.get("answer", record.get("completion"))
        if not isinstance(question, str) or not isinstance(answer, str):
            raise UserFacingError(f"{path}:{n}: expected 'question' and 'answer' strings")
        items.append(QAItem(question, answer, str(record.get("id", n))))
    if not items:
        raise UserFacingError(f"{path}: no QA lines")
    return items


def default_prompt(question: str, contexts: list[str]) -> list[dict[str, str]]:
    sources = "\n\n".join(f"[{i}] {c.strip()}" for i, c in enumerate(contexts, 1))
    user = f"Sources:\n{sources}\n\nQuestion: {question}" if contexts else question
    return [{"role": "system", "content": SYSTEM}, {"role": "user", "content": user}]


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


def generate(
    model, tokenizer, messages: list[dict[str, str]], max_new_tokens: int, device: str = "cpu"
) -> str:
    import torch

    ids = tokenizer.apply_chat_template(
        messages, add_generation_prompt=True, return_tensors="pt", return_dict=True
    )
    ids = {k: v.to(device) for k, v in ids.items()}
    model.eval()
    with torch.inference_mode():
        out = model.generate(
            **ids, max_new_tokens=max_new_tokens, do_sample=False, pad_token_id=tokenizer.pad_token_id
        )
    return tokenizer.decode(out[0, ids["input_ids"].shape[1] :], skip_special_tokens=True).strip()


def score_qa(
    model,
    tokenizer,
    items: list[QAItem],
    retrieve: Retriever,
    *,
    max_new_tokens: int = 128,
    prompt: PromptBuilder = default_prompt,
    device: str = "cpu",
) -> dict[str, Any]:
    """Mean token F1 and ROUGE-L of the model's answers, each given what `retrieve` found."""
    answers = []
    for item in items:
        text = generate(
            model, tokenizer, prompt(item.question, retrieve(item.question)), max_new_tokens, device
        )
        answers.append(
            {
                "id": item.id,
                "answer": text,
                "f1": token_f1(text, item.answer),
                "rouge_l": rouge_l(text, item.answer),
            }
        )
    n = len(answers)
    return {
        "qa_items": n,
        "token_f1": round(sum(a["f1"] for a in answers) / n, 4),
        "rouge_l": round(sum(a["rouge_l"] for a in answers) / n, 4),
        "answers": answers,
    }


def store_retriever(store, embedder, collection: str, k: int) -> Retriever:
    """Dense search over live chunks: a stand-in until core's retriever is wired in."""
    from core.store import Match, Where

    def retrieve(question: str) -> list[str]:
        hits = store.search_dense(
            collection, embedder.embed_query(question), Where.of(Match("state", "live")), k
        )
        return [str(h.payload.get("text", "")) for h in hits]

    return retrieve


# --- comparison -----------------------------------------------------------------------------------------


def evaluate_models(
    models: dict[str, Any],
    tokenizer,
    *,
    heldout_texts: list[str] | None,
    qa_items: list[QAItem] | None,
    retrieve: Retriever | None,
    window: int = 256,
    max_heldout_tokens: int = 0,
    max_new_tokens: int = 128,
    prompt: PromptBuilder = default_prompt,
    device: str = "cpu",
) -> dict[str, dict[str, Any]]:
    """{name: metrics} for each model: held-out perplexity and/or QA scores."""
    if qa_items and retrieve is None:
        raise UserFacingError("QA scoring needs a retriever (it measures answers with retrieval)")
    results: dict[str, dict[str, Any]] = {}
    for name, model in models.items():
        metrics: dict[str, Any] = {}
        if heldout_texts:
            metrics["heldout_perplexity"] = perplexity(
                model, tokenizer, heldout_texts, window, device=device, max_tokens=max_heldout_tokens
            )
        if qa_items:
            metrics.update(
                score_qa(
                    model,
                    tokenizer,
                    qa_items,
                    retrieve,
                    max_new_tokens=max_new_tokens,
                    prompt=prompt,
                    device=device,
                )
            )
        results[name] = metrics
    return results


def table(results: dict[str, dict[str, Any]]) -> Table:
    out = Table(title="evaluation")
    out.add_column("model")
    out.add_column("held-out ppl", justify="right")
    out.add_column("token F1", justify="right")
    out.add_column("ROUGE-L", justify="right")
    out.add_column("QA items", justify="right")
    for name, m in results.items():
        out.add_row(
            name,
            f"{m['heldout_perplexity']:.3f}" if "heldout_perplexity" in m else "-",
            f"{m['token_f1']:.4f}" if "token_f1" in m else "-",
            f"{m['rouge_l']:.4f}" if "rouge_l" in m else "-",
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
    settings,
    config,
    version: str,
    *,
    against: str | None = None,
    store=None,
    qa_path: Path | None = None,
    retrieve: Retriever | None = None,
    prompt: PromptBuilder = default_prompt,
) -> dict[str, dict[str, Any]]:
    """Score `version` and `against` (default: the registry's current model, else the base model) on
    the same data; the results go into the candidate's manifest (`metrics.eval`) and
    `eval-<time>.json` beside it (with every answer)."""
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
    if not texts and not items:
        raise UserFacingError("nothing to evaluate: give a collection with held-out documents or a QA file")
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
                retrieve=retrieve,
                window=config.max_seq_len,
                max_heldout_tokens=config.max_heldout_tokens,
                max_new_tokens=config.max_new_tokens,
                prompt=prompt,
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
    summary = {n: {k: v for k, v in m.items() if k != "answers"} for n, m in results.items()}
    candidate.manifest["metrics"]["eval"] = {
        "created_at": stamp,
        "against": against or "base",
        "results": summary,
        "file": path.name,
    }
    write_manifest(candidate)
    return results
