"""Retrieval evaluation on a JSONL question set (schema and scoring as in shared/eval/README.md):
recall@1/5/10 and MRR@10 per kind and overall; `none` questions are left out of the overall."""

from __future__ import annotations

import json
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from core.errors import UserFacingError

_QUOTES = str.maketrans(
    {
        "‘": "'",
        "’": "'",
        "‚": "'",
        "“": '"',
        "”": '"',
        "„": '"',
        "–": "-",
        "—": "-",
        "‐": "-",
        "‑": "-",
        "‒": "-",
        "−": "-",
    }
)
_ZERO_WIDTH = re.compile("[\u200b\u200c\u200d\u2060\ufeff]")


def normalize(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).translate(_QUOTES)
    text = _ZERO_WIDTH.sub("", text)
    return re.sub(r"[\s|]+", "", text).lower()


def _components(path: str) -> list[str]:
    parts = [p for p in re.split(r"[\\/]+", path) if p and p != "."]
    if parts and re.search(r"\.(pdf|docx)\.txt$", parts[-1], re.IGNORECASE):
        parts[-1] = parts[-1][: -len(".txt")]
    return parts


def same_file(hit_path: str, expected: str) -> bool:
    """Compared component by component from the end: a basename, a relative or an absolute path."""
    a, b = _components(hit_path), _components(expected)
    n = min(len(a), len(b))
    return n > 0 and a[-n:] == b[-n:]


@dataclass
class Question:
    id: str
    question: str
    kind: str
    expected_files: list[str]
    evidence: list[str]
    answer: str = ""


def load_questions(path: Path) -> list[Question]:
    questions = []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise UserFacingError(f"{path}: cannot read ({exc.strerror})") from exc
    for n, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            d = json.loads(line)
            questions.append(
                Question(
                    str(d["id"]),
                    d["question"],
                    d.get("kind", "rfp"),
                    list(d.get("expected_files", [])),
                    list(d.get("evidence", [])),
                    d.get("answer", ""),
                )
            )
        except (json.JSONDecodeError, KeyError, TypeError) as exc:
            raise UserFacingError(f"{path}:{n}: not a question line ({type(exc).__name__}: {exc})") from exc
    return questions


def correct(hit: dict, q: Question) -> bool:
    if not any(same_file(hit.get("path") or hit.get("file", ""), f) for f in q.expected_files):
        return False
    text = normalize(hit.get("text", ""))
    return any(normalize(e) in text for e in q.evidence)


@dataclass
class Scores:
    n: int = 0
    r1: float = 0.0
    r5: float = 0.0
    r10: float = 0.0
    mrr: float = 0.0

    def add(self, rank: int | None) -> None:
        self.n += 1
        if rank is not None:
            self.r1 += rank <= 1
            self.r5 += rank <= 5
            self.r10 += rank <= 10
            self.mrr += 1.0 / rank if rank <= 10 else 0.0

    def as_dict(self) -> dict:
        d = max(self.n, 1)
        return {
            "n": self.n,
            "recall@1": self.r1 / d,
            "recall@5": self.r5 / d,
            "recall@10": self.r10 / d,
            "mrr@10": self.mrr / d,
        }


@dataclass
class Report:
    by_kind: dict[str, Scores] = field(default_factory=lambda: defaultdict(Scores))
    overall: Scores = field(default_factory=Scores)
    misses: list[dict] = field(default_factory=list)
    declines: dict[str, bool] = field(default_factory=dict)  # none-kind id -> declined?

    def as_dict(self) -> dict:
        return {
            "overall": self.overall.as_dict(),
            "by_kind": {k: v.as_dict() for k, v in sorted(self.by_kind.items())},
            "none_declined": self.declines,
            "misses": self.misses,
        }


def score(
    questions: list[Question], hits_by_id: dict[str, list[dict]], declined: dict[str, bool] | None = None
) -> Report:
    report = Report()
    for q in questions:
        if q.kind == "none":
            if declined is not None:
                report.declines[q.id] = declined.get(q.id, False)
            continue
        hits = hits_by_id.get(q.id, [])
        rank = next((i + 1 for i, h in enumerate(hits[:10]) if correct(h, q)), None)
        report.by_kind[q.kind].add(rank)
        report.overall.add(rank)
        if rank is None or rank > 5:
            report.misses.append(
                {
                    "id": q.id,
                    "kind": q.kind,
                    "question": q.question,
                    "rank": rank,
                    "expected": q.expected_files,
                    "top": [
                        f"{h.get('path')} p{h.get('page')} {h.get('section', '')[:60]}" for h in hits[:3]
                    ],
                }
            )
    return report
