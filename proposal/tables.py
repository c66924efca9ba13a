"""Which code table a row comes from, told apart by its columns, and reading its fields."""

from __future__ import annotations

import re

from core.store import Match

LIVE = Match("state", "live")


def table_of(fields: dict[str, str]) -> str:
    keys = " | ".join(fields).lower()
    if "direct match title" in keys:
        return "soc_direct"
    if "soc definition" in keys or ("soc code" in keys and "soc title" in keys):
        return "soc_definition"
    if "oasis" in keys:
        return "oasis"
    if "occt" in keys or re.search(r"\bocc\b", keys):
        return "opm"
    if re.search(r"price|year 1|current ?year", keys) and re.search(r"labor categor|service proposed", keys):
        return "calc"
    return ""


def field_value(fields: dict[str, str], pattern: str) -> str:
    for key, value in fields.items():
        if re.search(pattern, key, re.IGNORECASE):
            return str(value or "").strip()
    return ""
