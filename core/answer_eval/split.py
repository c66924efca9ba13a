"""A fixed split of a question set into a `train` half (to build and tune with) and a `held_back`
half (for the figures reported), decided by a stable hash of each question's id.

Within each group (the vendor Q&A file: each solicitation, `rfq_number`), the questions are ordered
by SHA-256 of `SALT + id`; the first half (rounded down) is held back, the rest is train. Only ids
and the group field are read, never the answers. The result is written once to a file in the
repository (`eval/vendor_split.json`) and read from there, so adding a question later changes
nothing silently.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from pathlib import Path

from core.errors import UserFacingError

SALT = "rfp-copilot answer benchmark split:"
NAMES = ("train", "held_back")


def rank(qid: str) -> str:
    return hashlib.sha256((SALT + qid).encode("utf-8")).hexdigest()


def make_split(rows: list[tuple[str, str]]) -> dict[str, list[str]]:
    """(id, group) pairs -> {"train": ids, "held_back": ids}, each list sorted."""
    groups: dict[str, list[str]] = defaultdict(list)
    for qid, group in rows:
        groups[group].append(qid)
    split: dict[str, list[str]] = {"train": [], "held_back": []}
    for ids in groups.values():
        ordered = sorted(ids, key=rank)
        half = len(ordered) // 2
        split["held_back"] += ordered[:half]
        split["train"] += ordered[half:]
    return {name: sorted(ids) for name, ids in split.items()}


def split_file(path: Path, group_field: str = "rfq_number") -> dict:
    """The split of a JSONL question file, with how it was made (what `rfp eval split` writes)."""
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            d = json.loads(line)
            rows.append((str(d["id"]), str(d.get(group_field) or "")))
    split = make_split(rows)
    return {
        "source": path.name,
        "rule": f"within each {group_field}, ids ordered by sha256('{SALT}' + id); the first half "
        "(rounded down) is held_back, the rest train",
        "sizes": {name: len(ids) for name, ids in split.items()},
        **split,
    }


def load_split(path: Path) -> dict[str, set[str]]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return {name: set(data[name]) for name in NAMES}
    except (OSError, json.JSONDecodeError, KeyError, TypeError) as exc:
        raise UserFacingError(f"{path}: not a split file ({type(exc).__name__}: {exc})") from exc


def in_split(qid: str, split: dict[str, set[str]], name: str) -> bool:
    """A question listed in either half is kept only in its own; one listed in neither (another
    question set) is always kept."""
    listed = any(qid in ids for ids in split.values())
    return not listed or qid in split[name]
