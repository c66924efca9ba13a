"""Government identifiers that must be found exactly, not only by meaning.

FAR/DFARS/GSAR clause and section numbers, SOC occupation codes, OPM job series, solicitation and
contract numbers (RFQ numbers, PIIDs), CLINs. `find_ids` gives typed, normalized keys such as
"far:52.204-21", "soc:15-1252", "opm:2210", "sol:RFQ1349024", "clin:0001". Ingest stores them in
each chunk's payload (`ids`); retrieval pulls the same keys out of a question and matches them
exactly.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable
from functools import lru_cache

import snowballstemmer

# FAR parts are 1-53 (DFARS 2xx, GSAR 5xx); a section is part.subpart+section (15.304), a clause
# 52.2xx-n. Require three digits after the dot so prices like 241.99 don't match.
FAR_RE = re.compile(r"(?<![\w.$])((?:2\d\d|5\d\d|[1-9]|[1-4]\d|5[0-3])\.\d{3,4}(?:-\d{1,5})?)(?![\w.]*\d)")
# SOC 2018 detailed/broad/minor/major codes: XX-XXXX with an odd major group 11..55.
SOC_RE = re.compile(r"(?<![\w-])((?:1[13579]|[234][13579]|5[135])-\d{4})(?![\w-])")
# OPM series: four digits with a leading series context, or GS-XXXX.
OPM_CONTEXT_RE = re.compile(
    r"(?:\bseries\s*(?:no\.?|number|#)?\s*|\bGS-|\b(?:OPM|occupational)\s+(?:series\s+)?)(\d{4})\b|"
    r"\b(\d{4})\s+(?:job\s+)?series\b",
    re.IGNORECASE,
)
RFQ_RE = re.compile(r"\b(?:RFQ|RFP|RFI)\s*[-#:]?\s*(?:No\.?\s*|Number\s*)?(\d{5,})\b", re.IGNORECASE)
# A PIID (FAR 4.1603): 6-character activity code, 2-digit fiscal year, a type letter, a serial.
PIID_RE = re.compile(r"\b([A-Z0-9]{6}[-]?\d{2}[-]?[A-Z][-]?[A-Z0-9]{4,8})\b")
# Labeled numbers: "Solicitation No. TCTOA-18-0015", "RFQ ID09160019", "Contract Number: VA118-16-D-1005".
LABELED_RE = re.compile(
    r"\b(?:solicitation|rfq|rfp|contract|order|task\s+order|BPA|call)(?:\s*(?:no\.?|number|#|id)){0,2}\s*[:#]?\s*"
    r"([A-Z]{1,6}[A-Z0-9]*-?\d[A-Z0-9-]{4,20}\d)\b",
    re.IGNORECASE,
)
CLIN_RE = re.compile(r"\b(?:CLIN|SLIN)\s*#?\s*(\d{4}[A-Z]{0,2})\b", re.IGNORECASE)

_YEARS = range(1900, 2100)
_stemmer = snowballstemmer.stemmer("english")
_stemmer_lock = threading.Lock()  # a Snowball stemmer keeps its state on the object


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """The English Snowball stem of a lowercase word (cached: a corpus repeats its words)."""
    with _stemmer_lock:
        return _stemmer.stemWord(word)


def stem_words(words: Iterable[str]) -> list[str]:
    return [stem(w) for w in words]


def _piid_like(value: str) -> bool:
    digits = sum(c.isdigit() for c in value)
    letters = sum(c.isalpha() for c in value)
    return digits >= 4 and letters >= 2 and len(value.replace("-", "")) >= 10


def solicitation_numbers(text: str) -> list[str]:
    """Solicitation, RFQ and contract numbers in the order they appear, normalized, unique."""
    found: list[tuple[int, str]] = []
    for m in RFQ_RE.finditer(text):
        found.append((m.start(), "RFQ" + m.group(1)))
    for m in LABELED_RE.finditer(text):
        value = m.group(1).upper()
        if _piid_like(value) or value.startswith(("RFQ", "ID")):
            found.append((m.start(1), value))
    for m in PIID_RE.finditer(text):
        value = m.group(1).upper()
        if _piid_like(value) and not value.isdigit():
            found.append((m.start(), value))
    seen: dict[str, None] = {}
    for _, value in sorted(found):
        seen.setdefault(value.replace(" ", ""), None)
    return list(seen)


def find_ids(text: str, *, opm_bare: bool = False) -> list[str]:
    """Typed identifier keys in `text`. `opm_bare` treats any lone 4-digit number as an OPM series
    (for rows of an OPM table, where the column says so)."""
    keys: dict[str, None] = {}
    for m in FAR_RE.finditer(text):
        keys[f"far:{m.group(1)}"] = None
    for m in SOC_RE.finditer(text):
        keys[f"soc:{m.group(1)}"] = None
    for m in OPM_CONTEXT_RE.finditer(text):
        keys[f"opm:{m.group(1) or m.group(2)}"] = None
    if opm_bare:
        for m in re.finditer(r"(?<![\w.-])(\d{4})(?![\w.-])", text):
            keys[f"opm:{m.group(1)}"] = None
    for m in CLIN_RE.finditer(text):
        keys[f"clin:{m.group(1).upper()}"] = None
    for number in solicitation_numbers(text):
        keys[f"sol:{number}"] = None
    return list(keys)


def query_ids(question: str) -> list[str]:
    """Identifier keys a question names. Bare 4-digit numbers count as OPM series when they are not
    years, since people ask "what is series 0854" and also "what is 0854"."""
    keys = find_ids(question)
    for m in re.finditer(r"(?<![\w.$-])(\d{4})(?![\w.-])", question):
        if int(m.group(1)) not in _YEARS or m.group(1).startswith("0"):
            keys.append(f"opm:{m.group(1)}")
    for m in re.finditer(r"(?<![\w-])(\d{5,})(?![\w-])", question):
        keys.append(f"sol:RFQ{m.group(1)}")
    return list(dict.fromkeys(keys))


def normalize_title(title: str) -> str:
    """A job or labor-category title reduced to stemmed lowercase words: 'Software Developers' and
    'software developer' give the same key."""
    words = re.findall(r"[a-z0-9]+", title.lower())
    return " ".join(stem_words(words))


def title_key(title: str) -> str:
    return f"title:{normalize_title(title)}"


def query_title_keys(question: str, max_words: int = 5) -> list[str]:
    """Every 1..max_words word n-gram of the question as a title key, longest first."""
    words = stem_words(re.findall(r"[a-z0-9]+", question.lower()))
    keys: list[str] = []
    for n in range(min(max_words, len(words)), 0, -1):
        for i in range(len(words) - n + 1):
            gram = words[i : i + n]
            if n == 1 and (len(gram[0]) < 4 or gram[0] in _TITLE_STOP):
                continue
            keys.append("title:" + " ".join(gram))
    return list(dict.fromkeys(keys))


_TITLE_STOP = {
    "what",
    "which",
    "code",
    "seri",
    "occup",
    "categori",
    "labor",
    "rate",
    "price",
    "hour",
    "year",
    "does",
    "that",
    "this",
    "with",
    "from",
    "have",
    "standard",
    "classif",
    "detail",
    "number",
    "offer",
    "match",
    "direct",
    "posit",
    "need",
    "their",
    "about",
    "feder",
}


def unique(values: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(values))
