"""Matching a solicitation's rows across two versions, and the rows after a revision.

Rows are matched one to one, identical text first, then by text similarity (difflib over words,
nudged for the same type, the same section number and the same list item letter). A row whose
words are all in the other version was only cut into sentences differently there (two PDFs wrap
and break pages differently), so it is neither changed, added nor removed.
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher

from core.documents.model import ParsedDocument
from core.words import words as _words  # "words" names a loop variable below
from proposal.model import Requirement

SAME_ROW = 0.6  # text similarity above which two rows are one requirement in two versions
REVISION_SHARE = 0.5  # a file matching this share of the rows reissues the solicitation


def same_text(a: str, b: str) -> bool:
    """Equal up to spacing, hyphenation at line ends and punctuation."""
    return re.sub(r"[^a-z0-9]", "", a.lower()) == re.sub(r"[^a-z0-9]", "", b.lower())


def _section_number(section: str) -> str:
    m = re.search(r"(?:^|> )([A-Z]?\d+(?:\.\d+)*)[.\s]", section + " ")
    return m.group(1) if m else ""


def _marker(text: str) -> str:
    m = re.match(r"^\(?([A-Za-z]|\d{1,2})[.)]\s", text)
    return m.group(1) if m else ""


def match(
    old: list[Requirement], new: list[Requirement], threshold: float = SAME_ROW
) -> dict[int, tuple[int, float]]:
    """new index -> (old index, similarity), one to one, best pairs first."""
    old_words = [_words(r.text) for r in old]
    new_words = [_words(r.text) for r in new]
    old_sets = [set(w) for w in old_words]
    exact: dict[str, list[int]] = {}
    for i, r in enumerate(old):
        exact.setdefault(re.sub(r"[^a-z0-9]", "", r.text.lower()), []).append(i)
    pairs: dict[int, tuple[int, float]] = {}
    taken: set[int] = set()
    for j, r in enumerate(new):  # identical text first, in order
        for i in exact.get(re.sub(r"[^a-z0-9]", "", r.text.lower()), []):
            if i not in taken:
                pairs[j] = (i, 1.0)
                taken.add(i)
                break
    scored: list[tuple[float, int, int]] = []
    for j, words in enumerate(new_words):
        if j in pairs or not words:
            continue
        wset = set(words)
        for i, oset in enumerate(old_sets):
            if i in taken or not oset:
                continue
            if len(wset & oset) / len(wset | oset) < 0.3:
                continue
            ratio = SequenceMatcher(None, old_words[i], words, autojunk=False).ratio()
            if (
                ratio >= 0.3
                and _marker(old[i].text)
                and _marker(old[i].text) == _marker(new[j].text)
                and old[i].section == new[j].section
            ):
                ratio += 0.25  # item H. of the same list, reworded
            if old[i].type == new[j].type:
                ratio += 0.02
            if _section_number(old[i].section) and _section_number(old[i].section) == _section_number(
                new[j].section
            ):
                ratio += 0.05
            if ratio >= threshold:
                scored.append((ratio, i, j))
    for ratio, i, j in sorted(scored, reverse=True):
        if i in taken or j in pairs:
            continue
        pairs[j] = (i, min(ratio, 0.999))
        taken.add(i)
    return pairs


def is_revision(current: list[Requirement], new: list[Requirement]) -> bool:
    live = [r for r in current if r.live]
    if not live or not new:
        return False
    return len(match(live, new)) / len(live) >= REVISION_SHARE


def flat(text: str) -> str:
    """Text reduced to its letters and digits: line breaks, hyphenation and spacing do not count."""
    return re.sub(r"[^a-z0-9]", "", text.lower())


def document_text(doc: ParsedDocument) -> str:
    return flat(" ".join(b.text for b in doc.blocks))


def merge_revision(
    current: list[Requirement], new: list[Requirement], name: str, before: str = "", after: str = ""
) -> tuple[list[Requirement], int, int, int]:
    """The rows after a revision, in the revision's order, with the rows it dropped kept (marked
    removed) after the row they followed. Returns (rows, changed, added, removed).

    `before` and `after` are the flattened texts of both versions: a row whose words are all in the
    other version was only cut into sentences differently there (the two PDFs wrap and break pages
    differently), so it is neither changed, added nor removed."""
    live_index = [i for i, r in enumerate(current) if r.live]
    live = [current[i] for i in live_index]
    pairs = match(live, new)
    result: list[Requirement] = []
    position: dict[int, int] = {}  # index in `current` -> index in `result`
    changed = added = 0
    for j, row in enumerate(new):
        unchanged = bool(before) and flat(row.text) in before
        if j not in pairs:
            if not unchanged:
                row.amendment, row.change = name, "added"
                added += 1
            result.append(row)
            continue
        i, _ = pairs[j]
        old = live[i]
        position[live_index[i]] = len(result)
        if same_text(old.text, row.text):
            result.append(old)
            continue
        if unchanged:
            row.id, row.owner, row.status, row.response_location = (
                old.id,
                old.owner,
                old.status,
                old.response_location,
            )
            row.amendment, row.change, row.previous = old.amendment, old.change, old.previous
            result.append(row)
            continue
        row.id, row.owner, row.status, row.response_location = (
            old.id,
            old.owner,
            old.status,
            old.response_location,
        )
        row.amendment, row.change, row.previous = name, "changed", old.text
        row.parent = old.parent
        result.append(row)
        changed += 1
    matched_old = {live_index[i] for i, _ in pairs.values()}
    removed = 0
    inserts: list[tuple[int, Requirement]] = []
    anchor = -1
    for k, row in enumerate(current):
        if k in position:
            anchor = position[k]
            continue
        if row.live and k not in matched_old:
            if after and flat(row.text) in after:
                continue  # still there, cut differently
            row.amendment, row.change = name, "removed"
            removed += 1
        inserts.append((anchor, row))
    for offset, (at, row) in enumerate(sorted(inserts, key=lambda x: x[0])):
        result.insert(at + 1 + offset, row)
    return result, changed, added, removed
