"""Government identifiers that must be found exactly, not only by meaning.

FAR/DFARS/GSAR clause and section numbers, SOC occupation codes, OPM job series, solicitation and
contract numbers (RFQ numbers, PIIDs), CLINs. `find_ids` gives typed, normalized keys such as
"far:52.204-21", "soc:15-1252", "opm:2210", "sol:RFQ1349024", "clin:0001". Ingest stores them in
each chunk's payload (`ids`); retrieval pulls the same keys out of a question and matches them
exactly.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from core.words import STOPWORDS, WORD, stem_words

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


# A possessive ("PA Consulting Group's rate", "vendors' rates") is the name itself.
_POSSESSIVE = re.compile(r"(?<=[a-z0-9])['\u2019]s?(?![a-z0-9])")
# A company's legal form at the end of its name: "Gartner, Inc." is named "Gartner" in a question.
_LEGAL_FORMS = (
    ("inc",),
    ("incorporated",),
    ("llc",),
    ("l", "l", "c"),
    ("llp",),
    ("l", "l", "p"),
    ("lp",),
    ("ltd",),
    ("limited",),
    ("corp",),
    ("corporation",),
    ("co",),
    ("plc",),
    ("pllc",),
    ("the",),  # "'APPS' CONSULTANTS INC., THE"
)
_CODE_PREFIX = re.compile(r"^[\d\-.]+\s*-?\s*")


def title_words(text: str) -> list[str]:
    """A title's or a question's lowercase words, possessives dropped."""
    return WORD.findall(_POSSESSIVE.sub("", text.lower()))


def _name_words(title: str) -> list[str]:
    """A field value's words as a name: without a leading code ("0854-COMPUTER ENGINEERING") and
    without a trailing legal form ("Gartner, Inc.")."""
    words = title_words(_CODE_PREFIX.sub("", title.strip()))
    stripped = True
    while stripped:
        stripped = False
        for form in _LEGAL_FORMS:
            if len(words) > len(form) and tuple(words[-len(form) :]) == form:
                del words[-len(form) :]
                stripped = True
    return words


def normalize_title(title: str) -> str:
    """A job or labor-category title, or a name, reduced to stemmed lowercase words: 'Software
    Developers' and 'software developer' give the same key, and so do 'Gartner, Inc.' and "Gartner's"."""
    return " ".join(stem_words(_name_words(title)))


def title_key(title: str) -> str:
    return f"title:{normalize_title(title)}"


@dataclass(frozen=True)
class TitleSpan:
    """A run of the question's words that may be a title or a name in a table column."""

    key: str  # "title:" + the span's stemmed words, as ingest keys a field value
    start: int  # word positions in the question, end exclusive
    end: int
    words: tuple[str, ...]  # the question's own words (lowercase, unstemmed)


def title_spans(question: str, max_words: int = 10) -> list[TitleSpan]:
    """Every 1..max_words word n-gram of the question (ingest keys values of up to 10 words),
    longest first (a lone word only when it is
    not a stopword or a word every code question uses)."""
    words = title_words(question)
    stems = stem_words(words)
    out: list[TitleSpan] = []
    for n in range(min(max_words, len(words)), 0, -1):
        for i in range(len(words) - n + 1):
            gram = stems[i : i + n]
            if n == 1 and (len(gram[0]) < 4 or gram[0] in _TITLE_STOP or words[i] in STOPWORDS):
                continue
            out.append(TitleSpan("title:" + " ".join(gram), i, i + n, tuple(words[i : i + n])))
    return out


def query_title_keys(question: str, max_words: int = 10) -> list[str]:
    """Every 1..max_words word n-gram of the question as a title key, longest first."""
    return list(dict.fromkeys(s.key for s in title_spans(question, max_words)))


STEMMED_SHARE = 0.9  # a field equal to the question's words only once stemmed ("Analysts") counts less


def field_cover(fields: dict[str, str], spans: list[TitleSpan]) -> float:
    """How much of the question a row's columns name exactly: each column value equal to a span of
    the question (stemmed, legal form dropped) covers that span's words, in full when its words are
    the question's own words and STEMMED_SHARE when only their stems agree; spans that overlap count
    once (the best set of non-overlapping ones). A row holding both a vendor and a labor category
    the question names covers both names' words; the row whose title is the question's exact words
    outranks its plural."""
    by_key: dict[str, list[TitleSpan]] = {}
    for span in spans:
        by_key.setdefault(span.key, []).append(span)
    weighted: dict[TitleSpan, float] = {}
    for value in fields.values():
        value = str(value or "")
        if not value or len(value) > 120:
            continue
        key, words = _value_key(value)
        for span in by_key.get(key, ()):
            weight = len(span.words) * (1.0 if words == span.words else STEMMED_SHARE)
            weighted[span] = max(weighted.get(span, 0.0), weight)
    return _best_disjoint(weighted)


@lru_cache(maxsize=100_000)
def _value_key(value: str) -> tuple[str, tuple[str, ...]]:
    """A column value's title key and its own words (code tables repeat their values)."""
    words = _name_words(value)
    return "title:" + " ".join(stem_words(words)), tuple(words)


def _best_disjoint(weighted: dict[TitleSpan, float]) -> float:
    """The largest total weight of spans no two of which overlap (weighted interval scheduling)."""
    spans = sorted(weighted, key=lambda s: s.end)
    best = [0.0]  # best[i]: the best total over the first i spans
    for i, span in enumerate(spans):
        j = i
        while j > 0 and spans[j - 1].end > span.start:
            j -= 1
        best.append(max(best[i], best[j] + weighted[span]))
    return best[-1]


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
