"""Whether a data folder can answer an answerable question at all.

The vendor questions are asked of a folder without the Q&A documents their answers come from, so some
of them are not answerable there: "How many tenants is Cloud Foundry hosting?" is answered "~50" by the
government in the Q&A, and no solicitation document says so. A decline there is right. This tells
those apart mechanically, without anyone reading the answers: the folder **lacks** the answer when the
reference answer states key facts of a checkable kind (numbers, money, dates, times, codes;
`core.answer_eval.facts`) and the indexed text of the question's `context_documents` states none of
them. A reference without such facts (a yes, a description) is not judged, and counts as answerable.
"""

from __future__ import annotations

from core.answer_eval.agreement import key_facts
from core.answer_eval.facts import extract, stated
from core.evaluation import same_file
from core.store import Match, MatchAny, Store, Where, scroll_all

CHECKABLE = ("number", "money", "date", "time", "code")
ANSWERABLE, LACKS, NOT_JUDGED = "answerable", "the folder lacks it", "not judged"


def document_texts(store: Store, collection: str) -> dict[str, str]:
    """The indexed text of every live document but the FAR and the code tables, by its path."""
    if not store.has_collection(collection):
        return {}
    where = Where.of(Match("state", "live"), must_not=(MatchAny("doc_kind", ("codes", "far")),))
    texts: dict[str, list[str]] = {}
    for hit in scroll_all(store, collection, where):
        texts.setdefault(hit.chunk.path, []).append(hit.chunk.text)
    return {path: "\n".join(parts) for path, parts in texts.items()}


def classify(question: str, reference: str, context_files: list[str], texts: dict[str, str]) -> str:
    """ANSWERABLE, LACKS or NOT_JUDGED (see the module docstring)."""
    facts = [f for f in key_facts(reference, question) if f.kind in CHECKABLE]
    if not facts or not context_files:
        return NOT_JUDGED
    text = "\n".join(t for path, t in texts.items() if any(same_file(path, w) for w in context_files))
    said = extract(text)
    return ANSWERABLE if any(stated(f, said, text) for f in facts) else LACKS
