"""Key facts of a text, normalised so that two spellings of one fact compare equal: dates
("March 23, 2026" = "3/23/2026" = "2026-03-23"), times ("2:00 PM" = "14:00"), money ("$1,500" =
"$1500.00"), numbers ("1,000" = "1000", "two" = "2"), identifiers (acronyms, "RFQ1349024",
"52.212-4"), capitalised multiword names ("Blue Beacon Consulting") and a leading yes/no.

Plain regular expressions, no model: the answer benchmark compares an answer with a reference answer
by these facts (`core.answer_eval.agreement`) and checks a claim's facts against its quote
(`core.answer_eval.citations`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from core.words import FACT_STOPWORDS, suffix_stem

MONTHS = {
    m: i
    for i, m in enumerate(
        [
            "january",
            "february",
            "march",
            "april",
            "may",
            "june",
            "july",
            "august",
            "september",
            "october",
            "november",
            "december",
        ],
        start=1,
    )
}
MONTHS.update({m[:3]: i for m, i in list(MONTHS.items())})
MONTHS["sept"] = 9
_MONTH = (
    r"(?<![A-Za-z])(?P<month>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_YEAR = r"(?P<year>(?:19|20)\d\d)"

DATE_PATTERNS = [
    # March 23, 2026 / Mar. 23 2026 / March 23rd / March 23
    re.compile(_MONTH + r"\s+(?P<day>[0-3]?\d)(?:st|nd|rd|th)?(?:\s*,?\s*" + _YEAR + r")?(?![\d:])", re.I),
    # 23 March 2026
    re.compile(r"(?<![\d.])(?P<day>[0-3]?\d)(?:st|nd|rd|th)?\s+" + _MONTH + r"\s*,?\s*" + _YEAR, re.I),
    # 2026-03-23
    re.compile(r"(?<![\d.-])" + _YEAR + r"-(?P<mon>[01]?\d)-(?P<day>[0-3]?\d)(?![\d-])"),
    # 3/23/2026, 03-23-26
    re.compile(r"(?<![\d/.-])(?P<mon>[01]?\d)[/-](?P<day>[0-3]?\d)[/-](?P<year>(?:19|20)?\d\d)(?![\d/-])"),
    # March 2026
    re.compile(_MONTH + r"\s+(?:of\s+)?" + _YEAR, re.I),
]
TIME = re.compile(
    r"(?<![\d:.])(?P<h>[01]?\d|2[0-3])(?::(?P<m>[0-5]\d))?\s*(?P<ampm>[ap]\.?\s?m\.?)(?![a-z])"
    r"|(?<![\d:.])(?P<h24>[01]?\d|2[0-3]):(?P<m24>[0-5]\d)(?![\d:])"
    r"|\b(?P<noon>noon)\b",
    re.I,
)
MONEY = re.compile(
    r"(?:\$|\bUSD\s?)\s?(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
    r"(?:\s*(?P<scale>thousand|million|billion|[kmb])\b)?",
    re.I,
)
# FAR/DFARS clauses (52.212-4), SOC codes (15-1252), 8(a).
# Statutes ("31 U.S.C. 3324") and fractions ("1/12").
STATUTE = re.compile(r"\b\d{1,2}\s+U\.?S\.?C\.?\s+(?:§\s*)?\d+[a-z]?(?:\([a-z0-9]{1,4}\))*", re.I)
FRACTION = re.compile(r"(?<![\w/.])\d{1,3}/\d{1,3}(?![\w/])")
# A clause's paragraph marks ("15.208(b)(1)") belong to it but are not compared.
CODE = re.compile(
    r"(?<![\w.])(?P<code>\d{1,3}\.\d{3,4}(?:-\d{1,4})?|\d{2}-\d{4}(?:\.\d{2})?|8\(a\))"
    r"(?:\([a-z0-9]{1,4}\))*(?![\w])"
)
# A word with two capitals or more, or capitals and digits: GSA, FedRAMP, RFQ1349024, GS-35F-0001.
ACRONYM = re.compile(
    r"(?<![\w])(?=[A-Za-z0-9-]*[A-Z][A-Za-z0-9-]*[A-Z0-9])[A-Za-z][A-Za-z0-9]*(?:-[A-Za-z0-9]+)*"
    r"(?![\w])"
)
NUMBER = re.compile(r"(?<![\w.])\d+(?:,\d{3})*(?:\.\d+)*(?:\s*(?:%|percent\b))?(?![\w])", re.I)
NUMBER_WORDS = {
    w: str(i)
    for i, w in enumerate(
        [
            "zero",
            "one",
            "two",
            "three",
            "four",
            "five",
            "six",
            "seven",
            "eight",
            "nine",
            "ten",
            "eleven",
            "twelve",
            "thirteen",
            "fourteen",
            "fifteen",
            "sixteen",
            "seventeen",
            "eighteen",
            "nineteen",
            "twenty",
        ]
    )
}
NUMBER_WORDS.update(
    {"thirty": "30", "forty": "40", "fifty": "50", "sixty": "60", "ninety": "90", "hundred": "100"}
)
for _small in ("zero", "one"):  # "one of the offerors", "no one": too often not a count
    NUMBER_WORDS.pop(_small)
NUMBER_WORD = re.compile(r"\b(" + "|".join(NUMBER_WORDS) + r")\b", re.I)
# Capitalised words in a row, with small joining words between them: "Technology Transformation
# Services", "Department of Health and Human Services".
_CAP = r"(?:[A-Z][a-z]+(?:'s)?|[A-Z][A-Za-z0-9]*[A-Z][A-Za-z0-9]*)\b"
NAME = re.compile(_CAP + r"(?:\s+(?:(?:of|and|for|the|on|&|de)\s+)*" + _CAP + r")+")
# Not names in themselves when they open a name at a sentence start ("The Contracting Officer").
LEADING = {
    "the",
    "a",
    "an",
    "this",
    "that",
    "these",
    "those",
    "yes",
    "no",
    "if",
    "in",
    "on",
    "for",
    "all",
    "each",
    "any",
    "please",
    "see",
    "per",
    "our",
    "its",
    "it",
    "we",
    "they",
    "as",
    "at",
    "by",
    "to",
    "under",
    "with",
    "when",
    "where",
    "what",
    "which",
    "how",
    "is",
    "are",
    "will",
    "can",
    "should",
    "does",
    "do",
    "may",
    "there",
    "also",
    "and",
    "or",
    "but",
    "not",
    "both",
    "however",
    "note",
    "correct",
    "while",
    "because",
    "although",
    "since",
    "unless",
    "until",
    "after",
    "before",
    "from",
    "then",
    "thus",
    "therefore",
    "additionally",
    "otherwise",
    "only",
    "here",
    "once",
    "so",
    "such",
    "some",
    "most",
    "every",
    "you",
    "your",
    "their",
    "his",
    "her",
    "my",
    "i",
    "he",
    "she",
    "was",
    "were",
    "be",
    "has",
    "have",
    "had",
}
# Document types every solicitation names: they tell nothing about the answer.
GENERIC_CODES = {
    "rfq",
    "rfp",
    "rfi",
    "bpa",
    "pws",
    "sow",
    "soo",
    "qasp",
    "far",
    "dfars",
    "gsar",
    "gsa",
    "us",
    "usa",
    "u.s",
}
URL = re.compile(r"https?://[^\s<>\"')\]]+[^\s<>\"')\].,;:]")
SHOUTED = {
    "NOT",
    "AND",
    "OR",
    "THE",
    "SHALL",
    "MUST",
    "WILL",
    "ALL",
    "NO",
    "YES",
    "ONLY",
    "MAY",
    "NOTE",
    "ANY",
    "FOR",
    "TO",
    "OF",
    "IN",
    "IS",
    "ARE",
    "BE",
    "IF",
    "AM",
    "PM",
    "ET",
    "EST",
    "EDT",
}
# A number after one of these words says where to look, not what is true ("See response to question
# 5", "Section 3.2", "Amendment 0001"): it is a pointer, not a key fact.
POINTER = re.compile(
    r"(?:\b(?:sections?|questions?|q|amendments?|modifications?|mods?|attachments?|pages?|pp?\.?|"
    r"paragraphs?|paras?\.?|items?|clauses?|parts?|appendix|appendices|exhibits?|no\.?|nos\.?|"
    r"numbers?|tables?|figures?|volumes?|vol\.?|lines?)|#|§)\s*$",
    re.I,
)
ROMAN = re.compile(r"^[IVXLC]{1,5}$")
CITATION = re.compile(r"\[\d{1,3}\]")
YES = re.compile(r"^\W*(?:yes|correct|confirmed|that is correct)\b", re.I)
NO = re.compile(r"^\W*(?:no|negative)(?=\s*[.,;:!\-–—]|\s*$)", re.I)


@dataclass(frozen=True)
class Fact:
    kind: str  # date | time | money | number | pointer | code | name | polarity
    value: str  # normalised: "2026-03-23" ("????" unknown year, "??" unknown day), "14:00", "1500", "gsa"
    text: str = field(default="", compare=False)  # as written
    # For a number: the content words around it ("35 annual licenses": annual, licens), which say
    # what it counts.
    context: frozenset[str] = field(default=frozenset(), compare=False)

    def __str__(self) -> str:
        return self.text or self.value


_WORD = re.compile(r"[a-z][a-z'-]{2,}")
STOPWORDS = FACT_STOPWORDS


def content_words(text: str) -> set[str]:
    """Lower-case words of three letters or more, crudely stemmed, without stopwords."""
    return {suffix_stem(w) for w in _WORD.findall(text.lower()) if w not in FACT_STOPWORDS}


def _around(text: str, start: int, end: int) -> frozenset[str]:
    """Content words among the two words before and the three after a span."""
    before = re.findall(r"[A-Za-z][\w'-]*", text[max(0, start - 40) : start])[-2:]
    after = re.findall(r"[A-Za-z][\w'-]*", text[end : end + 60])[:3]
    return frozenset(content_words(" ".join(before + after)))


def _num(text: str) -> str:
    """A number's normal form: no thousands commas, no leading zeros, no trailing decimal zeros."""
    text = text.replace(",", "")
    if text.count(".") > 1:  # an outline number such as 3.2.1
        return text
    try:
        value = Decimal(text)
    except InvalidOperation:
        return text
    if value == value.to_integral():
        return str(int(value))
    return format(value.normalize(), "f")


def _year(text: str | None) -> str:
    if not text:
        return "????"
    return text if len(text) == 4 else ("20" + text if int(text) < 70 else "19" + text)


def _dates(text: str, spans: list[tuple[int, int]]) -> list[Fact]:
    facts = []
    for pattern in DATE_PATTERNS:
        for m in pattern.finditer(text):
            if _taken(m.span(), spans):
                continue
            g = m.groupdict()
            month = MONTHS[g["month"].lower().rstrip(".")] if g.get("month") else int(g["mon"])
            day = int(g["day"]) if g.get("day") else None
            if not 1 <= month <= 12 or (day is not None and not 1 <= day <= 31):
                continue
            value = (
                f"{_year(g.get('year'))}-{month:02d}-{day:02d}"
                if day
                else f"{_year(g.get('year'))}-{month:02d}-??"
            )
            spans.append(m.span())
            facts.append(Fact("date", value, m.group(0)))
    return facts


def _times(text: str, spans: list[tuple[int, int]]) -> list[Fact]:
    facts = []
    for m in TIME.finditer(text):
        if _taken(m.span(), spans):
            continue
        if m.group("noon"):
            value = "12:00"
        elif m.group("ampm"):
            hour = int(m.group("h")) % 12 + (12 if m.group("ampm").lower().startswith("p") else 0)
            value = f"{hour:02d}:{m.group('m') or '00'}"
        else:
            value = f"{int(m.group('h24')):02d}:{m.group('m24')}"
        spans.append(m.span())
        facts.append(Fact("time", value, m.group(0)))
    return facts


def _money(text: str, spans: list[tuple[int, int]]) -> list[Fact]:
    scale = {"thousand": 10**3, "k": 10**3, "million": 10**6, "m": 10**6, "billion": 10**9, "b": 10**9}
    facts = []
    for m in MONEY.finditer(text):
        if _taken(m.span(), spans):
            continue
        value = Decimal(m.group("num").replace(",", ""))
        if m.group("scale"):
            value *= scale[m.group("scale").lower()]
        spans.append(m.span())
        facts.append(Fact("money", _num(str(value)), m.group(0)))
    return facts


def _taken(span: tuple[int, int], spans: list[tuple[int, int]]) -> bool:
    return any(span[0] < end and start < span[1] for start, end in spans)


def _blank(text: str, spans: list[tuple[int, int]]) -> str:
    chars = list(text)
    for start, end in spans:
        chars[start:end] = " " * (end - start)
    return "".join(chars)


def name_key(text: str) -> str:
    """How a name is compared: lower case, one space between words, no possessive."""
    return re.sub(r"\s+", " ", re.sub(r"'s\b", "", text)).strip().lower()


def _names(text: str) -> list[Fact]:
    facts = []
    for m in NAME.finditer(text):
        words = m.group(0).split()
        while words and words[0].lower() in LEADING:
            words.pop(0)
        while words and words[-1].lower() in LEADING:
            words.pop()
        capitalised = [w for w in words if w[0].isupper()]
        if len(words) >= 2 and not all(ACRONYM.fullmatch(w) for w in capitalised):  # acronyms are codes
            name = " ".join(words)
            facts.append(Fact("name", name_key(name), name))
    return facts


def polarity(text: str) -> str | None:
    """ "yes" or "no" when the text opens with one ("Yes.", "No, ...", "Correct."), else None."""
    text = text.lstrip(" \"'“")
    if YES.match(text):
        return "yes"
    if NO.match(text):
        return "no"
    return None


def extract(text: str) -> list[Fact]:
    """The facts a text states, each once, in the order of kinds above. Citation markers ("[2]")
    are not numbers."""
    text = CITATION.sub(" ", text)
    spans: list[tuple[int, int]] = []
    facts = []
    for m in URL.finditer(text):
        spans.append(m.span())
        facts.append(Fact("code", m.group(0).lower(), m.group(0)))
    facts += _money(text, spans) + _dates(text, spans) + _times(text, spans)
    for m in CODE.finditer(text):
        if not _taken(m.span(), spans):
            spans.append(m.span())
            facts.append(Fact("code", m.group("code").lower(), m.group(0)))
    for m in STATUTE.finditer(text):
        if not _taken(m.span(), spans):
            spans.append(m.span())
            facts.append(Fact("code", re.sub(r"\s+", " ", m.group(0)).lower(), m.group(0)))
    for m in FRACTION.finditer(text):
        if not _taken(m.span(), spans):
            spans.append(m.span())
            facts.append(Fact("number", m.group(0), m.group(0), _around(text, *m.span())))
    rest = _blank(text, spans)
    words: list[tuple[int, int]] = []
    for m in ACRONYM.finditer(rest):
        word = m.group(0)
        words.append(m.span())
        if word.upper() in SHOUTED or word.lower() in GENERIC_CODES or ROMAN.match(word):
            continue
        facts.append(Fact("code", word.lower(), word))
    names_from = rest
    rest = _blank(rest, words)
    for m in NUMBER.finditer(rest):
        number = re.sub(r"\s*(%|percent)$", "", m.group(0), flags=re.I)
        kind = "pointer" if POINTER.search(rest[max(0, m.start() - 16) : m.start()]) else "number"
        facts.append(Fact(kind, _num(number), m.group(0), _around(rest, *m.span())))
    for m in NUMBER_WORD.finditer(rest):
        facts.append(Fact("number", NUMBER_WORDS[m.group(1).lower()], m.group(0), _around(rest, *m.span())))
    facts += _names(names_from)
    side = polarity(text)
    if side:
        facts.append(Fact("polarity", side, side))
    merged: dict[Fact, Fact] = {}
    for f in facts:  # one fact once; a number seen twice keeps the words around both
        seen = merged.get(f)
        merged[f] = f if seen is None else Fact(f.kind, f.value, seen.text, seen.context | f.context)
    return list(merged.values())


def date_matches(wanted: str, got: str) -> bool:
    """A date states the wanted one: same month, same day where the wanted one has a day, same year
    where both have one ("March 23" states "March 23, 2026"; "March 2026" does not state March 23)."""
    wy, wm, wd = wanted.split("-")
    gy, gm, gd = got.split("-")
    if wm != gm or (wd != "??" and wd != gd):
        return False
    return wy == "????" or gy == "????" or wy == gy


def matches(wanted: Fact, got: Fact) -> bool:
    """`got` states `wanted`. Money and plain numbers of the same value state each other ("$500"
    and "500 dollars")."""
    if wanted.kind == "date":
        return got.kind == "date" and date_matches(wanted.value, got.value)
    if wanted.kind in ("money", "number"):
        return got.kind in ("money", "number") and got.value == wanted.value
    return got.kind == wanted.kind and got.value == wanted.value


def stated(fact: Fact, facts: list[Fact], text: str) -> bool:
    """The fact is among `facts` (extracted from `text`); a name or identifier also counts when the
    text contains it as words ("the contracting officer" states "Contracting Officer")."""
    if any(matches(fact, f) for f in facts):
        return True
    if fact.kind in ("name", "code"):
        pattern = r"(?<![\w])" + re.escape(fact.value).replace(r"\ ", r"\s+") + r"(?![\w])"
        return re.search(pattern, name_key(text)) is not None
    return False
