"""Running a question set through several ways of answering, one question at a time: every column
answers question 1, then question 2..., so a machine that gets busier mid-run weighs on all columns
alike. A column is a function from a question to an `Answer` (the product's own answer path, as
`Services(...).answerer.answer` gives it); each answer is timed and scored as it comes."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from core.answer_eval.questions import BenchQuestion
from core.answer_eval.report import Result, score_answer

log = logging.getLogger(__name__)

AnswerFn = Callable[[str], Any]  # question -> core.answer.Answer


def ask(q: BenchQuestion, column: str, answer: AnswerFn) -> Result:
    started = time.perf_counter()
    try:
        a = answer(q.question)
    except Exception as exc:  # one failed answer is scored as an error; the run goes on
        log.exception("%s %s (%s): the answer failed", q.set, q.id, column)
        return Result(
            q,
            column,
            "error",
            "",
            time.perf_counter() - started,
            [],
            None,
            None,
            error=f"{type(exc).__name__}: {exc}",
        )
    seconds = time.perf_counter() - started
    return score_answer(q, column, a.to_json(), getattr(a, "raw", "") or "", seconds)


def run(
    questions: list[BenchQuestion],
    columns: dict[str, AnswerFn],
    on_result: Callable[[Result, int, int], None] | None = None,
) -> list[Result]:
    """Every question through every column; `on_result(result, done, total)` after each answer."""
    results: list[Result] = []
    total = len(questions) * len(columns)
    for q in questions:
        for name, answer in columns.items():
            result = ask(q, name, answer)
            results.append(result)
            if on_result is not None:
                on_result(result, len(results), total)
    return results
