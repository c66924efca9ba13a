"""What a proposal manager reads first: counts by type, the due dates, the page limits and formatting
rules, the evaluation factors and their importance, and what each amendment changed."""

from __future__ import annotations

import re
from collections import Counter

from core.prompt import citation_label
from proposal.model import Matrix, Requirement


def where(r: Requirement) -> str:
    return citation_label(r.source, r.page, r.section, r.end_page)


def summary_lines(matrix: Matrix) -> list[str]:
    rows = matrix.live_rows
    lines = [
        f"Solicitation files: {', '.join(matrix.sources)}",
        f"{len(rows)} requirements: " + ", ".join(f"{n} {t}" for t, n in matrix.counts().items()),
    ]
    sections = [
        ("Due dates", ("due",)),
        ("Questions due", ("questions due",)),
        ("Page and word limits", ("page limit", "word limit")),
        ("Format", ("font", "margins", "paper", "spacing")),
        ("Delivery", ("delivery",)),
        ("Volumes", ("volume",)),
        ("Evaluation factors", ("factor",)),
        ("Relative importance", ("importance",)),
    ]
    for title, kinds in sections:
        found = matrix.facts(*kinds)
        if not found:
            continue
        lines.append(f"{title}:")
        seen: set[str] = set()
        for fact, row in found:
            # a limit is listed wherever it is stated (it may be another volume's); the rest once
            key = row.id + fact.value if "limit" in fact.kind else re.sub(r"\W", "", fact.value.lower())[:24]
            if key in seen:
                continue
            seen.add(key)
            label = f"{fact.kind}: " if len(kinds) > 1 else ""
            lines.append(f"  - {label}{fact.value}  [{row.id}; {where(row)}]")
    changes = Counter((r.amendment, r.change) for r in matrix.rows if r.amendment and r.change)
    if changes:
        lines.append("Amendments:")
        for amendment in dict.fromkeys(a for a, _ in changes):
            counts = ", ".join(f"{n} {c}" for (a, c), n in changes.items() if a == amendment)
            lines.append(f"  - {amendment}: {counts}")
    if matrix.notes:
        lines.append("Notes:")
        lines += [f"  - {note}" for note in matrix.notes]
    return lines
