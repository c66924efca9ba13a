"""The words that make a sentence a requirement, and the facts read out of it.

A sentence is a requirement when it binds someone ("shall", "must", "is required to", a contractor's
"will", an evaluation's "will be evaluated"), when it sets a fact a proposal must meet (a page limit,
a font, a due date) or when it is an item of a list a binding sentence introduced ("shall include the
following:"). Its type comes from where it sits (instructions, evaluation, clauses...) and what it
says.
"""

from __future__ import annotations

import re

from core.dates import when
from proposal.model import Fact

MODAL = re.compile(
    r"\b(shall|must|is required to|are required to|will be required to|is responsible for|are responsible for|"
    r"is expected to|are expected to|is required|are required|may be required to|(?:is|are) bound by|"
    r"(?:is|are) (?:not )?to be|may only|may not|(?:is|are) (?:not )?authorized to|reserves? the right|"
    r"(?:is|are) not (?:the )?responsib\w*|(?:is|are) (?:not )?permitted|(?:is|are) prohibited|cannot|can not)\b",
    re.IGNORECASE,
)
WILL = re.compile(r"\bwill\b", re.IGNORECASE)
# What may or should happen, in a statement of work: "The contractor may be called upon to ...", "The Government
# may require ...", "Award Term Options can be awarded ...".
POSSIBLE = re.compile(r"\b(?:may|should|could|can be)\b", re.IGNORECASE)
PLEASE = re.compile(r"^(?:[A-Za-z0-9]{1,3}[.)]\s+)?Please\s+[a-z]")
# "The contractor will ...", "quotes will only be accepted ...": a "will" that binds the other side.
PARTY_WILL = re.compile(
    r"\b(contractors?|offerors?|quoters?|vendors?|awardees?|bidders?|respondents?|you|your|quotes?|quotations?|"
    r"proposals?|offers?|submissions?|the team|key personnel|deliverables?|BPA holders?)\b[^.;]{0,60}?"
    r"\b(will|cannot|can not|may not)\b",
    re.IGNORECASE,
)
EVAL_WILL = re.compile(
    r"\bwill\b[^.;]{0,40}\b(evaluat\w*|consider\w*|assess\w*|rated?|rating|scored?|award\w*|deem\w*|eliminat\w*|"
    r"reject\w*|disqualif\w*|determin\w*|select\w*|verif\w*|compar\w*)\b",
    re.IGNORECASE,
)
SHOULD = re.compile(r"\bshould\b", re.IGNORECASE)
INTENDS = re.compile(
    r"\b(?:intends?|is seeking|seeks?|plans?) to (?:award|evaluate|make|issue|use|utilize|procure|"
    r"acquire|contract|purchase|obtain|establish|hire)\b",
    re.IGNORECASE,
)
CONSEQUENCE = re.compile(
    r"\bwill (?:not )?be (?:rejected|disqualified|eliminated|deemed|returned|considered (?:non-?"
    r"responsive|late|unacceptable))\b",
    re.IGNORECASE,
)
IMPERATIVE = re.compile(
    r"^(?:[A-Za-z0-9]{1,3}[.)]\s+)?(?:Provide|Submit|Include|Describe|Write|Complete|Identify|Explain|Demonstrate|"
    r"List|Attach|Send|Ensure|Publish|Use|Discuss|Address|Propose|Deliver|Insert|Indicate|Upload|Sign|"
    r"Acknowledge|Outline|Detail|Specify|State|Summarize|Show)\b"
)
QUESTION = re.compile(r"\?\s*$")

KEY_PERSONNEL = re.compile(
    r"\bkey personnel\b|\bkey (staff|positions?|personnel)\b|\bresumes?\b|\bletters? of "
    r"(intent|commitment)\b",
    re.IGNORECASE,
)
EVALUATION = re.compile(
    r"\b(evaluat\w*|basis (for|of) award|best[- ]value|trade-?off|technically acceptable|LPTA|adjectival|"
    r"(more|less|equally) important|order of importance|confidence rating|rated|ratings?|pass/fail)\b",
    re.IGNORECASE,
)
INSTRUCTION = re.compile(
    r"\b(quot(e|es|ation|ations)|quoters?|offerors?|proposals?|submissions?|page limit\w*|closing date|e-?buy|"
    r"interviews?|oral presentations?)\b",
    re.IGNORECASE,
)
DELIVERABLE = re.compile(
    r"\bdeliverables?\b|\bdue\b[^.;]{0,60}\b(days?|weeks?|months?|ARO|award|sprint|monthly|weekly|quarterly|"
    r"annually|kick-?off|end of|conclusion|upon|after|prior to|before|every)\b|"
    r"\b(monthly|weekly|quarterly|annual|final|status|progress) reports?\b",
    re.IGNORECASE,
)

# --- facts ----------------------------------------------------------------------------------------------
_NUMBER_WORDS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "fifteen": 15,
    "twenty": 20,
    "twenty-five": 25,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
}
NUM = r"(?:\d{1,4}(?:,\d{3})?|" + "|".join(sorted(_NUMBER_WORDS, key=len, reverse=True)) + r")"
_LIMIT_LEAD = (
    r"(?:no (?:more|greater|longer) than|not (?:to )?exceed|(?:shall|must|should|may) not exceed|"
    r"limited to|limit(?:ed)? (?:of|to)|maximum of|a maximum|max(?:imum)?\.?|up to|at most|"
    r"not more than|not longer than)"
)


def _limit(unit: str) -> re.Pattern[str]:
    return re.compile(
        rf"{_LIMIT_LEAD}\s+(?:an?\s+|the\s+)?(?:additional\s+)?(?P<n>{NUM})(?:\s*\(\d{{1,4}}\))?\s+"
        rf"(?:additional\s+|single[- ]sided\s+|double[- ]sided\s+|typed\s+|written\s+|printed\s+)?{unit}s?\b"
        rf"|\b(?P<m>{NUM})[- ]{unit} (?:limit\w*|maximum|max)\b"
        rf"|\b{unit}s? limit(?:ation)?s?\s+(?:of|is)\s+(?P<k>{NUM})\b",
        re.IGNORECASE,
    )


PAGE_LIMIT = _limit("page")
WORD_LIMIT = _limit("word")
FONT = re.compile(
    r"\b(?P<size>\d{1,2}(?:\.\d)?)[- ]?(?:point|pt\.?)(?:\s+\w+){0,2}\s+(?:font|type|typeface|text)\b|"
    r"\bfont(?: size)?(?: of| shall be| must be| no smaller than| not smaller than| at least)*\s+"
    r"(?P<size2>\d{1,2})(?:[- ]?(?:point|pt))?\b|"
    r"\b(?P<face>Times New Roman|Arial|Calibri|Helvetica|Courier New|Garamond|Verdana)\b",
    re.IGNORECASE,
)
MARGINS = re.compile(
    r"\b(?:(?P<a>\d(?:\.\d+)?|one)[- ]?(?:inch|in\.?|\")\s+margins?|margins?\s+(?:of|shall be|must be)?"
    r"\s*(?:at least\s+)?(?P<b>\d(?:\.\d+)?|one)[- ]?(?:inch|in\b))",
    re.IGNORECASE,
)
PAPER = re.compile(r"\b8(?:\.5|½| 1/2)\s*(?:x|by|×)\s*11\b(?:[- ]inch)?", re.IGNORECASE)
SPACING = re.compile(r"\b(single|double|1\.5)[- ]spaced\b", re.IGNORECASE)

DUE = re.compile(
    r"\b(due|no later than|NLT|closing (?:date|time)|closes?|deadline|must be received|received (?:by|no later)|"
    r"submitted (?:by|no later|on or before)|reply by|on or before|responses? due|submission)\b",
    re.IGNORECASE,
)
GOVERNMENT_ANSWERS = re.compile(
    r"\b(Government|GSA|we|Contracting Officer)\b[^.]{0,40}\b(provide|post|issue|publish)\w*\s+"
    r"(?:\w+\s+)?answers\b",
    re.IGNORECASE,
)
QUESTIONS = re.compile(r"\bquestions?\b|\binquir(?:y|ies)\b", re.IGNORECASE)
RELATIVE_DUE = re.compile(
    r"\bdue\b\s*(?::\s*)?(?P<when>(?:(?:no later than|within|by|at|on|the|every|each|upon|after|prior to|before)\s+)?"
    r"[^.;|]{2,70}?)(?=[.;|]|$| and updated| Electronic)",
    re.IGNORECASE,
)
DELIVERY = re.compile(
    r"\b(?:via|through|using|by|to|in)\s+(?:the\s+)?(?:GSA(?:'s|’s)?\s+)?(?P<how>e-?Buy|e-mail|email|GitHub|"
    r"Google Forms?|FedConnect|SAM\.gov|ITSS|IT Solutions Shop|hand[- ]delivery|courier|fax|Grants\.gov)\b",
    re.IGNORECASE,
)
VOLUME = re.compile(
    r"\bVolume\s+(?:[IVX]{1,4}|\d{1,2})\b(?:\s*[-–:]\s*[A-Z][A-Za-z ]{2,30}\b)?|"
    r"\b(?:technical|price|pricing|cost|management|past performance|business)\s+(?:volume|quotation|quote|proposal|"
    r"submission)s?\b",
    re.IGNORECASE,
)
IMPORTANCE = re.compile(
    r"\b(?:significantly |much |somewhat |slightly )?(?:more|less) important than\b|"
    r"\b(?:equal(?:ly)?|approximately equal)\s+(?:in\s+)?(?:importance|important|weight)|"
    r"\b(?:descending|ascending)? ?order of (?:importance|priority)\b|\bequal weight\b|\bmost important\b",
    re.IGNORECASE,
)
FACTOR = re.compile(
    r"\b(?:Factor|Criteri(?:on|a)|Element|Phase)\s*(?P<n>\d{1,2}|[A-Z]|one|two|three|four|five)\s*(?:[-–:.]|\s)\s*"
    r"(?P<name>[A-Z][A-Za-z/&,’' -]{2,60}?)(?=\s*(?:\(|:|\.|,|;| -| –|$| is | will | shall | consists| \d))",
)


def _count(value: str) -> str:
    value = value.lower().replace(",", "")
    return str(_NUMBER_WORDS.get(value, value))


def facts(text: str, context: str = "") -> list[Fact]:
    """The facts a sentence sets. `context` is extra text that qualifies it (a table's header)."""
    found: list[Fact] = []
    for kind, pattern, unit in (("page limit", PAGE_LIMIT, "page"), ("word limit", WORD_LIMIT, "word")):
        for m in pattern.finditer(text):
            n = _count(m.group("n") or m.group("m") or m.group("k"))
            found.append(Fact(kind, f"{n} {unit}{'s' if n != '1' else ''}"))
    for m in FONT.finditer(text):
        if m.group("face"):
            found.append(Fact("font", m.group("face")))
        else:
            found.append(Fact("font", f"{m.group('size') or m.group('size2')}-point"))
    for m in MARGINS.finditer(text):
        found.append(Fact("margins", f"{m.group('a') or m.group('b')} inch"))
    if PAPER.search(text):
        found.append(Fact("paper", "8.5 x 11 inch"))
    for m in SPACING.finditer(text):
        found.append(Fact("spacing", f"{m.group(1).lower()}-spaced"))
    both = f"{context} {text}"
    if GOVERNMENT_ANSWERS.search(text):  # when the Government will answer questions: no one's deadline
        return list(dict.fromkeys(found))
    date = when(text)
    if date and DUE.search(both):
        found.append(Fact("questions due" if QUESTIONS.search(text) else "due", date))
    elif not date and re.search(r"\bdue\b", text, re.IGNORECASE):
        m = RELATIVE_DUE.search(text)
        if m and re.search(
            r"\d|day|week|month|sprint|award|ARO|every|each|upon|quarter|annual", m.group("when")
        ):
            found.append(Fact("deliverable due", m.group("when").strip(" :,")))
    if DUE.search(both) or re.search(
        r"\bsubmi\w+|\bquot\w+|\bdeliver\w+|\bsent\b|\bsend\b", text, re.IGNORECASE
    ):
        for m in DELIVERY.finditer(text):
            found.append(Fact("delivery", _canonical_delivery(m.group("how"))))
    for m in VOLUME.finditer(text):
        if re.search(r"\b(submit|volume|separate|include|shall|must|page)", text, re.IGNORECASE):
            found.append(Fact("volume", " ".join(m.group(0).split()).strip().title()))
    m = IMPORTANCE.search(text)
    if m:
        found.append(Fact("importance", _clause_around(text, m.start(), m.end())))
    for m in FACTOR.finditer(text):
        if re.match(r"Factor|Criteri", m.group(0), re.IGNORECASE):
            found.append(
                Fact("factor", f"{m.group(0).split()[0].title()} {m.group('n')}: {m.group('name').strip()}")
            )
    return list(dict.fromkeys(found))


def _canonical_delivery(how: str) -> str:
    low = how.lower().replace("-", "")
    return {"ebuy": "eBuy", "email": "email", "github": "GitHub", "sam.gov": "SAM.gov"}.get(low, how)


def _clause_around(text: str, start: int, end: int, width: int = 90) -> str:
    """The words around a match, cut at clause boundaries: what is more important than what."""
    left = max(text.rfind(",", 0, start), text.rfind(";", 0, start), text.rfind(".", 0, start - 1))
    lo = max(left + 1, start - width)
    right = [i for i in (text.find(",", end), text.find(";", end), text.find(".", end)) if i != -1]
    hi = min([*right, end + width, len(text)])
    return " ".join(text[lo:hi].split())


FORMAT_FACTS = {
    "page limit",
    "word limit",
    "font",
    "margins",
    "paper",
    "spacing",
    "due",
    "questions due",
    "delivery",
    "volume",
}


NOT_BINDING = re.compile(r"\b(?:is|are|should be|to be) understood\b|\bunderstands\b", re.IGNORECASE)


def binds(text: str, zone: str) -> bool:
    """Whether a sentence states a requirement (before looking at facts and lead-ins): a binding modal
    anywhere; outside a background part also what will, may or should happen, what someone intends, and a
    request ("Please ..."); in instructions and evaluation parts also imperatives and how quotes are weighed."""
    if QUESTION.search(text) or NOT_BINDING.search(text):
        return False
    if MODAL.search(text) or PARTY_WILL.search(text) or CONSEQUENCE.search(text):
        return True
    if zone == "background":
        return False
    if WILL.search(text) or POSSIBLE.search(text) or INTENDS.search(text) or PLEASE.match(text):
        return True
    if zone in ("evaluation", "instructions"):
        return bool(
            IMPERATIVE.match(text)
            or IMPORTANCE.search(text)
            or (zone == "evaluation" and EVALUATION.search(text))
        )
    return False


def type_of(text: str, zone: str, found: list[Fact], inherited: str | None = None) -> str:
    kinds = {f.kind for f in found}
    if zone == "key personnel" or KEY_PERSONNEL.search(text):
        return "key personnel"
    if kinds & FORMAT_FACTS:
        return "instruction"
    if zone == "evaluation" or "importance" in kinds or (EVALUATION.search(text) and zone != "instructions"):
        return "evaluation"
    if zone == "instructions" or (inherited is None and INSTRUCTION.search(text)):
        return "instruction"
    if inherited in ("instruction", "evaluation", "deliverable"):
        return inherited
    if zone == "deliverables" or "deliverable due" in kinds or DELIVERABLE.search(text):
        return "deliverable"
    return inherited or "requirement"
