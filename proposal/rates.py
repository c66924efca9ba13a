"""GSA CALC hourly rates for a labor category: every CALC row whose labor category is one of the
category's names (or its last two words) with or without a level ("Senior ...", "... II",
"... Level 3") is read from the store, not only the top hits, and the price column gives min /
median / max. When no row carries the title, the CALC rows retrieval found that contain all its
words are used instead."""

from __future__ import annotations

import re
import statistics
from dataclasses import dataclass

from core.identifiers import normalize_title, title_key
from core.store import ChunkPayload, MatchAny, Store, Where, scroll_all
from proposal.tables import LIVE, field_value, table_of

LEVEL_PREFIXES = (
    "Senior",
    "Sr",
    "Junior",
    "Jr",
    "Lead",
    "Principal",
    "Chief",
    "Associate",
    "Mid-Level",
    "Mid Level",
    "Entry Level",
    "Journeyman",
    "Expert",
    "Staff",
)
LEVEL_SUFFIXES = (
    "I",
    "II",
    "III",
    "IV",
    "V",
    "1",
    "2",
    "3",
    "4",
    "5",
    "Senior",
    "Junior",
    "Sr",
    "Jr",
    "Lead",
    "Expert",
    "Journeyman",
    "Mid",
    "Entry",
    "Level I",
    "Level II",
    "Level III",
    "Level IV",
    "Level 1",
    "Level 2",
    "Level 3",
    "Level 4",
)


@dataclass
class RateRange:
    n: int
    low: float
    median: float
    high: float
    titles: list[str]

    def label(self) -> str:
        return f"${self.low:,.2f} / ${self.median:,.2f} / ${self.high:,.2f} per hour (n={self.n})"


def price(value: str) -> float | None:
    m = re.search(r"\d[\d,]*(?:\.\d+)?", value or "")
    if not m:
        return None
    try:
        return float(m.group(0).replace(",", ""))
    except ValueError:
        return None


def rate_names(names: list[str]) -> list[str]:
    """The titles CALC rows may carry: the category's names and their last two words
    ('Quality Assurance Software Tester' is also sold as 'Software Tester')."""
    out = list(names)
    for name in names:
        words = name.split()
        if len(words) > 2:
            out.append(" ".join(words[-2:]))
    return list(dict.fromkeys(out))


class CalcRates:
    def __init__(self, store: Store):
        self.store = store

    def range(self, names: list[str], collections: list[str], hits) -> RateRange | None:
        keys: list[str] = []
        for name in names:
            keys.append(title_key(name))
            keys += [title_key(f"{p} {name}") for p in LEVEL_PREFIXES]
            keys += [title_key(f"{name} {s}") for s in LEVEL_SUFFIXES]
        keys = list(dict.fromkeys(keys))
        rows = []
        where = Where.of(LIVE, MatchAny("doc_kind", ("codes",)), MatchAny("ids", tuple(keys)))
        for collection in collections:
            rows += [h.chunk for h in scroll_all(self.store, collection, where)]
        prices, titles = self._prices(rows)
        if not prices:  # nothing carries the title: the CALC rows retrieval found with the same words
            wanted = set(normalize_title(names[0]).split())
            near = [
                h.payload
                for h in hits
                if table_of(h.fields) == "calc"
                and wanted
                <= set(normalize_title(field_value(h.fields, r"labor categor|service proposed")).split())
            ]
            prices, titles = self._prices(near)
        if not prices:
            return None
        return RateRange(len(prices), min(prices), statistics.median(prices), max(prices), titles)

    @staticmethod
    def _prices(rows: list[ChunkPayload]) -> tuple[list[float], list[str]]:
        prices: list[float] = []
        titles: dict[str, None] = {}
        for payload in rows:
            fields = payload.fields or {}
            if table_of(fields) != "calc":
                continue
            unit = field_value(fields, r"unit of issue")
            if unit and not unit.lower().startswith("hour"):
                continue
            value = price(field_value(fields, r"price offered|current ?year ?pricing|year 1"))
            if value is None or value <= 0:
                continue
            prices.append(value)
            titles[field_value(fields, r"labor categor|service proposed")] = None
        return prices, list(titles)
