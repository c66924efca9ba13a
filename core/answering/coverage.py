"""Whether the passages found can answer the question at all; if not, the answer is declined and
nothing is generated.

A question is declined when nothing was found, when no passage is close in meaning (unless a top
passage holds every content word of the question), or when it names something (an acronym, "Alliant
3") that no passage found mentions.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from core.answering.words import content_words
from core.retrieval import Retriever, SearchResult

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
    name with a version number ("Alliant 3", "Schedule 70", "OASIS+")."""
    names = re.findall(r"\b[A-Z][A-Z0-9]{2,}\b", question)
    names += [
        m.group(0)
        for m in re.finditer(r"\b[A-Z][a-zA-Z]+\+?\s\d{1,3}\b(?![\d.:/-])", question)
        if m.group(0).split()[0] not in COMMON_CAPS
    ]
    return list(dict.fromkeys(names))


def holds_every_word(question: str, texts: Iterable[str]) -> bool:
    """A top passage that holds every content word of the question (three or more) answers it,
    even when the small embedding model scores it low, as it does for terse headings and clause
    lists ("Which FAR clauses are incorporated by reference?")."""
    words = content_words(question)
    return len(words) >= 3 and any(words <= content_words(text) for text in texts)


class Coverage:
    def __init__(self, retriever: Retriever, min_relevance: float = 0.35):
        self.retriever = retriever
        self.min_relevance = min_relevance

    def __call__(self, question: str, result: SearchResult) -> str | None:
        """None when the retrieved passages plausibly answer the question, else the reason not."""
        if not result.hits:
            return "nothing was found in the documents you can search"
        top = [f"{h.section} {h.text}" for h in result.hits[:3]]
        if result.best_similarity < self.min_relevance and not holds_every_word(question, top):
            return "no passage is close in meaning to the question"
        found = " ".join(f"{h.text} {h.title} {h.section} {h.path}" for h in result.hits).lower()
        found_words = set(re.findall(r"[a-z0-9]+", found))
        found_flat = " ".join(re.findall(r"[a-z0-9]+", found))
        for name in named_things(question):
            words = re.findall(r"[a-z0-9]+", name.lower())
            if len(words) > 1:  # "Alliant 3": the passages found must name it
                if " ".join(words) not in found_flat:
                    return f"the passages found do not mention {name}"
            elif words[0] not in found_words and not self.retriever.mentions(
                words[0], result.collections, result.where
            ):
                return f"the documents do not mention {name}"  # an acronym nowhere in the corpus
        return None
