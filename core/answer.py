"""Cited answers: retrieve, decide whether the documents cover the question, generate from numbered
sources, then check every [n] against what was retrieved.

- Documents are data, never instructions: sentences in a source that try to instruct an AI are
  removed before the model sees the source (`core.answering.sanitize`), and the source is marked so
  people can see it was sanitized. Such a sentence is never quoted, nor accepted as support.
- After generation each answer sentence must cite a retrieved source that supports it
  (`core.answering.claims`); invented numbers are removed, unsupported sentences are dropped and
  reported. If nothing supported is left, the answer falls back to the quoted sentences themselves
  (`core.answering.extractive`).
- When retrieval finds nothing relevant enough, nothing is generated (`core.answering.coverage`):
  the answer says the documents don't cover it and shows the closest sources.

The prompt is `core.prompt.build_messages`, the one every part that talks to the model uses.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from core.answering.amendments import changed_values, mark_amendments
from core.answering.claims import check_claims, degenerate, support
from core.answering.coverage import Coverage, named_things
from core.answering.excerpts import Excerpter
from core.answering.extractive import Quoter
from core.answering.records import Answer, AnswerMode, Claim, Source, record_row
from core.answering.sanitize import quotable, sanitize
from core.answering.words import content_words, numbers
from core.chat import ChatModel, GenerationStats, Message
from core.embedding import Embedder
from core.prompt import HISTORY_TURNS, SYSTEM_PROMPT, build_messages
from core.retrieval import Filters, Hit, Retriever, SearchResult, VersionChange
from core.settings import Settings

__all__ = [
    "HISTORY_TURNS",
    "SYSTEM_PROMPT",
    "Answer",
    "AnswerMode",
    "Answerer",
    "Claim",
    "Prepared",
    "Source",
    "build_answerer",
    "build_messages",
    "content_words",
    "degenerate",
    "named_things",
    "numbers",
    "sanitize",
    "support",
]

log = logging.getLogger(__name__)

POOL = 4  # hits retrieved per source given: the solicitation's own may rank below a sibling's
ChatOpener = Callable[[], ChatModel]  # gives the model to answer with now (it may change after a promotion)


@dataclass
class Prepared:
    """A question with what retrieval found for it: the numbered sources the model would be given,
    or the reason it is declined."""

    question: str
    result: SearchResult
    sources: list[Source]
    declined: str | None = None  # the reason, when the documents do not cover the question
    notes: list[str] = field(default_factory=list)
    given: list[tuple[int, str, str]] = field(default_factory=list)  # (source, sentence, value) asked for


class Answerer:
    def __init__(
        self,
        retriever: Retriever,
        chat: ChatOpener,
        embedder: Embedder,
        top_k: int = 5,
        max_new_tokens: int = 200,
        extractive: bool = False,
        min_relevance: float = 0.35,
        excerpt_tokens: int = 130,
        min_support: float = 0.5,
    ):
        self.retriever = retriever
        self.chat = chat
        self.embedder = embedder
        self.top_k = top_k
        self.max_new_tokens = max_new_tokens
        self.extractive = extractive
        self.min_support = min_support
        self.coverage = Coverage(retriever, min_relevance)
        self.excerpt = Excerpter(embedder, excerpt_tokens)
        self.quote = Quoter(embedder)

    # --- sources ------------------------------------------------------------------------------------
    def sources(self, question: str, hits: list[Hit]) -> list[Source]:
        """The hits numbered from 1, sanitized and cut to the part most about the question."""
        out = []
        qwords = content_words(question)
        for n, hit in enumerate(hits, start=1):
            text, sanitized = sanitize(hit.text)
            # A table record (its header line and its row) is shown whole: cut to the words the
            # question shares, it would be the column names without the row's values.
            out.append(Source(n, hit, text if hit.fields else self.excerpt(text, qwords), sanitized))
        return out

    def prepare(
        self,
        question: str,
        collections: list[str],
        filters: Filters | None = None,
        history: Sequence[tuple[str, str]] | None = None,
    ) -> Prepared:
        """Retrieve for the question (a follow-up with the conversation's last question for context)
        and decide whether the documents cover it."""
        query = f"{history[-1][0]} {question}" if history else question
        found = self.retriever.search(query, collections, k=self.top_k * POOL, filters=filters)
        decision = self.coverage.decide(question, found, self.top_k, query)
        result, reason = decision.result, decision.reason
        if reason is not None:
            return Prepared(question, result, self.sources(question, result.hits[:3]), reason, [reason])
        sources = self.sources(question, result.hits)
        by_id = {s.hit.id: s.n for s in sources}
        given = [
            (
                by_id[f.hit.id],
                record_row(sources[by_id[f.hit.id] - 1].excerpt) if f.hit.fields else f.sentence,
                f.value,
            )
            for f in decision.filled
            if f.hit.id in by_id
        ]
        notes = version_notes(sources)
        if any(s.sanitized for s in sources):
            notes.append(
                "Some source text addressed an AI with instructions; it was removed and not followed."
            )
        return Prepared(question, result, sources, None, notes, given)

    def messages(
        self, question: str, sources: list[Source], history: Sequence[tuple[str, str]] | None = None
    ) -> list[Message]:
        """The chat messages for these sources (`core.prompt.build_messages`)."""
        return build_messages(question, sources, history)

    # --- answering ------------------------------------------------------------------------------------
    def answer(
        self,
        question: str,
        collections: list[str],
        filters: Filters | None = None,
        history: list[tuple[str, str]] | None = None,
        extractive: bool | None = None,
        on_token: Callable[[str], None] | None = None,
    ) -> Answer:
        prepared = self.prepare(question, collections, filters, history)
        seconds = prepared.result.seconds
        notes = list(prepared.notes)
        if prepared.declined is not None:
            text = (
                f"The documents don't cover this: {prepared.declined}. The closest passages are listed below."
            )
            answer = Answer(question, text, "declined", prepared.sources, notes=notes, retrieval_s=seconds)
            return mark_amendments(answer, self.min_support)
        use_extractive = self.extractive if extractive is None else extractive
        if use_extractive:
            answer = self.quote(question, prepared.sources, prepared.given)
            answer.notes = notes + answer.notes
            answer.retrieval_s = seconds
            return mark_amendments(answer, self.min_support)
        answer = self._generate(prepared, self.chat(), history, on_token, notes, seconds)
        return mark_amendments(answer, self.min_support)  # what amendments changed in the sources, said

    def _generate(
        self,
        prepared: Prepared,
        chat: ChatModel,
        history: Sequence[tuple[str, str]] | None,
        on_token: Callable[[str], None] | None,
        notes: list[str],
        retrieval_s: float,
    ) -> Answer:
        question, sources = prepared.question, prepared.sources
        stats = GenerationStats()
        messages = self.messages(question, sources, history)
        parts = []
        for piece in chat.stream(messages, max_tokens=self.max_new_tokens, temperature=0.0, stats=stats):
            parts.append(piece)
            if on_token is not None:
                on_token(piece)
        raw = "".join(parts).strip()
        claims, dropped = self.check(raw, sources, question)
        kept = [c for c in claims if c.supported]
        if not kept:
            fallback = self.quote(question, sources, prepared.given)
            fallback.notes = [
                *notes,
                "The model's answer could not be verified against the sources, so the "
                "supporting passages are quoted instead.",
            ]
            fallback.dropped = dropped or ([raw] if raw else [])  # each with why it was dropped
            fallback.model_version, fallback.stats, fallback.raw = chat.version, stats, raw
            fallback.retrieval_s, fallback.prompt = retrieval_s, messages
            return fallback
        # The value the question asks for (a date, a code, an amount) is always stated: when no
        # kept sentence states it, the sentence that gives it is quoted after them.
        excerpts = {s.n: s.excerpt for s in sources}
        for n, sentence, value in prepared.given:
            if sentence not in quotable(excerpts[n]):
                continue  # only what the source shows, never an instruction-like sentence
            if not any(value.lower() in c.text.lower() for c in kept):
                kept.append(Claim(f'"{sentence}" [{n}]', [n], True, sentence, n))
        text = " ".join(c.text for c in kept)
        return Answer(
            question,
            text,
            "generated",
            sources,
            claims=kept,
            dropped=dropped,  # check_claims notes each unsupported sentence with the reason
            notes=notes,
            model_version=chat.version,
            stats=stats,
            retrieval_s=retrieval_s,
            raw=raw,
            prompt=messages,
        )

    def check(self, raw: str, sources: list[Source], question: str = "") -> tuple[list[Claim], list[str]]:
        """Split the model's answer into claims and verify each against the sources it cites; a
        sentence that only asks or restates `question` is not a claim."""
        return check_claims(raw, sources, self.min_support, question)


def version_notes(sources: list[Source]) -> list[str]:
    """What a reader must know about versions: a passage only an older version has, or one the
    latest version says the same or differently than others."""
    notes = []
    for s in sources:
        if s.hit.superseded:
            notes.append(
                f"[{s.n}] comes from an older version ({s.hit.path}); the latest version of that "
                "document no longer contains this passage."
            )
        new_in = sorted(path for path, change in s.hit.older.items() if change.missing)
        if new_in:
            notes.append(
                f"[{s.n}] is new in the latest version ({s.hit.path}); {', '.join(new_in)} does not have it."
            )
        changed = {p: c for p, c in s.hit.older.items() if c.removed or c.added}
        same = sorted({p for p in s.hit.other_versions if p not in changed})
        if same:
            notes.append(
                f"[{s.n}] is from the latest version ({s.hit.path}); {', '.join(same)} says the same."
            )
        for path, change in sorted(changed.items()):
            tail = changes(change, s.hit.text)
            notes.append(f"[{s.n}] is from the latest version ({s.hit.path}); {path} differs{tail}.")
    return notes


def changes(change: VersionChange, text: str) -> str:
    """The values (dates, times, amounts, numbers) a version changed, as a note's tail: ": it had
    March 16, 2026; this one has March 23, 2026"; "" when no value changed. A value counts when the
    sentence that states it is only in one version and the other version's passage lacks it."""
    was = changed_values(" ".join(change.removed), text)[0]
    now = changed_values(change.text, " ".join(change.added))[1]
    parts = ([f"it had {', '.join(was)}"] if was else []) + (
        [f"this one has {', '.join(now)}"] if now else []
    )
    return f": {'; '.join(parts)}" if parts else ""


def build_answerer(
    settings: Settings,
    *,
    retriever: Retriever,
    chat: ChatOpener,
    embedder: Embedder,
    max_new_tokens: int | None = None,
) -> Answerer:
    """The Answerer as the product answers: every place that answers (the bot, the CLI, evaluation)
    builds it here, from the same settings. `max_new_tokens` caps generation (evaluation uses fewer)."""
    return Answerer(
        retriever,
        chat,
        embedder,
        top_k=settings.top_k,
        max_new_tokens=settings.max_new_tokens if max_new_tokens is None else max_new_tokens,
        extractive=settings.extractive,
        min_relevance=settings.min_relevance,
    )
