"""What a compliance matrix is made of: requirements (one row each) and the facts read out of them."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

# The types a row can have, in the order the summary lists them.
TYPES = ("instruction", "evaluation", "requirement", "deliverable", "key personnel", "clause")


@dataclass(frozen=True)
class Fact:
    """Something a proposal team schedules or formats around: a due date, a page limit, a font."""

    kind: str  # "due" | "questions due" | "page limit" | "word limit" | "font" | "margins" | "paper" |
    # "delivery" | "volume" | "importance" | "factor" | "deliverable due"
    value: str

    def __str__(self) -> str:
        return f"{self.kind}: {self.value}"


@dataclass
class Requirement:
    text: str
    type: str
    source: str  # the file that states the current wording
    page: int | None = None
    section: str = ""
    facts: list[Fact] = field(default_factory=list)
    id: str = ""
    parent: str = ""  # the lead-in row a list item belongs to
    amendment: str = ""  # the amendment file that added, changed or removed the row
    change: str = ""  # "" | "added" | "changed" | "removed" | "clarified"
    previous: str = ""  # the wording before the amendment changed it
    note: str = ""  # e.g. the vendor question a Q&A answer responds to
    owner: str = ""
    status: str = ""
    response_location: str = ""
    lead: Requirement | None = field(default=None, repr=False, compare=False)  # for `parent`
    end_page: int | None = None  # the last page, when the row's paragraph runs over a page break
    origin: str = "sentence"  # what the row was read from: "sentence" | "item" (of a list) | "heading" |
    # "row" (of a table) | "clause" (of a clause list) | "answer" (of a Q&A)

    @property
    def detail(self) -> str:
        return "; ".join(str(f) for f in self.facts)

    @property
    def live(self) -> bool:
        return self.change != "removed"


@dataclass
class Matrix:
    sources: list[str]
    rows: list[Requirement]
    notes: list[str] = field(default_factory=list)  # what each amendment did, and what was left alone

    @property
    def live_rows(self) -> list[Requirement]:
        return [r for r in self.rows if r.live]

    def counts(self) -> dict[str, int]:
        counts = Counter(r.type for r in self.live_rows)
        return {t: counts[t] for t in TYPES if counts[t]}

    def facts(self, *kinds: str) -> list[tuple[Fact, Requirement]]:
        return [(f, r) for r in self.live_rows for f in r.facts if f.kind in kinds]

    def number(self) -> None:
        """Give every row without an id the next free one, in row order (ids survive amendments)."""
        used = {r.id for r in self.rows if r.id}
        n = 0
        for row in self.rows:
            if row.id:
                continue
            n += 1
            while f"R-{n:03d}" in used:
                n += 1
            row.id = f"R-{n:03d}"
            used.add(row.id)
        for row in self.rows:
            if row.lead is not None and not row.parent:
                row.parent = row.lead.id
