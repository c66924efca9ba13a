"""One answer scored (`Result`), and the summaries of many: by question set and column (a way of
answering: the configured model, extractive, another model), and by the mode each answer came out in
(generated, extractive, declined)."""

from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import dataclass

from core.answer_eval.agreement import Agreement, agreement
from core.answer_eval.citations import CitationCheck, check_citations
from core.answer_eval.questions import BenchQuestion
from core.evaluation import same_file


@dataclass
class Result:
    question: BenchQuestion
    column: str
    mode: str  # generated | extractive | declined | error
    answer: str
    seconds: float
    citations: list[dict]  # the cited sources: n, path, page, section
    agreement: Agreement | None  # None: declined, or no reference answer
    support: CitationCheck | None  # None: declined
    leak: bool = False  # cites the document the reference answer was taken from
    context_hit: bool | None = None  # a source is one of the question's context documents
    model: str | None = None
    error: str | None = None
    payload: dict | None = None  # the answer as Answer.to_json() gave it, with the model's raw text

    @property
    def declined(self) -> bool:
        return self.mode == "declined"

    @property
    def decline_correct(self) -> bool:
        return self.error is None and self.declined == self.question.expect_decline

    @property
    def wrong_confident(self) -> bool:
        """Answered an answerable question, and its key facts disagree with the reference."""
        return (
            not self.declined
            and not self.question.expect_decline
            and self.agreement is not None
            and self.agreement.disagrees
        )

    def to_json(self) -> dict:
        q = self.question
        return {
            "set": q.set,
            "id": q.id,
            "column": self.column,
            "question": q.question,
            "reference": q.reference,
            "kind": q.kind,
            "expect_decline": q.expect_decline,
            "source_file": q.source_file,
            "context_files": q.context_files,
            "folder_lacks": q.folder_lacks,
            "mode": self.mode,
            "declined": self.declined,
            "decline_correct": self.decline_correct,
            "wrong_confident": self.wrong_confident,
            "answer": self.answer,
            "citations": self.citations,
            "seconds": self.seconds,
            "agreement": self.agreement.to_json() if self.agreement else None,
            "support": self.support.to_json() if self.support else None,
            "leak": self.leak,
            "context_hit": self.context_hit,
            "model": self.model,
            "error": self.error,
            "answer_json": self.payload,
        }


def score_answer(q: BenchQuestion, column: str, answer: dict, raw: str, seconds: float) -> Result:
    """An answer as `Answer.to_json()` gives it, scored against its question."""
    sources = {int(s["n"]): s for s in answer.get("sources") or []}
    cited_ns = sorted(
        {int(n) for c in answer.get("claims") or [] for n in c.get("citations") or [] if int(n) in sources}
    )
    citations = [{key: sources[n].get(key) for key in ("n", "path", "page", "section")} for n in cited_ns]
    declined = bool(answer.get("declined"))
    text = answer.get("answer") or ""
    agree = None
    if not declined and q.reference and not q.expect_decline:
        agree = agreement(q.reference, text, q.question)
    support = None if declined else check_citations(answer, raw)
    leak = bool(q.source_file) and any(same_file(c["path"] or "", q.source_file or "") for c in citations)
    context_hit = None
    if q.context_files:
        context_hit = any(
            same_file(s.get("path") or "", f) for s in sources.values() for f in q.context_files
        )
    return Result(
        q,
        column,
        "declined" if declined else str(answer.get("mode")),
        text,
        seconds,
        citations,
        agree,
        support,
        leak,
        context_hit,
        answer.get("model"),
        payload={**answer, "raw": raw},
    )


def rescore(line: dict) -> Result:
    """A line of a details file scored again with the scorer as it is now (its answer is kept in
    `answer_json`), so a change to the scoring is measured without answering again."""
    q = BenchQuestion(
        line["set"],
        line["id"],
        line["question"],
        line.get("reference") or "",
        line.get("kind") or "",
        bool(line.get("expect_decline")),
        line.get("source_file"),
        list(line.get("context_files") or []),
        bool(line.get("folder_lacks")),
    )
    payload = line.get("answer_json")
    if payload is None:
        return Result(
            q,
            line["column"],
            "error",
            "",
            float(line.get("seconds") or 0.0),
            [],
            None,
            None,
            error=line.get("error") or "no answer kept in this line",
        )
    return score_answer(q, line["column"], payload, payload.get("raw") or "", float(line["seconds"]))


def _share(part: float, whole: float) -> float | None:
    return part / whole if whole else None


def _pct(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def summarize(results: list[Result]) -> dict:
    """The figures for a group of results (one set and column, or one mode)."""
    answerable = [r for r in results if not r.question.expect_decline]
    unanswerable = [r for r in results if r.question.expect_decline]
    answered = [r for r in answerable if not r.declined and r.error is None]
    scores = [
        r.agreement.score for r in answered if r.agreement is not None and r.agreement.score is not None
    ]
    recalls = [
        r.agreement.word_recall for r in answered if r.agreement and r.agreement.word_recall is not None
    ]
    supported = [r.support for r in results if r.support is not None]
    claims = sum(len(s.claims) for s in supported)
    seconds = [r.seconds for r in results if r.error is None]
    return {
        "n": len(results),
        "answerable": len(answerable),
        "unanswerable": len(unanswerable),
        "errors": sum(r.error is not None for r in results),
        "answered": len(answered),
        "wrongly_declined": _share(sum(r.declined for r in answerable), len(answerable)),
        "unanswerable_declined": _share(sum(r.declined for r in unanswerable), len(unanswerable)),
        "decline_accuracy": _share(sum(r.decline_correct for r in results), len(results)),
        "with_key_facts": len(scores),
        "key_fact_agreement": statistics.fmean(scores) if scores else None,
        "all_key_facts": _share(sum(s == 1.0 for s in scores), len(scores)),
        "word_recall": statistics.fmean(recalls) if recalls else None,
        "claims": claims,
        "citation_support": _share(sum(s.supported for s in supported), claims),
        "invented_citations": sum(len(s.invented) for s in supported),
        "raw_invented_citations": sum(len(s.raw_invented) for s in supported),
        "wrong_confident": sum(r.wrong_confident for r in answered),
        "wrong_confident_share": _share(sum(r.wrong_confident for r in answered), len(answered)),
        "leaks": sum(r.leak for r in results),
        "context_hit": _share(
            sum(bool(r.context_hit) for r in results if r.context_hit is not None),
            sum(r.context_hit is not None for r in results),
        ),
        "seconds_median": statistics.median(seconds) if seconds else None,
        "seconds_p95": _pct(seconds, 0.95),
        "seconds_total": sum(seconds),
    }


def summaries(results: list[Result]) -> dict:
    """{"by_set": {set: {column: figures}}, "by_mode": {set: {column: {mode: figures}}}}; the set
    "all" holds every question when there are several sets."""
    by_set: dict[str, dict[str, list[Result]]] = defaultdict(lambda: defaultdict(list))
    several = len({r.question.set for r in results}) > 1
    for r in results:
        by_set[r.question.set][r.column].append(r)
        if several:
            by_set["all"][r.column].append(r)
    out: dict = {"by_set": {}, "by_mode": {}}
    for name, columns in by_set.items():
        out["by_set"][name] = {col: summarize(rs) for col, rs in columns.items()}
        modes: dict[str, dict[str, dict]] = {}
        for col, rs in columns.items():
            grouped: dict[str, list[Result]] = defaultdict(list)
            for r in rs:
                grouped[r.mode].append(r)
            modes[col] = {mode: summarize(g) for mode, g in sorted(grouped.items())}
        out["by_mode"][name] = modes
    return out
