"""Dates and times as solicitations write them: "March 23, 2026", "23 March 2026", "3/23/2026",
"2026-03-23"; "2:00 PM Eastern Time", "4 p.m. EST", "noon". Found in text, and keyed so that two
spellings of one date compare equal (amendment changes, core/amendments.py)."""

from __future__ import annotations

import re

_MONTHS = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
    r"Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
_WEEKDAY = r"(?:(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day,?\s+)?"
DATE = re.compile(
    rf"\b{_WEEKDAY}(?:{_MONTHS}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}|\d{{1,2}}\s+{_MONTHS}\s+\d{{4}}|"
    rf"\d{{1,2}}/\d{{1,2}}/\d{{2,4}}|\d{{4}}-\d{{2}}-\d{{2}})\b"
)
TIME = re.compile(
    r"\b(?:\d{1,2}(?::\d{2})?\s*(?:[ap]\.?\s?m\.?|[AP]M)(?![a-z])|noon|midnight|"
    r"\d{1,2}:\d{2}(?:\s*(?:hours|noon))?)"
    r"(?:\s*\(?(?:Eastern|Central|Mountain|Pacific)(?:\s+(?:Standard|Daylight|Prevailing))?"
    r"(?:\s+Time)?(?:\s*\(?E[SD]?T\)?)?\)?|\s*\(?[ECMP][SD]?T\)?|,?\s+eastern\b)?",
    re.IGNORECASE,
)
_MONTH_NUMBER = {
    m: i
    for i, m in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1
    )
}


def when(text: str) -> str | None:
    """'February 25, 2019 at 5:00PM EST' out of a sentence: the date and the time near it."""
    m = DATE.search(text)
    if m is None:
        return None
    date = re.sub(r"\s+", " ", m.group(0)).strip(" ,")
    window_start = max(0, m.start() - 45)
    near = [t for t in TIME.finditer(text, window_start, min(len(text), m.end() + 45)) if t.group(0).strip()]
    if near:
        t = min(near, key=lambda t: abs(t.start() - m.start()))
        time = re.sub(r"\s+", " ", t.group(0)).strip(" ,").lstrip("(")
        if time.count("(") > time.count(")"):
            time += ")"
        elif time.count(")") > time.count("("):
            time = time.rstrip(")")
        return f"{date}, {time}"
    return date


def date_key(text: str) -> str | None:
    """'2026-03-23' for any spelling of that date (a two-digit year is 20xx); None if not a date."""
    text = re.sub(r"^\w+day,?\s+", "", text.strip(" ,."), flags=re.IGNORECASE)
    m = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", text)
    if m:
        year, month, day = int(m.group(1)), int(m.group(2)), int(m.group(3))
    elif m := re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{2,4})", text):
        month, day, year = int(m.group(1)), int(m.group(2)), int(m.group(3))
        year += 2000 if year < 100 else 0
    elif m := re.fullmatch(r"([A-Za-z]{3})[a-z]*\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})", text):
        month, day, year = _MONTH_NUMBER.get(m.group(1).lower(), 0), int(m.group(2)), int(m.group(3))
    elif m := re.fullmatch(r"(\d{1,2})\s+([A-Za-z]{3})[a-z]*\.?\s+(\d{4})", text):
        month, day, year = _MONTH_NUMBER.get(m.group(2).lower(), 0), int(m.group(1)), int(m.group(3))
    else:
        return None
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return None
    return f"{year:04d}-{month:02d}-{day:02d}"


def time_key(text: str) -> str | None:
    """'14:00' for '2:00 PM Eastern Time', '2 p.m.', '14:00 hours'; None if not a time."""
    t = text.lower()
    if "noon" in t and not re.search(r"\d", t):
        return "12:00"
    if "midnight" in t:
        return "00:00"
    m = re.match(r"\s*(\d{1,2})(?::(\d{2}))?\s*([ap])?", t)
    if m is None:
        return None
    hour, minute = int(m.group(1)), int(m.group(2) or 0)
    if m.group(3) == "p" and hour < 12:
        hour += 12
    elif m.group(3) == "a" and hour == 12:
        hour = 0
    if hour > 23 or minute > 59:
        return None
    return f"{hour:02d}:{minute:02d}"


def dates_and_times(text: str) -> list[tuple[str, str, str]]:
    """(kind, key, as written) for each date and time in the text, in order: kind "date" or "time"."""
    out = []
    for m in DATE.finditer(text):
        key = date_key(m.group(0))
        if key:
            out.append(("date", key, re.sub(r"\s+", " ", m.group(0)).strip(" ,")))
    for m in TIME.finditer(text):
        key = time_key(m.group(0))
        if key and m.group(0).strip():
            out.append(("time", key, re.sub(r"\s+", " ", m.group(0)).strip(" ,")))
    return out
