"""The changes an amendment states, read one way by ingest and by the shredder.

An amendment (SF-30 style) says what it changes in sentences:
- "Section 1.5 is revised as follows: ...", "L.1 Submission is revised as follows. ...", "Delete
  Paragraph 3.2 ...", "Paragraph 21.0 is deleted in its entirety", "Section 4.4 is added": the
  sentences after a revision or an addition, up to the next heading, are the new wording;
- "The due date for quotes is extended to March 23, 2026" (also for questions), wherever it is said,
  Q&A answers included.

`read_changes` finds them in a document's sentences in order. The shredder (proposal/amend.py) applies
them to compliance-matrix rows; ingest (core/indexing/versions.py) stores them on the amendment's
passages (`amends`) and links them to the stored passages they change (`amended_by`, built by
`link`); answers use the current value and say what changed it (core/answering/amendments.py).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from core.dates import DATE, dates_and_times, when
from core.documents.model import ParsedDocument
from core.documents.text import split_sentences

_TARGET = r"(?:Section|Paragraph|Para\.?|Clause|Item|Article|Part|Subsection|Subparagraph)\s+(?P<num>[A-Z]?\d+(?:\.\d+)*[a-z]?|[A-Z](?:\.\d+)*)\b"
_VERBS = (
    r"(?P<verb>revised|amended|changed|modified|replaced|updated|corrected|deleted|removed|rescinded|added|"
    r"inserted)\b"
)
CHANGE = re.compile(
    rf"\b{_TARGET}(?P<title>[^.:;]{{0,80}}?),?\s+(?:of the (?:RFQ|RFP|solicitation|PWS|SOW|SOO)\s+)?"
    rf"(?:is|are|has been|have been)\s+(?:hereby\s+)?{_VERBS}(?P<rest>.*)$",
    re.IGNORECASE,
)
# "L.1 Submission is revised as follows.", "3.2 Period of Performance is deleted.": an outline number
# and a title in title case opening the sentence, without the word "Section".
_TITLE_WORD = r"(?:[A-Z][\w/&'’-]*|and|of|the|for|to|in|on|or|&)"
BARE_CHANGE = re.compile(
    rf"^(?P<num>[A-Z]\.\d+(?:\.\d+)*|\d+\.\d+(?:\.\d+)*)\.?\s+(?P<title>[A-Z][\w/&'’-]*(?:\s+{_TITLE_WORD}){{0,7}}),?"
    rf"\s+(?:is|are|has been|have been)\s+(?:hereby\s+)?{_VERBS}(?P<rest>.*)$"
)
COMMAND = re.compile(
    rf"^(?P<verb>Delete|Add|Replace|Revise|Insert|Change|Amend)\b[^:]*?\b{_TARGET}(?P<rest>.*)$",
    re.IGNORECASE,
)
DATE_CHANGE = re.compile(
    r"\b(?P<what>due date|closing date|(?:date|time|hour) (?:and (?:date|time|hour) )?(?:specified )?for receipt of "
    r"(?:offers|quotes|quotations|proposals)|response date|questions? (?:due )?date)\b[^.]{0,80}?"
    r"\b(?:is|are|has been|have been)\s+(?:hereby\s+)?(?:extended|changed|revised|moved|amended)\b[^.]*?\bto\b",
    re.IGNORECASE,
)
SF30_BOXES = re.compile(r"receipt of Offers\s+is extended\.?\s+is not extended", re.IGNORECASE)
QUESTIONS = re.compile(r"\bquestions?\b|\binquir(?:y|ies)\b", re.IGNORECASE)
QA_HEADING = re.compile(r"\bquestions and answers\b", re.IGNORECASE)
REMOVING = ("deleted", "removed", "rescinded", "delete")
ADDING = ("added", "inserted", "add", "insert")

# What a passage must say for its date to be the one a date change replaces.
DUE = re.compile(
    r"\b(due|no later than|NLT|closing (?:date|time)|closes?|deadline|must be received|received (?:by|no later)|"
    r"submitted (?:by|no later|on or before)|reply by|on or before|responses? due)\b",
    re.IGNORECASE,
)
SUBMISSION = re.compile(
    r"\b(quotes?|quotations?|proposals?|offers?|responses?|bids?|submi(?:ssion|ssions|t|tted|ttal)|receipt)\b",
    re.IGNORECASE,
)
SUBMISSION_PART = re.compile(r"\bsubmi|\binstructions?\b|\bdeadlines?\b|^section l\b", re.IGNORECASE)
# In a submission part, a due date of something else: a deliverable, a meeting, the award.
OTHER_DUE = re.compile(
    r"\b(reports?|plans?|deliverables?|meetings?|kick-?off|briefings?|reviews?|award|performance|invoices?|"
    r"questions?|presentations?|demonstrations?|interviews?)\b",
    re.IGNORECASE,
)

AMENDING_KINDS = ("amendment",)  # documents whose stated changes are read at ingest
TARGET_KINDS = ("rfp", "amendment", "pws", "qasp", "other")  # documents an amendment can change
MAX_VALUES = 3  # dates or times kept per side of one change


@dataclass
class Change:
    """One stated change: a section revised, deleted or added (kind "section"), or a due date moved
    (kind "date")."""

    kind: str
    statement: str  # the sentence that states it
    page: int | None = None
    verb: str = ""  # "revised", "deleted", "add", ... as written (lower case)
    num: str = ""  # the section it changes: "L.1", "1.5"
    title: str = ""  # the section's title as the statement gives it ("Submission")
    what: str = ""  # date changes: "due" or "questions due"
    value: str | None = None  # date changes: the new date (and time) as written
    texts: list[tuple[str, int | None]] = field(default_factory=list)  # the new wording, with pages

    @property
    def removes(self) -> bool:
        return self.verb in REMOVING

    @property
    def adds(self) -> bool:
        return self.verb in ADDING

    @property
    def new_text(self) -> str:
        return " ".join(text for text, _ in self.texts)

    def to_dict(self) -> dict[str, Any]:
        """As stored on the amendment's passage (`ChunkPayload.amends`)."""
        return {
            "kind": self.kind,
            "statement": self.statement[:600],
            "page": self.page,
            "verb": self.verb,
            "num": self.num,
            "title": self.title,
            "what": self.what,
            "value": self.value,
            "text": self.new_text[:2000],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Change:
        text = data.get("text") or ""
        return cls(
            data.get("kind", "section"),
            data.get("statement", ""),
            data.get("page"),
            data.get("verb", ""),
            data.get("num", ""),
            data.get("title", ""),
            data.get("what", ""),
            data.get("value"),
            [(text, data.get("page"))] if text else [],
        )


def opening(text: str) -> re.Match[str] | None:
    """The statement that opens a section change, if the sentence is one."""
    return CHANGE.search(text) or BARE_CHANGE.match(text) or COMMAND.match(text)


def _rest(m: re.Match[str]) -> str:
    return re.sub(
        r"^\s*(?:as follows|to read(?: as follows)?|in (?:its|their) entirety)?\s*[:.]?\s*",
        "",
        m.group("rest") or "",
    )


def read_changes(units: Iterable[tuple[str, int | None, bool]]) -> list[Change]:
    """The stated changes in a document's units (text, page, is a heading), in order. A revision or
    addition collects the sentences after it as its new wording until the next heading, the next
    statement or the document's questions and answers."""
    changes: list[Change] = []
    current: Change | None = None
    for text, page, heading in units:
        m = opening(text)
        if m:
            rest = _rest(m)
            title = (m.groupdict().get("title") or "").strip(" ,")
            current = Change(
                "section",
                text,
                page,
                verb=m.group("verb").lower(),
                num=m.group("num"),
                title=title,
                texts=[(rest, page)] if rest else [],
            )
            changes.append(current)
            continue
        d = DATE_CHANGE.search(text)
        if d:
            what = "questions due" if QUESTIONS.search(d.group("what")) else "due"
            changes.append(Change("date", text, page, what=what, value=when(text[d.end() :]) or when(text)))
            current = None
            continue
        if heading or QA_HEADING.search(text):
            current = None
            continue
        if current is not None and not current.removes:
            current.texts.append((text, page))
    return changes


def units(doc: ParsedDocument) -> Iterator[tuple[str, int | None, bool]]:
    """A parsed document as (sentence or heading, page, is a heading)."""
    for block in doc.blocks:
        if block.kind == "record" or not block.text.strip():
            continue
        text = " ".join(block.text.split())
        if block.kind == "heading":
            yield text, block.page, True
            continue
        for sentence in split_sentences(text) or [text]:
            yield sentence, block.page, False


def document_changes(doc: ParsedDocument) -> list[Change]:
    return read_changes(units(doc))


# --- which documents an amendment changes -------------------------------------------------------------


@dataclass
class DocRef:
    """A stored document as linking needs it (from the manifest or a file being ingested)."""

    doc_id: str
    path: str
    abs_path: str = ""
    title: str = ""
    doc_kind: str | None = None
    solicitation: str | None = None
    seq: int = 0


def flat(text: str | None) -> str:
    return re.sub(r"[^a-z0-9]", "", (text or "").lower())


def references(doc: DocRef, head: str = "") -> str:
    """What the document names about itself, flattened: its file name, title and opening text (an
    amendment says which solicitation it amends there: "AMENDMENT 0001 TO RFQ 2026-0042")."""
    return flat(f"{doc.path} {doc.title} {doc.solicitation or ''} {head[:2000]}")


_NUMBERED = re.compile(
    r"\b(?P<word>amendment|modification|mod|addendum|amd)[\s_#.-]*(?:no\.?|number)?[\s_#.-]*"
    r"(?P<n>\d{1,4})\b",
    re.IGNORECASE,
)


def amendment_number(doc: DocRef) -> int | None:
    for text in (doc.title, os.path.basename(doc.path)):
        m = _NUMBERED.search(re.sub(r"_", " ", text or ""))
        if m:
            return int(m.group("n"))
    return None


def label(doc: DocRef) -> str:
    """How an answer names the amendment: "Amendment 0001" (as its name numbers it), else its file."""
    for text in (doc.title, os.path.basename(doc.path)):
        m = _NUMBERED.search(re.sub(r"_", " ", text or ""))
        if m:
            word = m.group("word").lower()
            word = {"mod": "Modification", "amd": "Amendment"}.get(word, word.title())
            return f"{word} {m.group('n')}"
    return os.path.basename(doc.path) or doc.path


def earlier(target: DocRef, amendment: DocRef) -> bool:
    """Whether the target was issued before the amendment: any solicitation document that is not an
    amendment, or an amendment with a lower number (else, ingested before it)."""
    if target.doc_kind not in AMENDING_KINDS:
        return True
    a, b = amendment_number(target), amendment_number(amendment)
    if a is not None and b is not None and a != b:
        return a < b
    return target.seq < amendment.seq


def in_scope(amendment: DocRef, refs: str, target: DocRef) -> bool:
    """Whether the amendment can change the target: same solicitation (by number, or the one names
    the other), else, when the amendment names none, the same folder; never itself, a later
    amendment, or a document of another kind (a proposal, the FAR, code tables)."""
    if target.doc_id == amendment.doc_id or target.doc_kind not in TARGET_KINDS:
        return False
    if not earlier(target, amendment):
        return False
    mine, theirs = flat(amendment.solicitation), flat(target.solicitation)
    if theirs and theirs in refs:
        return True
    if mine and (mine == theirs or mine in references(target)):
        return True
    if mine:
        return False
    return bool(amendment.abs_path) and os.path.dirname(amendment.abs_path) == os.path.dirname(
        target.abs_path
    )


# --- which passages a change changes ------------------------------------------------------------------


def in_section(section_path: list[str], text: str, num: str) -> bool:
    """A passage under the numbered section (or one of its subsections), or opening with its number."""
    pattern = re.compile(rf"^(?:section\s+)?{re.escape(num)}(?:[.:\s)]|$)", re.IGNORECASE)
    return any(pattern.match(part.strip()) for part in section_path) or bool(pattern.match(text.strip()))


def _differences(old: str, new: str, kinds: set[str] | None = None) -> tuple[list[str], list[str]]:
    """(was, now): the dates and times only one side states, as written; `kinds` limits them."""
    before, after = dates_and_times(old), dates_and_times(new)
    kinds = kinds or {k for k, _, _ in after}
    kinds &= {k for k, _, _ in before}
    new_keys = {(k, key) for k, key, _ in after}
    old_keys = {(k, key) for k, key, _ in before}
    was = [d for k, key, d in before if k in kinds and (k, key) not in new_keys]
    now = [d for k, key, d in after if k in kinds and (k, key) not in old_keys]
    return list(dict.fromkeys(was))[:MAX_VALUES], list(dict.fromkeys(now))[:MAX_VALUES]


def due_sentences(text: str, section_path: list[str], what: str) -> list[str]:
    """The passage's sentences that state the due date a date change of `what` replaces."""
    part = any(SUBMISSION_PART.search(p) for p in section_path)
    out = []
    for sentence in split_sentences(" ".join(text.split())) or [text]:
        if not DATE.search(sentence) or not DUE.search(sentence):
            continue
        about_questions = bool(QUESTIONS.search(sentence))
        if (what == "questions due") != about_questions:
            continue
        if what == "due" and not (SUBMISSION.search(sentence) or (part and not OTHER_DUE.search(sentence))):
            continue
        out.append(sentence)
    return out


def link(change: Change, amendment: DocRef, text: str, section_path: list[str]) -> dict[str, Any] | None:
    """What a passage (its text and section path) carries when the change changes it
    (`ChunkPayload.amended_by`), or None when it does not."""
    record: dict[str, Any] = {
        "doc_id": amendment.doc_id,
        "path": amendment.path,
        "label": label(amendment),
        "page": change.page,
        "statement": change.statement[:400],
        "section": change.num,
        "was": [],
        "now": [],
    }
    if change.kind == "date":
        if not change.value:
            return None
        said = due_sentences(text, section_path, change.what)
        if not said:
            return None
        was, now = _differences(" ".join(said), change.value)
        if not was:  # the passage already states the new value
            return None
        return {**record, "change": "date", "what": change.what, "was": was, "now": now}
    if change.adds or not change.num or not in_section(section_path, text, change.num):
        return None
    if change.removes:
        return {**record, "change": "deleted"}
    was, now = _differences(text, change.new_text) if change.new_text else ([], [])
    return {**record, "change": "revised", "was": was, "now": now, "text": change.new_text[:600]}
