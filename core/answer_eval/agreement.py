"""Key-fact agreement of an answer with a reference answer.

The key facts are the reference's dates, times, money, numbers, identifiers, names and a leading
yes/no (`core.answer_eval.facts`), less those the question itself states (echoing the question proves
nothing) and less pointers ("see question 5"). Agreement is the share of key facts the answer states.
The answer *disagrees* when, for a kind of fact that can be wrong (a date, time, amount, number, or
yes/no), it states none of the reference's values but states another: "March 16" for "March 23",
"No" for "Yes", "25 licenses" for "35 annual licenses". A number disagrees only with one about the
same thing: a word around it is a word around the reference's number (or, when the reference's number
stands alone, a word of the question). Names and identifiers never disagree (an answer names many
things); they only count as found or missing.
"""

from __future__ import annotations

from dataclasses import dataclass

from core.answer_eval.facts import Fact, content_words, extract, stated

CONFLICTING = ("date", "time", "money", "number", "polarity")
KEY_KINDS = ("date", "time", "money", "number", "code", "name", "polarity")


@dataclass
class Agreement:
    facts: list[Fact]  # the reference's key facts
    found: list[Fact]
    conflicts: list[str]  # "date: March 16, 2026 (reference: March 23, 2026)"
    word_recall: float | None  # share of the reference's content words the answer has

    @property
    def score(self) -> float | None:
        """Share of key facts stated; None when the reference has none (agreement cannot be judged)."""
        return len(self.found) / len(self.facts) if self.facts else None

    @property
    def missing(self) -> list[Fact]:
        return [f for f in self.facts if f not in self.found]

    @property
    def disagrees(self) -> bool:
        return bool(self.conflicts)

    def to_json(self) -> dict:
        return {
            "score": None if self.score is None else round(self.score, 4),
            "facts": [f"{f.kind}:{f}" for f in self.facts],
            "missing": [f"{f.kind}:{f}" for f in self.missing],
            "conflicts": self.conflicts,
            "word_recall": None if self.word_recall is None else round(self.word_recall, 4),
        }


def key_facts(reference: str, question: str = "") -> list[Fact]:
    """The reference's facts that an answer must state: not pointers, not what the question says."""
    asked = extract(question)
    return [
        f
        for f in extract(reference)
        if f.kind in KEY_KINDS and (f.kind == "polarity" or not stated(f, asked, question))
    ]


def agreement(reference: str, answer: str, question: str = "") -> Agreement:
    """How far `answer` states the key facts of `reference`, and where it states other values."""
    facts = key_facts(reference, question)
    asked = extract(question)
    said = extract(answer)
    found = [f for f in facts if stated(f, said, answer)]
    conflicts = []
    for kind in CONFLICTING:
        wanted = [f for f in facts if f.kind == kind]
        if not wanted or any(f in found for f in wanted):
            continue
        other = [f for f in said if f.kind == kind and (kind == "polarity" or not stated(f, asked, question))]
        if kind == "number":  # another count of the same thing, not any number in a quoted sentence
            about = frozenset().union(*(f.context for f in wanted)) or frozenset(content_words(question))
            other = [f for f in other if f.context & about]
        if other:
            conflicts.append(
                f"{kind}: {', '.join(str(f) for f in other[:3])} "
                f"(reference: {', '.join(str(f) for f in wanted[:3])})"
            )
    ref_words = content_words(reference) - content_words(question)
    recall = len(ref_words & content_words(answer)) / len(ref_words) if ref_words else None
    return Agreement(facts, found, conflicts, recall)
