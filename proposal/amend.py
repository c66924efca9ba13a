"""Applying an amendment to the rows of a compliance matrix.

Two kinds of amendment are read:
- a revised solicitation (a modification that reissues the whole document): its rows are matched to
  the current rows by text similarity (and section); a row whose text changed takes the new wording
  and keeps its id, owner and status, with the old wording in "previous"; rows only in the revision
  are "added", rows it no longer has are kept and marked "removed";
- an amendment that states its changes (SF-30 style): "Section 1.5 is revised as follows: ...",
  "Paragraph 3.2 is deleted in its entirety", "... is added", "The due date ... is extended to ...";
  and Q&A it incorporates, whose answers that bind ("US-based support is required") become
  "clarified" rows under the section the answer or question cites (`qa.py`); the matching of rows
  across versions is in `revision.py`.

Left alone (said in the matrix's notes): SF-30 check boxes (the text layer does not say which box is
ticked), changes to attachments we were not given, and Q&A answers that bind no one.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from core.amendments import SF30_BOXES, Change, read_changes
from core.documents.model import Block, ParsedDocument
from proposal import cues
from proposal.model import Fact, Requirement
from proposal.qa import in_section, qa_rows
from proposal.revision import document_text, is_revision, merge_revision
from proposal.units import walk

Shred = Callable[[ParsedDocument, str], list[Requirement]]


# --- stated changes (SF-30 style) --------------------------------------------------------------------
def _shred_text(
    texts: list[tuple[str, int | None]], section: str, name: str, shred: Shred
) -> list[Requirement]:
    blocks = [Block(text, page=page, section=(section,)) for text, page in texts if text.strip()]
    return shred(ParsedDocument(name, name, blocks, "text"), name)


def apply_stated(
    current: list[Requirement], doc: ParsedDocument, name: str, shred: Shred
) -> tuple[list[Requirement], list[str]]:
    rows = list(current)
    notes: list[str] = []
    # The statements are recognised in core (core/amendments.py), as ingest recognises them.
    changes = read_changes((u.text, u.page, u.kind == "heading") for u in walk(doc))
    for change in changes:
        if change.kind == "date":
            rows = _change_due_date(rows, change, name, notes)
    for change in changes:
        if change.kind == "section":
            rows = _apply_change(rows, change, name, notes, shred)
    full = " ".join(b.text for b in doc.blocks)
    if SF30_BOXES.search(full):
        notes.append(
            f"{name}: the SF-30's 'receipt of offers is extended / is not extended' boxes are not "
            "readable from the text layer; check the due date on the form by hand"
        )
    item14 = re.search(r"(\S+ is hereby amended[^.]*\.)", full)
    if item14:
        notes.append(f"{name}: {item14.group(1)}")
    answers = qa_rows(doc, rows, name)
    if answers:
        rows += answers
        notes.append(
            f"{name}: {len(answers)} binding sentence(s) from its Q&A answers added as 'clarified' rows"
        )
    if not changes and not answers:
        notes.append(
            f"{name}: no stated change to a section, date or requirement was recognised; read it by hand"
        )
    return rows, notes


def _apply_change(
    rows: list[Requirement], change: Change, name: str, notes: list[str], shred: Shred
) -> list[Requirement]:
    num, verb = change.num, change.verb
    targets = [i for i, r in enumerate(rows) if r.live and in_section(r, num)]
    section = rows[targets[0]].section if targets else f"Section {num}"
    if change.removes:
        for i in targets:
            rows[i].amendment, rows[i].change = name, "removed"
        notes.append(f"{name}: section {num} deleted ({len(targets)} rows marked removed)")
        return rows
    new = _shred_text(change.texts, section, name, shred)
    if change.adds or not targets:
        for r in new:
            r.amendment, r.change = name, "added"
        at = (targets[-1] + 1) if targets else len(rows)
        notes.append(f"{name}: section {num} {verb}: {len(new)} rows added")
        return rows[:at] + new + rows[at:]
    if not new:
        for i in targets:
            rows[i].amendment, rows[i].change = name, "changed"
            rows[i].note = f"{name} revises section {num}; read it for the new wording"
        notes.append(f"{name}: section {num} {verb}, no new wording given ({len(targets)} rows flagged)")
        return rows
    old = [rows[i] for i in targets]
    merged, changed, added, removed = merge_revision(old, new, name)
    notes.append(f"{name}: section {num} {verb}: {changed} changed, {added} added, {removed} removed")
    return (
        rows[: targets[0]] + merged + [r for k, r in enumerate(rows) if k > targets[0] and k not in targets]
    )


def _change_due_date(
    rows: list[Requirement], change: Change, name: str, notes: list[str]
) -> list[Requirement]:
    text, page, new_date, kind = change.statement, change.page, change.value, change.what
    if new_date is None:
        notes.append(f"{name}: a date change was stated without a readable date: {text[:160]}")
        return rows
    olds = [r for r in rows if r.live and any(f.kind == kind for f in r.facts)]
    row = Requirement(
        text,
        "instruction",
        name,
        page,
        olds[0].section if olds else "",
        [Fact(kind, new_date)],
        amendment=name,
        change="changed" if olds else "added",
    )
    if olds:
        first = olds[0]
        row.id, row.owner, row.status, row.previous = first.id, first.owner, first.status, first.text
        for old in olds:
            old.facts = [f for f in old.facts if f.kind != kind]
            if old is not first and not old.facts and cues.DUE.search(old.text):
                old.amendment, old.change = name, "removed"
        at = rows.index(first)
        rows = [*rows[:at], row, *rows[at + 1 :]]
    else:
        rows = [*rows, row]
    notes.append(f"{name}: {kind} changed to {new_date}")
    return rows


def apply_amendment(
    current: list[Requirement],
    doc: ParsedDocument,
    new_rows: list[Requirement],
    name: str,
    shred: Shred,
    before: str = "",
) -> tuple[list[Requirement], list[str]]:
    """`before`: the flattened text of the documents read so far (see `merge_revision`); `shred`
    turns the text an amendment adds into rows (the shredder's `shred_document`, passed in so that
    this module does not import the one that imports it)."""
    if is_revision(current, new_rows):
        rows, changed, added, removed = merge_revision(current, new_rows, name, before, document_text(doc))
        return rows, [
            f"{name}: a revised solicitation: {changed} rows changed, {added} added, {removed} removed"
        ]
    return apply_stated(current, doc, name, shred)
