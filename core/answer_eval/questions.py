"""Question sets for the answer benchmark: JSONL, one question a line.

Read from each line: `question` (required), `id` (else the line number), `answer` (the reference
answer; may be missing), `kind` (`none`: the documents do not answer it, so it must be declined),
`source_file` (the document the reference answer was taken from, as in the vendor Q&A file: citing it
is a leak) and `context_documents` (where the answer should come from). The shared dev set, the
vendor Q&A file and `eval/unanswerable.jsonl` all read as they are.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from core.errors import UserFacingError


@dataclass
class BenchQuestion:
    set: str  # the file's name
    id: str
    question: str
    reference: str = ""
    kind: str = "answerable"
    expect_decline: bool = False
    source_file: str | None = None
    context_files: list[str] = field(default_factory=list)
    folder_lacks: bool = False  # its data folder states none of the reference's facts (answerable.py)


def load_questions(path: Path, unanswered_is_none: bool = False) -> list[BenchQuestion]:
    """The questions of one file. A line of kind `none` must be declined, and so must a line with no
    reference answer when `unanswered_is_none`."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise UserFacingError(f"{path}: cannot read ({exc.strerror})") from exc
    out: list[BenchQuestion] = []
    for n, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            d = json.loads(line)
            question = d["question"]
            if not isinstance(question, str) or not question.strip():
                raise ValueError("empty question")
        except (json.JSONDecodeError, KeyError, TypeError, ValueError) as exc:
            raise UserFacingError(f"{path}:{n}: not a question line ({type(exc).__name__}: {exc})") from exc
        reference = str(d.get("answer") or "").strip()
        kind = str(d.get("kind") or "answerable")
        out.append(
            BenchQuestion(
                set=path.name,
                id=str(d.get("id", n)),
                question=question.strip(),
                reference=reference,
                kind=kind,
                expect_decline=kind == "none" or (unanswered_is_none and not reference),
                source_file=d.get("source_file") or None,
                context_files=list(d.get("context_documents") or []),
            )
        )
    ids = [q.id for q in out]
    if len(set(ids)) != len(ids):
        raise UserFacingError(
            f"{path}: question ids repeat ({sorted({i for i in ids if ids.count(i) > 1})[:5]})"
        )
    return out
