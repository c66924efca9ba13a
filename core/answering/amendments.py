"""Answers that use an amendment's current value and say what changed it.

Ingest links an amendment's stated changes to the passages they change (`ChunkPayload.amended_by`,
core/amendments.py). Once an answer is made (`mark_amendments`):
- each source whose passage an amendment changed is marked superseded (`Hit.superseded`), and a note
  says by which amendment and what holds now;
- a sentence that states a value the amendment replaced gives the current one. A generated sentence
  takes the new value, marked "March 23, 2026 (Amendment 0001; was March 16, 2026)", and cites the
  amendment's passage when that passage supports it (else it keeps the old value, marked "replaced by
  Amendment 0001: March 23, 2026"). A quote is never altered: it is left out when another quote of
  the answer already gives the current value, else it is followed by the same "replaced by" mark;
- a sentence that states the current value says what it replaced, once per change;
- a sentence resting on a passage that a revision replaced or a deletion removed says so.
So a superseded passage is never shown as support without its mark. The marks are written into the
answer's text only: each claim stays what its quote supports, as the claim check and the answer
benchmark's citation check read it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from core.answer_eval.facts import extract, stated
from core.answering.claims import support
from core.answering.records import Answer, Claim, Source
from core.answering.sanitize import quotable
from core.dates import DATE, TIME, date_key, dates_and_times, time_key
from core.prompt import CITATION

# The marks this module writes, for readers that must tell them from the sources' words.
MARK = re.compile(
    r"\((?:[^()]*; was [^()]*|replaced by [^()]*|deleted by [^()]*|section [^()]* as issued[^()]*)\)"
)


def _keys(text: str) -> set[tuple[str, str]]:
    return {(kind, key) for kind, key, _ in dates_and_times(text)}


@dataclass
class _Link:
    n: int  # the source whose passage the amendment changed
    data: dict[str, Any]
    was_keys: set[tuple[str, str]] = field(default_factory=set)
    now_keys: set[tuple[str, str]] = field(default_factory=set)

    def __post_init__(self) -> None:
        self.was_keys = _keys(" ; ".join(self.was))
        self.now_keys = _keys(" ; ".join(self.now))

    @property
    def label(self) -> str:
        return self.data.get("label") or self.data.get("path", "an amendment")

    @property
    def change(self) -> str:
        return self.data.get("change", "revised")

    @property
    def was(self) -> list[str]:
        return list(self.data.get("was") or [])

    @property
    def now(self) -> list[str]:
        return list(self.data.get("now") or [])

    @property
    def key(self) -> tuple:
        return (self.data.get("doc_id"), self.data.get("statement"), tuple(self.was), tuple(self.now))

    def pairs(self) -> dict[tuple[str, str], str]:
        """Old value key -> new value as written, where one value of a kind replaced one."""
        out = {}
        for kind in ("date", "time"):
            old = [(k, key) for v in self.was for k, key, _ in dates_and_times(v) if k == kind]
            new = [d for v in self.now for k, _, d in dates_and_times(v) if k == kind]
            if len(old) == 1 and len(new) == 1:
                out[old[0]] = new[0]
        return out


def mark_amendments(answer: Answer, min_support: float = 0.5) -> Answer:
    """The answer with what amendments changed in its sources said (see the module docstring). The
    marks are in the answer's text, not in its claims: a claim stays what its source supports."""
    links = [_Link(s.n, data) for s in answer.sources for data in s.hit.payload.amended_by]
    if not links:
        return answer
    by_n = {s.n: s for s in answer.sources}
    for link in links:
        by_n[link.n].hit.superseded = True
    answer.notes = answer.notes + [_note(link, by_n[link.n]) for link in links]
    if answer.claims:
        marked = _claims(answer.claims, links, answer.sources, min_support)
        answer.claims = [m.claim for m in marked]
        answer.text = " ".join(m.display() for m in marked)
    return answer


@dataclass
class _Marked:
    """A claim and the marks shown with it: (offset in the claim's text, mark)."""

    claim: Claim
    marks: list[tuple[int, str]] = field(default_factory=list)

    def add(self, mark: str, at: int | None = None) -> _Marked:
        self.marks.append((len(self.claim.text) if at is None else at, mark))
        return self

    def display(self) -> str:
        text = self.claim.text
        for at, mark in sorted(self.marks, reverse=True):
            text = f"{text[:at]} {mark}{text[at:]}"
        return text


def _note(link: _Link, source: Source) -> str:
    where = link.data.get("path", "")
    change = f"{', '.join(link.was)} is now {', '.join(link.now)}" if link.was and link.now else ""
    if link.change == "date":
        what = link.data.get("what") or "due"
        return (
            f"[{source.n}] gives the {what} date as first issued; {link.label} ({where}) changed it"
            f"{': ' + change if change else ''}."
        )
    section = f"section {link.data.get('section')}" if link.data.get("section") else "this passage"
    if link.change == "deleted":
        return f"[{source.n}] is {section} of {source.hit.path}, which {link.label} ({where}) deleted."
    return (
        f"[{source.n}] is {section} as first issued ({source.hit.path}); {link.label} ({where}) revised it"
        f"{': ' + change if change else ''}."
    )


def _source_of(claim: Claim) -> int | None:
    if claim.quote_source is not None:
        return claim.quote_source
    return claim.citations[0] if claim.citations else None


def _claims(
    claims: list[Claim], links: list[_Link], sources: list[Source], min_support: float
) -> list[_Marked]:
    amended: dict[int, list[_Link]] = {}
    for link in links:
        amended.setdefault(link.n, []).append(link)
    explained: set[tuple] = set()  # changes whose old value the answer already gives
    out: list[_Marked] = []
    for claim in claims:
        quoted = claim.text.startswith('"')
        kept: _Marked | None = _Marked(claim)
        for link in amended.get(_source_of(claim) or 0, []):
            if kept is None:
                break
            if link.change == "deleted":
                kept.add(f"(deleted by {link.label})")
            elif _keys(kept.claim.text) & link.was_keys:
                if quoted:
                    current = any(
                        other is not claim
                        and _source_of(other) not in amended
                        and link.now_keys
                        and link.now_keys <= _keys(other.text)
                        for other in claims
                    )
                    if current:  # the current wording is quoted; it will say what it replaced
                        kept = None
                        break
                    kept.add(f"(replaced by {link.label}: {', '.join(link.now)})")
                else:
                    kept = _rewrite(kept, link, sources, min_support)
                explained.add(link.key)
            elif link.change == "revised":
                recited = None if quoted else _recite(kept.claim, link, kept.claim.text, sources, min_support)
                if recited is not None:
                    kept = _Marked(recited, [(len(recited.text), mark) for _, mark in kept.marks])
                else:
                    kept.add(f"(section {link.data.get('section')} as issued; revised by {link.label})")
        if kept is not None:
            out.append(kept)
    # A sentence stating the current value says what it replaced, once per change.
    for link in links:
        if link.key in explained or not link.was or not link.now_keys:
            continue
        for m in out:
            if link.now_keys <= _keys(m.claim.text) and not m.marks:
                m.add(f"({link.label}; was {', '.join(link.was)})", _after_value(m.claim.text, link))
                explained.add(link.key)
                break
    return out


def _value_spans(text: str, keys: set[tuple[str, str]]) -> list[tuple[int, int, tuple[str, str]]]:
    spans = []
    for m in DATE.finditer(text):
        key = ("date", date_key(m.group(0)) or "")
        if key in keys:
            spans.append((m.start(), m.end(), key))
    for m in TIME.finditer(text):
        key = ("time", time_key(m.group(0)) or "")
        if m.group(0).strip() and key in keys:
            spans.append((m.start(), m.end(), key))
    return sorted(spans)


def _after_value(text: str, link: _Link) -> int:
    """Where a mark goes: after the last of the link's current values in a generated sentence,
    after the citation in a quote."""
    spans = [] if text.startswith('"') else _value_spans(text, link.now_keys)
    return spans[-1][1] if spans else len(text)


def _rewrite(marked: _Marked, link: _Link, sources: list[Source], min_support: float) -> _Marked:
    """A generated sentence stating a replaced value: the current value, cited to the amendment's
    passage when it supports the sentence; else the old value, marked as replaced."""
    claim = marked.claim
    pairs = link.pairs()
    spans = [s for s in _value_spans(claim.text, link.was_keys) if s[2] in pairs]
    if spans:
        text = claim.text
        for start, end, key in reversed(spans):
            text = f"{text[:start]}{pairs[key]}{text[end:]}"
        recited = _recite(claim, link, text, sources, min_support)
        if recited is not None:
            mark = f"({link.label}; was {', '.join(link.was)})"
            return _Marked(recited).add(mark, _after_value(recited.text, link))
    spans = _value_spans(claim.text, link.was_keys)
    return marked.add(f"(replaced by {link.label}: {', '.join(link.now)})", spans[-1][1] if spans else None)


def _recite(claim: Claim, link: _Link, text: str, sources: list[Source], min_support: float) -> Claim | None:
    """The sentence (`text`, the claim's own or rewritten) cited to the amendment's passage instead
    of the superseded one, when that passage supports it; None when no source of the amendment does."""
    old = _source_of(claim)
    best: tuple[float, int | None, str | None] = (0.0, None, None)
    for s in sources:
        if s.hit.payload.doc_id != link.data.get("doc_id") or s.hit.payload.amended_by:
            continue
        for sentence in quotable(s.excerpt):
            value = support(text, sentence)
            if value > best[0]:
                best = (value, s.n, sentence)
    if best[1] is None or best[0] < min_support:
        return None
    n = best[1]
    cited = CITATION.sub(lambda m: f"[{n}]" if int(m.group(1)) == old else m.group(0), text)
    if f"[{n}]" not in cited:
        cited = f"{cited} [{n}]"
    citations = list(dict.fromkeys(n if c == old else c for c in claim.citations)) or [n]
    return Claim(cited, citations, True, best[2], n)


VALUE_KINDS = ("date", "time", "money", "number")


def changed_values(before: str, after: str) -> tuple[list[str], list[str]]:
    """The dates, times, amounts and numbers that only `before` states, and those only `after`
    states, as written: what changed between two wordings of one passage (a conformed copy and the
    solicitation as issued)."""
    old = [f for f in extract(before) if f.kind in VALUE_KINDS]
    new = [f for f in extract(after) if f.kind in VALUE_KINDS]
    was = [str(f) for f in old if not stated(f, new, after)]
    now = [str(f) for f in new if not stated(f, old, before)]
    return list(dict.fromkeys(was)), list(dict.fromkeys(now))
