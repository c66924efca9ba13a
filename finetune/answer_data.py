"""Answer-format SFT examples: the prompt the bot sends, and a target answer the bot's checks accept.

Each example is `{"messages": [system, user, assistant], "id", "origin"}` where system and user are
exactly what `core.answer.Answerer` would send for the question (`build_messages` over the sources the
real Retriever finds; a question the Answerer declines before asking the model gets no example) and
the assistant turn is a short answer in the format the system rules ask for:

- **vendor questions** (the train split only): for each sentence of the reference answer, the sentence
  itself when the product's claim check (`Answerer.check`) finds it supported by a source, else the
  source sentence that states the sentence's key facts (dates, amounts, numbers, names) without a
  conflicting value; each ends with the [n] of the source holding it. When no sentence is supported,
  the target is the decline sentence `DECLINE`: the sources do not hold the answer.
- **the team's documents**: a question made from a section heading ("What does <document> say about
  <section>?") answered with the section's first sentences, cited, when retrieval brings that
  section back for the question.

Every target is then scored as the benchmark scores an answer (`core.answer_eval.report.score_answer`):
every claim must be supported by its cited quote and a vendor target must not disagree with its
reference, otherwise it is replaced by the decline sentence (vendor) or dropped (documents).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from core.answer import Answerer
from core.answer_eval.agreement import agreement
from core.answer_eval.questions import BenchQuestion
from core.answer_eval.report import score_answer
from core.answering.records import Answer, Source
from core.answering.sanitize import quotable
from core.answering.words import content_words
from core.documents.text import split_sentences
from core.prompt import CITATION
from core.store import Match, Store, Where, scroll_all

DECLINE = "The documents do not say."
_END = re.compile(r"[\s.]+$")
MAX_TARGET_SENTENCES = 3


@dataclass
class Built:
    examples: list[dict[str, Any]] = field(default_factory=list)
    skipped: dict[str, int] = field(default_factory=dict)  # why a candidate gave no example

    def skip(self, why: str) -> None:
        self.skipped[why] = self.skipped.get(why, 0) + 1


def _claims_answer(answerer: Answerer, question: str, sources: list[Source], raw: str) -> Answer:
    """`raw` as if a model had written it: the Answerer's own claim check, supported claims kept."""
    claims, _ = answerer.check(raw, sources, question)
    kept = [c for c in claims if c.supported]
    return Answer(question, " ".join(c.text for c in kept), "generated", sources, claims=kept, raw=raw)


def _fully_supported(answer: Answer, q: BenchQuestion) -> bool:
    if not answer.claims:
        return False
    result = score_answer(q, "target", answer.to_json(), answer.raw, 0.0)
    support = result.support
    if support is None or support.invented or not support.claims:
        return False
    if support.supported != len(support.claims):
        return False
    return not (result.agreement is not None and result.agreement.disagrees)


def _best_source_sentence(sentence: str, question: str, sources: list[Source]) -> tuple[str, int] | None:
    """The source sentence stating `sentence`'s key facts (all of them, no conflicting value), or for a
    sentence without facts the one holding most of its content words (at least half)."""
    words = content_words(sentence) - content_words(question)
    best: tuple[float, str, int] | None = None
    for s in sources:
        for cand in quotable(s.excerpt):
            a = agreement(sentence, cand, question)
            if a.facts:
                if a.disagrees or a.score is None or a.score < 1.0:
                    continue
                value = 1.0 + (a.word_recall or 0.0)
            else:
                if not words:
                    continue
                value = len(words & content_words(cand)) / len(words)
                if value < 0.5:
                    continue
            if best is None or value > best[0]:
                best = (value, cand, s.n)
    return (best[1], best[2]) if best else None


def cite(parts: list[tuple[str, int]]) -> str:
    """Sentences with their source numbers in the format the check reads back one claim each:
    "Quotes are due March 23, 2026 [2]." (a marker after the period would start the next sentence)."""
    return " ".join(f"{_END.sub('', text)} [{n}]." for text, n in parts)


def vendor_target(answerer: Answerer, q: BenchQuestion, sources: list[Source]) -> str:
    """The cited answer for a vendor question (see the module doc), or `DECLINE`."""
    parts: list[tuple[str, int]] = []
    for sentence in split_sentences(q.reference.replace("\n", " ")):
        if len(parts) >= MAX_TARGET_SENTENCES:
            break
        own = _claims_answer(answerer, q.question, sources, sentence)
        if len(own.claims) == 1 and own.claims[0].citations and _fully_supported(own, q):
            parts.append((CITATION.sub("", own.claims[0].text).strip(), own.claims[0].citations[0]))
            continue
        found = _best_source_sentence(sentence, q.question, sources)
        if found is not None and found not in parts:
            parts.append(found)
    if not parts:
        return DECLINE
    raw = cite(parts)
    answer = _claims_answer(answerer, q.question, sources, raw)
    if len(answer.claims) != len(parts) or not _fully_supported(answer, q):
        return DECLINE
    return raw


def _example(messages: list, target: str, ident: str, origin: str) -> dict[str, Any]:
    return {"messages": [*messages, {"role": "assistant", "content": target}], "id": ident, "origin": origin}


def vendor_examples(
    answerer: Answerer,
    questions: list[BenchQuestion],
    collections: list[str],
    built: Built,
    max_declines: int = 15,
) -> None:
    """One example per question the Answerer does not decline; at most `max_declines` of them with
    the decline sentence as target (most vendor answers are not in the solicitation, and a model
    trained mostly to decline would say little else)."""
    declines = 0
    for q in sorted(questions, key=lambda q: hashlib.sha256(q.id.encode()).hexdigest()):
        prepared = answerer.prepare(q.question, collections)
        if prepared.declined is not None:
            built.skip("vendor: declined before the model is asked")
            continue
        target = vendor_target(answerer, q, prepared.sources)
        if target == DECLINE:
            declines += 1
            if declines > max_declines:
                built.skip("vendor: decline target over the cap, left out")
                continue
        built.skip("vendor: decline target" if target == DECLINE else "vendor: cited target")
        built.examples.append(
            _example(answerer.messages(q.question, prepared.sources), target, q.id, "vendor_qa")
        )


def _leaf(section: str) -> str:
    leaf = section.split(">")[-1].strip()
    return re.sub(r"^[\dA-Z]{1,4}(\.[\dA-Z]{1,4})*[.)]?\s+", "", leaf).strip(" :.-")


def _document_name(title: str, path: str) -> str:
    name = title.strip() or Path(path).stem.replace("_", " ").replace("-", " ")
    return name[:80]


def _prose(sentence: str) -> bool:
    """A sentence worth answering with: not a table-of-contents line, a bare heading or a fragment."""
    words = sentence.split()
    letters = sum(ch.isalpha() for ch in sentence)
    return (
        30 <= len(sentence) <= 300
        and len(words) >= 6
        and "...." not in sentence
        and letters >= 0.5 * len(sentence)
        and not sentence.isupper()
    )


def heading_questions(store: Store, collection: str, limit: int, seed: int = 0) -> Iterator[dict[str, Any]]:
    """Questions made from section headings of the collection's text chunks, one per (document,
    section), in a stable order by a hash of seed and chunk id."""
    seen: set[tuple[str, str]] = set()
    candidates = []
    for hit in scroll_all(store, collection, Where.of(Match("state", "live"))):
        p = hit.chunk
        if p.kind != "text" or not p.section or p.fields:
            continue
        leaf = _leaf(p.section)
        words = content_words(leaf)
        if len(leaf) < 6 or len(leaf) > 70 or len(words) < 2 or (p.doc_id, leaf) in seen:
            continue
        seen.add((p.doc_id, leaf))
        key = hashlib.sha256(f"{seed}:{p.doc_id}:{p.chunk_index}".encode()).hexdigest()
        candidates.append((key, p))
    candidates.sort(key=lambda c: c[0])
    for _, p in candidates[:limit]:
        yield {
            "id": f"doc:{p.doc_id}:{p.chunk_index}",
            "far": p.path.startswith(("far/", "codes/")) or "FAR part" in p.title,
            "question": f"What does the {_document_name(p.title, p.path)} say about {_leaf(p.section)}?",
            "doc_id": p.doc_id,
            "text": p.text,
        }


def document_examples(
    answerer: Answerer, store: Store, collections: list[str], limit: int, built: Built, tries: int = 4
) -> None:
    made = far_made = 0
    for cand in heading_questions(store, collections[0], limit * tries):
        if made >= limit:
            break
        if cand["far"] and far_made >= limit // 3:  # the solicitations are what the bot is asked about
            built.skip("document: FAR/codes over a third, left out")
            continue
        prepared = answerer.prepare(cand["question"], collections)
        if prepared.declined is not None:
            built.skip("document: declined")
            continue
        own = [s for s in prepared.sources if s.hit.payload.doc_id == cand["doc_id"]]
        if not own:
            built.skip("document: its section not retrieved")
            continue
        quoted = [(src, [s for s in quotable(src.excerpt) if _prose(s)][:2]) for src in own]
        quoted = [(src, sentences) for src, sentences in quoted if sentences]
        if not quoted:
            built.skip("document: no quotable sentence")
            continue
        src, sentences = quoted[0]
        raw = cite([(s.strip(), src.n) for s in sentences])
        answer = _claims_answer(answerer, cand["question"], prepared.sources, raw)
        q = BenchQuestion("documents", cand["id"], cand["question"])
        if len(answer.claims) != len(sentences) or not _fully_supported(answer, q):
            built.skip("document: target not supported")
            continue
        built.examples.append(
            _example(answerer.messages(cand["question"], prepared.sources), raw, cand["id"], "document")
        )
        made += 1
        far_made += cand["far"]


def write_jsonl(examples: list[dict[str, Any]], dst: Path) -> None:
    dst = Path(dst)
    dst.parent.mkdir(parents=True, exist_ok=True)
    tmp = dst.with_name(dst.name + ".tmp")
    tmp.write_text("".join(json.dumps(e, ensure_ascii=False) + "\n" for e in examples), encoding="utf-8")
    tmp.replace(dst)
