"""Content words and numbers: what claim support and question coverage compare."""

from __future__ import annotations

import re

from core.sparse import STOPWORDS, stem_word

_WORD = re.compile(r"[a-z0-9][a-z0-9.\-/]*[a-z0-9]|[a-z0-9]", re.IGNORECASE)
# Question words that say nothing about the subject.
GENERIC = frozenset(
    {"what", "which", "when", "where", "how", "many", "much", "does", "need", "want", "tell", "kind"}
)


def content_words(text: str) -> set[str]:
    """Stemmed words that carry meaning: no stopwords or question words, no one- or two-letter words
    (numbers stay)."""
    words = (w.lower() for w in _WORD.findall(text))
    return {
        stem_word(w) for w in words if w not in STOPWORDS and w not in GENERIC and (len(w) > 2 or w.isdigit())
    }


def numbers(text: str) -> set[str]:
    return {n.replace(",", "") for n in re.findall(r"\d[\d,]*(?:\.\d+)?", text)}


# What a claim says beyond its words (claims.disagreement): which words a negation denies, its
# subject, the time or size relations and the frequency it states.
_NEGATION = re.compile(r"\b(?:not|no|never|none|cannot|without)\b|n't\b", re.IGNORECASE)
_ANSWER = re.compile(r"^\W*(?:yes|no|correct)\b\s*[,.;:!]", re.IGNORECASE)  # "No, ..." answers
_CLAUSE_END = re.compile(r"[,;:.!?()\u2013\u2014]|\bbut\b|\bnor\b", re.IGNORECASE)
_TOKEN = re.compile(r"[A-Za-z][A-Za-z'-]*")


def negation_sides(text: str) -> tuple[set[str], set[str]]:
    """(denied, stated): the stemmed first content word after each negation in its clause ("is not
    required": requir), and the content words said without one. A word the text also says without
    a negation ("included ..., and shall not be included ...") is not denied."""
    text = _ANSWER.sub(" ", text)
    denied_at = set()
    for m in _NEGATION.finditer(text):
        end = _CLAUSE_END.search(text, m.end())
        for t in list(_TOKEN.finditer(text, m.end(), end.start() if end else len(text)))[:4]:
            if content_words(t.group(0)):
                denied_at.add(t.start())
                break
    denied: set[str] = set()
    plain: set[str] = set()
    for t in _TOKEN.finditer(text):
        (denied if t.start() in denied_at else plain).add(t.group(0).lower())
    stems = {stem_word(w) for w in denied - plain if content_words(w)}
    return stems, content_words(" ".join(plain))


def negated(text: str) -> bool:
    return bool(_NEGATION.search(_ANSWER.sub(" ", text)))


_VERB = re.compile(
    r"\b(?:is|are|was|were|will|shall|must|may|should|can|could|would|does|do|did|has|have|had|needs?|"
    r"requires?)\b",
    re.IGNORECASE,
)


def subject(text: str) -> tuple[set[str], str, set[str]]:
    """The claim's subject: the content words before its first auxiliary verb ("The contract is
    due": contract; none for a pronoun), else its first content word; the initials of its capitalised words
    ("Contracting Officer": CO), by which a source may name it; and its words as written, lower case."""
    text = _ANSWER.sub(" ", text).strip()
    m = _VERB.search(text)
    span = text[: m.start()] if m else ""
    words = content_words(span)
    if m and not words:  # "They can ...", "It is ...": a pronoun, nothing to compare
        return set(), "", set()
    if not words:
        first = next((w for w in text.split() if content_words(w)), "")
        words, span = content_words(first), first
    initials = "".join(w[0] for w in _TOKEN.findall(span) if w[0].isupper() and w.lower() not in STOPWORDS)
    written = {w.lower() for w in _TOKEN.findall(span)}
    return words, initials if len(initials) >= 2 else "", written


_RELATIONS = {
    "before": "before",
    "prior": "before",
    "earlier": "before",
    "after": "after",
    "following": "after",
    "later": "after",
    "above": "above",
    "below": "below",
}
_BY = re.compile(r"\bno[t]?\s+later\s+than\b", re.IGNORECASE)  # a deadline: "by"
FREQUENCIES = frozenset(
    {"hourly", "daily", "weekly", "biweekly", "monthly", "quarterly", "annually", "annual", "yearly"}
)


def relations(text: str) -> set[str]:
    """The time and size relations a text states: before, after, above, below ("no later than" is a
    deadline, none of them)."""
    return {_RELATIONS[w] for w in re.findall(r"[a-z]+", _BY.sub(" by ", text.lower())) if w in _RELATIONS}


def frequencies(text: str) -> set[str]:
    return set(re.findall(r"[a-z]+", text.lower())) & FREQUENCIES
