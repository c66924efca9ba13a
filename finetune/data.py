"""Training data: the text of an ingested collection, SFT pairs and preference pairs (JSONL).

Every reader names the file and line at fault. Schemas (docs/finetune.md has them with examples):

- SFT: `{"messages": [{"role": "system"|"user"|"assistant", "content": str}, ...]}` ending with an
  assistant message, or `{"prompt": str, "completion": str}`.
- DPO: `{"prompt": str | messages, "chosen": str, "rejected": str}`.
- KTO: `{"prompt": str | messages, "completion": str, "label": bool}`.

Other keys on a line are ignored, so exports may carry ids and timestamps.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from core.errors import UserFacingError
from core.store import ChunkPayload, Match, Store, Where, scroll_all
from finetune.artifacts import sha256_file, sha256_texts

if TYPE_CHECKING:
    from core.answer import Answerer
    from core.retrieval import Filters

ROLES = ("system", "user", "assistant")


# --- the collection ---------------------------------------------------------------------------------


def tag_pairs(payload: ChunkPayload) -> set[tuple[str, str]]:
    """(key, value) tags from `tag_list` ("key=value" strings) and the `tags` dict, lowercased."""
    pairs: set[tuple[str, str]] = set()
    for item in payload.tag_list:
        key, sep, value = str(item).partition("=")
        if sep:
            pairs.add((key.strip().lower(), value.strip().lower()))
    for key, value in payload.tags.items():
        values = value if isinstance(value, (list, tuple)) else [value]
        pairs.update((str(key).lower(), str(v).lower()) for v in values)
    return pairs


def excluded(payload: ChunkPayload, statuses: Iterable[str] = ("expired", "withdrawn")) -> bool:
    """True for a chunk that must never be trained on: tagged status=expired or status=withdrawn."""
    barred = {("status", s.lower()) for s in statuses}
    return bool(tag_pairs(payload) & barred)


@dataclass
class Document:
    doc_id: str
    path: str
    text: str
    chunks: int


def read_documents(
    store: Store, collection: str, statuses: Iterable[str] = ("expired", "withdrawn")
) -> tuple[list[Document], int]:
    """Live chunks of `collection`, minus excluded ones, joined back into documents in chunk order.

    Returns the documents (sorted by doc_id) and how many chunks were left out by their tags."""
    if not store.has_collection(collection):
        raise UserFacingError(
            f"collection '{collection}' does not exist yet: ingest documents into it first "
            f"(rfp ingest PATH --collection {collection})"
        )
    by_doc: dict[str, list[ChunkPayload]] = defaultdict(list)
    dropped = 0
    for hit in scroll_all(store, collection, Where.of(Match("state", "live"))):
        payload = hit.chunk
        if excluded(payload, statuses):
            dropped += 1
            continue
        if payload.text.strip():
            by_doc[payload.doc_id].append(payload)
    docs = []
    for doc_id in sorted(by_doc):
        chunks = sorted(by_doc[doc_id], key=lambda p: p.chunk_index)
        text = "\n\n".join(c.text.strip() for c in chunks)
        docs.append(Document(doc_id, chunks[0].path, text, len(chunks)))
    return docs, dropped


def split_documents(
    docs: list[Document], heldout_fraction: float, seed: int = 0
) -> tuple[list[Document], list[Document]]:
    """Train and held-out sets by document (never by chunk), stable across runs for the same seed.

    Documents are ordered by a hash of (seed, doc_id), so adding a document does not move others."""
    if not 0 <= heldout_fraction < 1:
        raise UserFacingError(f"heldout_fraction must be in [0, 1), got {heldout_fraction}")
    ranked = sorted(docs, key=lambda d: hashlib.sha256(f"{seed}:{d.doc_id}".encode()).hexdigest())
    n_heldout = round(len(docs) * heldout_fraction)
    if heldout_fraction > 0 and len(docs) >= 2:
        n_heldout = max(1, n_heldout)
    heldout_ids = {d.doc_id for d in ranked[:n_heldout]}
    return [d for d in docs if d.doc_id not in heldout_ids], [d for d in docs if d.doc_id in heldout_ids]


def documents_digest(docs: list[Document]) -> str:
    return sha256_texts(f"{d.doc_id}\0{d.text}" for d in docs)


def pack_blocks(tokenizer, texts: Iterable[str], block: int) -> list[list[int]]:
    """Texts tokenized, each ended with EOS, concatenated and cut into blocks of `block` tokens.

    A remainder shorter than a block is dropped unless it is the only block."""
    stream: list[int] = []
    for text in texts:
        stream.extend(tokenizer(text, add_special_tokens=False)["input_ids"])
        stream.append(tokenizer.eos_token_id)
    if len(stream) <= block:
        return [stream] if len(stream) > 1 else []
    return [stream[i : i + block] for i in range(0, len(stream) - block + 1, block)]


# --- JSONL --------------------------------------------------------------------------------------------


def jsonl(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    path = Path(path)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError as exc:
        raise UserFacingError(f"{path}: no such file") from exc
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise UserFacingError(f"{path}:{number}: not valid JSON ({exc.msg})") from exc
        if not isinstance(record, dict):
            raise UserFacingError(f"{path}:{number}: expected a JSON object")
        yield number, record


def file_entry(path: Path, records: int, **extra: Any) -> dict[str, Any]:
    """A manifest `data` entry for an input file."""
    return {
        "source": str(Path(path).resolve()),
        "sha256": sha256_file(Path(path)),
        "records": records,
        **extra,
    }


def _text(value: Any, where: str, key: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise UserFacingError(f"{where}: '{key}' must be a non-empty string")
    return value


def _messages(value: Any, where: str, key: str = "messages") -> list[dict[str, str]]:
    if isinstance(value, str):
        return [{"role": "user", "content": _text(value, where, key)}]
    if not isinstance(value, list) or not value:
        raise UserFacingError(f"{where}: '{key}' must be a string or a non-empty list of messages")
    out = []
    for i, message in enumerate(value):
        if not isinstance(message, dict) or message.get("role") not in ROLES:
            raise UserFacingError(f"{where}: {key}[{i}] needs a role among {', '.join(ROLES)}")
        out.append(
            {"role": message["role"], "content": _text(message.get("content"), where, f"{key}[{i}].content")}
        )
    return out


def sft_example(record: dict[str, Any], where: str) -> dict[str, list[dict[str, str]]]:
    """One SFT line as a conversational prompt/completion pair (what trl's SFTTrainer takes)."""
    if "messages" in record:
        messages = _messages(record["messages"], where)
        if messages[-1]["role"] != "assistant":
            raise UserFacingError(f"{where}: 'messages' must end with an assistant message")
        if len(messages) < 2:
            raise UserFacingError(f"{where}: 'messages' needs a question before the answer")
        return {"prompt": messages[:-1], "completion": messages[-1:]}
    if "prompt" in record and "completion" in record:
        return {
            "prompt": _messages(record["prompt"], where, "prompt"),
            "completion": [
                {"role": "assistant", "content": _text(record["completion"], where, "completion")}
            ],
        }
    raise UserFacingError(f"{where}: expected 'messages' or 'prompt' and 'completion'")


def read_sft(paths: list[Path]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """SFT examples from JSONL files, and the manifest `data` entries for those files."""
    examples, entries = [], []
    for path in paths:
        rows = [sft_example(record, f"{path}:{n}") for n, record in jsonl(path)]
        if not rows:
            raise UserFacingError(f"{path}: no examples")
        examples.extend(rows)
        entries.append(file_entry(path, len(rows), kind="sft"))
    return examples, entries


def read_preferences(path: Path, method: str = "auto") -> tuple[str, list[dict[str, Any]], dict[str, Any]]:
    """DPO or KTO rows from a feedback export; the method is taken from the keys when `auto`."""
    rows: list[dict[str, Any]] = []
    kinds: set[str] = set()
    for n, record in jsonl(path):
        where = f"{path}:{n}"
        prompt = _messages(record.get("prompt"), where, "prompt")
        if "chosen" in record or "rejected" in record:
            kinds.add("dpo")
            rows.append(
                {
                    "prompt": prompt,
                    "chosen": [
                        {"role": "assistant", "content": _text(record.get("chosen"), where, "chosen")}
                    ],
                    "rejected": [
                        {"role": "assistant", "content": _text(record.get("rejected"), where, "rejected")}
                    ],
                }
            )
        elif "label" in record:
            kinds.add("kto")
            if not isinstance(record["label"], bool):
                raise UserFacingError(f"{where}: 'label' must be true or false")
            completion = _text(record.get("completion"), where, "completion")
            rows.append(
                {
                    "prompt": prompt,
                    "completion": [{"role": "assistant", "content": completion}],
                    "label": record["label"],
                }
            )
        else:
            raise UserFacingError(
                f"{where}: expected 'chosen' and 'rejected' (DPO) or 'completion' and 'label' (KTO)"
            )
    if not rows:
        raise UserFacingError(f"{path}: no preference lines")
    if len(kinds) > 1:
        raise UserFacingError(
            f"{path}: mixes DPO lines (chosen/rejected) and KTO lines (label); split the file"
        )
    found = kinds.pop()
    if method not in ("auto", found):
        raise UserFacingError(f"{path}: method={method} but the lines are {found.upper()} lines")
    return found, rows, file_entry(path, len(rows), kind=found)


# --- converters -----------------------------------------------------------------------------------------


def asked(record: dict[str, Any]) -> str:
    """A vendor question as it is asked of the bot in training and evaluation: the solicitation named
    first (vendor questions refer to "Attachment A" or "Section 3.0" of that solicitation)."""
    named = " ".join(str(record[k]) for k in ("solicitation", "rfq_number") if record.get(k))
    question = str(record["question"])
    return f"Solicitation: {named}\n\n{question}" if named else question


@dataclass
class Converted:
    lines: int
    declined: list[str]  # ids (or line numbers) of questions the documents do not cover: no line


def vendor_qa_to_sft(
    src: Path, dst: Path, answerer: Answerer, collections: list[str], filters: Filters | None = None
) -> Converted:
    """Vendor Q&A JSONL (question, answer, solicitation, rfq_number, ...) -> SFT `messages` lines in
    the prompt the bot sends: the system rules, the numbered sources the bot's Answerer retrieves for
    the question (the real Retriever over `collections`, narrowed by `filters`: leave the Q&A
    documents themselves out), the question, then the vendor's answer.

    A question the Answerer would decline (no passage covers it) gets no line: the bot never asks the
    model then, so there is no prompt to train on."""
    out, declined = [], []
    for n, record in jsonl(src):
        where = f"{src}:{n}"
        _text(record.get("question"), where, "question")
        answer = _text(record.get("answer"), where, "answer")
        question = asked(record)
        prepared = answerer.prepare(question, collections, filters)
        if prepared.declined is not None:
            declined.append(str(record.get("id") or n))
            continue
        messages = answerer.messages(question, prepared.sources)
        line: dict[str, Any] = {"messages": [*messages, {"role": "assistant", "content": answer}]}
        if record.get("id"):
            line["id"] = record["id"]
        out.append(json.dumps(line, ensure_ascii=False))
    dst = Path(dst)
    dst.parent.mkdir(parents=True, exist_ok=True)
    tmp = dst.with_name(dst.name + ".tmp")
    tmp.write_text("".join(line + "\n" for line in out), encoding="utf-8")
    tmp.replace(dst)
    return Converted(len(out), declined)
