"""Citation support: does each cited sentence of an answer hold its claim?

Works on an answer as `Answer.to_json()` gives it (its claims with their citations and the quote the
answerer found for each, and its numbered sources). A claim is supported when all of these hold:

- it cites at least one source, and every source number it cites exists (an invented number is a
  failure, whatever else the claim says);
- it has a quote, from a source it cites, and that quote is really in that source's text;
- the quote states every date, time, amount, number, identifier and name the claim states
  (`core.answer_eval.facts`): "due March 16" is not held by a quote that says March 23;
- at least half of the claim's content words are in the quote ("The source number for the 1.3
  Operations is [2]" is not held by a heading "1.3 Operations"). This is a floor, not a reading of
  meaning: it is computed here, apart from the answerer's own check, so that a change to that check
  is measured rather than trusted.

Citation markers in the answer's text that name no source are counted too (`invented`), and so are
those the model wrote in its raw output before the answerer removed them (`raw_invented`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from core.answer_eval.agreement import content_words
from core.answer_eval.facts import extract, stated

MARKER = re.compile(r"\[(\d{1,3})\]")
CHECKED_KINDS = ("date", "time", "money", "number", "code", "name")
MIN_WORDS = 0.5  # share of the claim's content words the quote must have


@dataclass
class ClaimCheck:
    text: str
    cited: list[int]
    supported: bool
    reason: str | None = None  # why not

    def to_json(self) -> dict:
        return {"text": self.text, "cited": self.cited, "supported": self.supported, "reason": self.reason}


@dataclass
class CitationCheck:
    claims: list[ClaimCheck] = field(default_factory=list)
    invented: list[int] = field(default_factory=list)  # markers in the answer text with no such source
    raw_invented: list[int] = field(default_factory=list)  # markers in the model's raw output, ditto

    @property
    def supported(self) -> int:
        return sum(c.supported for c in self.claims)

    @property
    def score(self) -> float | None:
        """Share of claims supported; None for an answer with no claims (a decline)."""
        return self.supported / len(self.claims) if self.claims else None

    def to_json(self) -> dict:
        return {
            "supported": self.supported,
            "claims": len(self.claims),
            "score": None if self.score is None else round(self.score, 4),
            "invented": self.invented,
            "raw_invented": self.raw_invented,
            "unsupported": [c.to_json() for c in self.claims if not c.supported],
        }


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().lower()


def check_claim(claim: dict, sources: dict[int, dict]) -> ClaimCheck:
    """One claim (`{"text", "citations", "quote", "quote_source"}`) against the numbered sources
    (`{n: {"text", "excerpt", ...}}`)."""
    text = claim.get("text") or ""
    cited = [int(n) for n in claim.get("citations") or []] or [int(n) for n in MARKER.findall(text)]
    check = ClaimCheck(text, cited, False)
    invented = [n for n in cited if n not in sources]
    if not cited:
        check.reason = "cites no source"
    elif invented:
        check.reason = f"cites a source that does not exist: {', '.join(f'[{n}]' for n in invented)}"
    elif not claim.get("quote"):
        check.reason = "no quote holds it"
    elif claim.get("quote_source") not in cited:
        check.reason = f"its quote comes from [{claim.get('quote_source')}], which it does not cite"
    else:
        quote = claim["quote"]
        source = sources[claim["quote_source"]]
        if not any(_flat(quote) in _flat(source.get(key) or "") for key in ("excerpt", "text")):
            check.reason = f"its quote is not in source [{claim['quote_source']}]"
        else:
            in_quote = extract(quote)
            lacking = [f for f in extract(text) if f.kind in CHECKED_KINDS and not stated(f, in_quote, quote)]
            words = content_words(MARKER.sub(" ", text))
            shared = len(words & content_words(quote)) / len(words) if words else 1.0
            if lacking:
                check.reason = "the quote does not state " + ", ".join(f"{f.kind} {f}" for f in lacking[:4])
            elif shared < MIN_WORDS:
                check.reason = f"the quote has {shared:.0%} of its words"
            else:
                check.supported = True
    return check


def check_citations(answer: dict, raw: str = "") -> CitationCheck:
    """Every claim of an answer (`Answer.to_json()`), and every citation marker in its text."""
    sources = {int(s["n"]): s for s in answer.get("sources") or []}
    result = CitationCheck([check_claim(c, sources) for c in answer.get("claims") or []])
    if not answer.get("declined"):
        result.invented = sorted({int(n) for n in MARKER.findall(answer.get("answer") or "")} - set(sources))
    result.raw_invented = sorted({int(n) for n in MARKER.findall(raw or "")} - set(sources))
    return result
