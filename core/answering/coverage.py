"""Whether the passages found can answer the question at all; if not, the answer is declined and
nothing is generated.

A question is declined when nothing was found, when no passage is close in meaning (unless a top
passage holds every content word of the question), when it names something (an acronym, "Alliant
3") that no passage found mentions, or when it asks for a value (a name, a code, a number, an amount,
a date) that no sentence of the passages about the solicitation it names gives (`Coverage.decide`,
with `core.answering.scope` and `core.answering.slots`; from the document it names, when it names
one of the solicitation's documents: "on the pricing sheet"), or asks whether something happened to the
solicitation it names ("Was the award protested?") and no sentence of that solicitation's own
documents reports the event (the FAR's rules for protests do not say one was filed).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Iterable, Set
from dataclasses import dataclass, field
from pathlib import PurePath

from core.answering.scope import Scope, Scoper, documents_named, naming_terms
from core.answering.slots import (
    RULE,
    Filling,
    Slot,
    fill,
    find_slots,
    lower_case_words,
    past_event,
    units,
    verb_stems,
    without_addresses,
)
from core.answering.words import content_words
from core.retrieval import Hit, Retriever, SearchResult
from core.sparse import STOPWORDS, stem_word
from core.store import Match, MatchAny, Where
from core.words import words

COMMON_CAPS = frozenset(
    {
        "I",
        "A",
        "An",
        "The",
        "What",
        "Which",
        "When",
        "Where",
        "Who",
        "Why",
        "How",
        "Is",
        "Are",
        "Do",
        "Does",
        "Can",
        "May",
        "Must",
        "Should",
        "Our",
        "We",
        "If",
        "For",
        "In",
        "On",
        "Under",
        "According",
        "To",
        "January",
        "February",
        "March",
        "April",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
        "Jan",
        "Feb",
        "Mar",
        "Apr",
        "Jun",
        "Jul",
        "Aug",
        "Sep",
        "Sept",
        "Oct",
        "Nov",
        "Dec",
        "Day",
        "Days",
        "Year",
        "Years",
        "Week",
        "Weeks",
        "Month",
        "Months",
        "Page",
        "Pages",
    }
)


def named_things(question: str) -> list[str]:
    """What a question names that a passage must mention to answer it: acronyms (CMMC, GWAC), and a
    name with a version number ("Alliant 3", "Schedule 70", "OASIS+"). Only the sentence that asks
    counts: what a long question says first about the asker ("we use RTC") is context. An acronym
    in parentheses after the words it abbreviates ("Agile Delivery Services (ADSI)") is an alias of
    them, not a further name."""
    asked = asking_sentence(question)
    names = [
        m.group(0)
        for m in re.finditer(r"\b[A-Z][A-Z0-9]{2,}\b", asked)
        if not re.search(r"(?:[A-Z][\w-]*\s+){2,}\($", asked[: m.start()])
    ]
    names += [
        m.group(0)
        for m in re.finditer(r"\b[A-Z][a-zA-Z]+\+?\s\d{1,3}\b(?![\d.:/-])", asked)
        if m.group(0).split()[0] not in COMMON_CAPS
    ]
    names += [m.group(1) for m in _CODE_NAMED.finditer(asked)]
    return list(dict.fromkeys(names))


# A code the question gives by its system's name ("occupational series 1560", "SOC 15-1252", "NAICS
# code 541511", "clause 52.219-9"): a passage that answers about it states it.
_CODE_NAMED = re.compile(
    r"(?i)\b(?:series|codes?|soc|naics|sins?|psc|clauses?)\s*(?:#|no\.?)?\s*(\d[\d.-]*\d)(?![\w.-]*\d)"
)


def asking_sentence(question: str) -> str:
    """The sentences of a question that ask: those ending in "?", else the last one."""
    parts = [p.strip() for p in re.split(r"(?<=[.?!])\s+(?=[A-Z\"“(])", question.strip()) if p.strip()]
    asking = [p for p in parts if p.endswith("?")]
    return " ".join(asking) if asking else (parts[-1] if parts else question)


def mention_pattern(name: str) -> re.Pattern[str]:
    """A name as passages write it: "Tasks 1" as "Task 1", "Task #1" or "Task 01"; "GSA 70" as "GSA
    IT Schedule 70"; "IT70" as "IT 70". Words are compared by stem."""
    parts = re.findall(r"[A-Za-z]+|\d+", name)
    out = []
    for i, part in enumerate(parts):
        if part.isdigit():
            out.append(rf"(?:\W+(?:\w+\W+){{0,2}}|\W*(?:#|no\.?)\s*)?0*{int(part)}(?!\d)")
        else:
            stem = stem_word(part.lower())
            out.append(("" if i == 0 else r"\W*") + rf"{re.escape(stem)}[a-z]*")
    return re.compile(r"(?<![a-z0-9])" + "".join(out), re.IGNORECASE)


def holds_every_word(question: str, texts: Iterable[str]) -> bool:
    """A top passage that holds every content word of the question (three or more) answers it,
    even when the small embedding model scores it low, as it does for terse headings and clause
    lists ("Which FAR clauses are incorporated by reference?")."""
    words = content_words(question)
    return len(words) >= 3 and any(words <= content_words(text) for text in texts)


@dataclass
class Decision:
    """What retrieval found, narrowed to the solicitation the question names, and whether it answers
    the question: `reason` says why not (None: it does)."""

    result: SearchResult  # the hits to answer from (or, when declined, the closest ones)
    reason: str | None
    scope: Scope | None = None
    missing: list[Slot] = field(default_factory=list)
    filled: list[Filling] = field(default_factory=list)  # the sentences that give the values asked for


class Coverage:
    def __init__(self, retriever: Retriever, min_relevance: float = 0.35):
        self.retriever = retriever
        self.min_relevance = min_relevance
        self.scoper = Scoper(retriever)

    def decide(self, question: str, result: SearchResult, k: int, context: str | None = None) -> Decision:
        """Keep the hits of the solicitation the question (with `context`, the conversation so far)
        names and general references, then decide whether the best `k` of them answer it: the
        checks of `__call__`, then every value the question asks for is given by a sentence of that
        solicitation's passages. A passage further down that gives a value is moved into the `k`."""
        scope = self.scoper(context or question, result)
        pool = [h for h in result.hits if scope.holds(h)] if scope is not None else list(result.hits)
        if scope is not None and not pool:
            nothing_own = f"no passage found is from the documents of {scope.label}"
            return Decision(_with_hits(result, result.hits[:k]), nothing_own, scope)
        scoped = _with_hits(result, pool[:k])
        reason = self(question, scoped)
        if reason is not None:
            return Decision(scoped, reason, scope)
        own = [h for h in pool if scope.owns(h)] if scope is not None else pool
        # A document the question names ("the RFQ's pricing sheet") is where its values must be.
        documents = documents_named(question, scope) if scope is not None else set()
        if documents:
            own = [h for h in own if h.path in documents]
        common = self._common_words([question, *(h.text for h in result.hits)], result)
        # The words that name the solicitation: its own passages need not repeat them.
        naming = content_words(" ".join(naming_terms(context or question))) if scope is not None else set()
        named = content_words(" ".join(scope.terms)) if scope is not None else set()
        chosen = list(pool[:k])
        missing: list[Slot] = []
        filled: list[Filling] = []
        for slot in find_slots(question):
            found = fill(slot, own, question, common, naming, named)
            if found is None and scope is not None:  # look further in the solicitation's own documents
                further = self._own_passages(slot.head_text or slot.clause, scope, result, documents)
                found = fill(slot, further, question, common, naming, named)
            if found is None:
                missing.append(slot)
                continue
            filled.append(found)
            if found.hit not in chosen:
                chosen = [*chosen[: k - 1], found.hit] if len(chosen) >= k else [*chosen, found.hit]
        event = past_event(asking_sentence(question))
        if scope is not None and event is not None and not self._records(event, own, scope, result):
            reason = f'no passage of the documents of {scope.label} says it was "{event}"'
            return Decision(scoped, reason, scope)
        if scope is None and event is not None and not _any_reports(event, chosen):
            # no solicitation named: the passages found are all there is to have recorded it
            return Decision(scoped, f'no passage found says it was "{event}"', scope)
        if missing:
            where = f" of the documents of {scope.label}" if scope is not None else ""
            if documents:
                where = f" of {', '.join(sorted(PurePath(p).name for p in documents))}"
            reason = f"no passage{where} gives " + " or ".join(s.describe() for s in missing)
            return Decision(scoped, reason, scope, missing)
        return Decision(_with_hits(result, chosen), None, scope, filled=filled)

    def _records(self, verb: str, own: list[Hit], scope: Scope, result: SearchResult) -> bool:
        """Whether a sentence of the named solicitation's own documents states the event's verb (by
        stem): "Was the award protested?" is answered by a record of a protest, not by the FAR's
        rules for protests."""
        return _any_reports(verb, [*own, *self._own_passages(verb, scope, result)])

    def _own_passages(
        self, text: str, scope: Scope, result: SearchResult, documents: Set[str] = frozenset(), k: int = 10
    ) -> list[Hit]:
        """The passages of the named solicitation's own documents (of `documents` when the question
        names some) that best match `text` by words (one sparse query), for a value the passages
        retrieved for the whole question did not give."""
        paths = tuple(sorted(documents or scope.documents))
        if not paths:
            return []
        where = (result.where or Where()).and_(Where.of(MatchAny("path", paths)))
        vector = self.retriever.sparse.encode_query(text)
        hits = []
        for name in result.collections:
            for stored in self.retriever.store.search_sparse(name, vector, where, k):
                hit = Hit(stored.id, name, stored.score, stored.chunk)
                if scope.owns(hit):
                    hits.append(hit)
        return hits

    def _common_words(self, texts: list[str], result: SearchResult) -> Callable[[str], bool]:
        """Whether the documents write a word in lower case: in the texts at hand, else in the
        passages the index finds for it (one sparse lookup per word, remembered)."""
        known = lower_case_words(texts)
        seen: dict[str, bool] = {}

        def common(word: str) -> bool:
            if word in known or word in STOPWORDS:  # "Any website": a function word is no name
                return True
            if word not in seen:
                pattern = re.compile(rf"(?<![A-Za-z]){re.escape(word)}(?![A-Za-z])")
                vector = self.retriever.sparse.encode_query(word)
                prose = (result.where or Where()).and_(Where.of(Match("kind", "text")))
                seen[word] = bool(vector.indices) and any(
                    pattern.search(without_addresses(stored.chunk.text))
                    for name in result.collections
                    for stored in self.retriever.store.search_sparse(name, vector, prose, 100)
                )
            return seen[word]

        return common

    def __call__(self, question: str, result: SearchResult) -> str | None:
        """None when the retrieved passages plausibly answer the question, else the reason not."""
        if not result.hits:
            return "nothing was found in the documents you can search"
        top = [f"{h.section} {h.text}" for h in result.hits[:3]]
        if result.best_similarity < self.min_relevance and not holds_every_word(question, top):
            return "no passage is close in meaning to the question"
        found = " ".join(f"{h.text} {h.title} {h.section} {h.path}" for h in result.hits).lower()
        found_words = set(words(found))
        for name in named_things(question):
            parts = re.findall(r"[a-z]+|[0-9]+", name.lower())
            if len(parts) > 1:  # "Alliant 3", "CLIN0001": the documents must name it
                pattern = mention_pattern(name)
                # A name the question's other words led away from ("GSA 70" in a question about
                # teaming) is still something the documents have: looked up beyond the passages found.
                if not pattern.search(found) and not self.retriever.mentions(
                    name, result.collections, result.where, pattern, k=20
                ):
                    return f"the documents do not mention {name}"
            elif parts[0] not in found_words and not self.retriever.mentions(
                parts[0], result.collections, result.where
            ):
                return f"the documents do not mention {name}"  # an acronym nowhere in the corpus
        return None


def _any_reports(verb: str, hits: list[Hit]) -> bool:
    """Whether a sentence of the hits reports the verb's event (`_reports`)."""
    stems = verb_stems(verb)
    return any(_reports(sentence, stems) for hit in hits for sentence in units(hit))


_NEGATION = re.compile(r"(?i)\b(?:not|never|no longer|neither|nor)\b|n't\b")


def _reports(sentence: str, stems: Set[str]) -> bool:
    """Whether the sentence reports the event: it writes the verb's stem in lower case (a heading or
    a clause's title, "Option to Extend Services", names a kind of event) and says no rule or
    condition ("the Government may extend", "if a protest is filed"), nor asks ("How do change
    windows get changed?")."""
    if RULE.search(sentence) or _NEGATION.search(sentence) or sentence.rstrip().endswith("?"):
        return False  # a rule, a condition, a denial ("need not be modified") or a question asked
    return any(w.islower() and stem_word(w) in stems for w in re.findall(r"[A-Za-z][\w'-]*", sentence))


def _with_hits(result: SearchResult, hits: list[Hit]) -> SearchResult:
    return dataclasses.replace(result, hits=list(hits))
