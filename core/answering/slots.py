"""What a question asks for, and whether a sentence of a passage gives it.

A question such as "Which vendor won the order, and what was the total price?" has two **slots**: a
name and an amount of money. Each is found from the question's form: its wh-word ("who", "when",
"how many", "how much") and the head noun of its wh-phrase ("what *price*", "which *firm*", "what
NAICS *code*"). Questions of other forms ("What does the PWS require?", "Is travel reimbursed?")
have no slot, and nothing here applies to them. A request asks as a question does ("tell me which
firm won", "give me the cost estimate"), and a unit can say what is asked ("the size standard, in
dollars").

A slot is **filled** by a sentence (or a table row) that holds a value of the slot's type and is
about what was asked:

- the value: a name (a company with its suffix, a person, a proper name that the documents never
  write in lower case; not a role after "a", not the first word of a list item), a code (three or
  more digits), a percentage (a number with % or "percent"), a count (a number, not a date, a pointer
  such as "Section 5" or an outline label), money (a dollar amount, a number of millions, a price
  column's cell), a length of time, a date (a month and day, a numeric date, a year) or a time (a
  date, a duration, a deadline "within 5 days", a frequency);
- the value is not one the question itself states (echoing the question proves nothing);
- the sentence, with its passage's title and section, holds at least half of the words of the
  slot's head ("past performance references" for "how many past performance references"; all but
  a third of a head of four or more words), a count stands within four words of one of them, and
  a code within six words when the sentence names the head itself ("NAICS code 541512", not a
  clause number further along); a slot without a head ("when was it awarded", "who won") needs
  half of the other words of its clause instead;
- a clause that reports an event ("how many quotes *were received*", "what *has* TTS
  *budgeted*") is filled only by a sentence that states the event's verb: a figure of the
  solicitation's plans does not say what happened;
- a name slot with a head also needs one of its clause's other words in the sentence, and an
  average, mean or median is given only by a sentence that states one, not by rows of values;
- the words that named the solicitation are not what is asked of it ("the *BPA's* total ceiling");
- every number the question states outside a solicitation number ("in 2017", "Option Period 3",
  "Amendment 0003", "Pool Three") is in the passage: a figure for 2019 does not answer a question
  about 2017.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Set
from dataclasses import dataclass
from itertools import pairwise

from core.answering.sanitize import sentences
from core.answering.words import content_words
from core.identifiers import FAR_RE, solicitation_numbers
from core.retrieval import Hit
from core.safety import instruction_like
from core.sparse import STOPWORDS, stem_word

SlotKind = str  # "name" | "code" | "count" | "percent" | "money" | "date" | "day" | "time" | "duration"
Common = Callable[[str], bool]  # whether a word is written in lower case in the documents

WHAT_IS_GIVEN = {
    "name": "a name",
    "code": "a code",
    "count": "a number",
    "percent": "a percentage",
    "duration": "a length of time",
    "money": "an amount of money",
    "date": "a date",
    "day": "a date",
    "time": "a date or time",
}

# The head nouns that make a "what/which ..." phrase ask for a typed value.
_NAME_HEADS = (
    r"vendors?|compan(?:y|ies)|firms?|contractors?|offerors?|quoters?|bidders?|business(?:es)?|"
    r"awardees?|winners?|incumbents?|holders?|products?|individuals?|persons?|people|personnel|"
    r"subcontractors?|teams?|evaluators?|officers?|officials?|chair(?:person)?s?|members?|"
    r"representatives?|signator(?:y|ies)|reviewers?|panelists?"
)
_MONEY_HEADS = (
    r"prices?|costs?|amounts?|values?|estimates?|ceilings?|budgets?|fees?|salar(?:y|ies)|wages?|"
    r"revenues?|igce|rates?|dollars?|funding|spend(?:ing)?|payments?|totals?|thresholds?"
)
# "the DUNS *number* of the contractor" names one; "the number of quotes" counts them
_CODE_HEADS = r"codes?|series|numbers?(?!\s+of\s+(?!the\b|a\b|an\b|its\b|their\b|this\b|that\b))"
_SHARE_HEADS = r"percent(?:ages?|s)?|discounts?"  # "what locality pay percentage", "what discount"
_SCORE_HEADS = r"scores?|ratings?"  # "what technical score": a number
_LIMIT_HEADS = r"limits?|caps?|maximums?|minimums?"  # "what is the page limit": a quantity
_DATE_HEADS = r"dates?|days?|deadlines?|years?|months?"
_MONEY_WORDS = re.compile(
    r"\b(?:price|cost|pay|paid|spen[dt]|fund|budget|revenue|dollar|fee|worth|charge|salar|wage|bount|"
    r"award|obligat|ceiling|igce|invoice)",
    re.IGNORECASE,
)
_AUX = r"(?:did|does|do|is|are|was|were|will|would|has|have|had|must|shall|should|can|could|may|might)"
_WH_START = r"(?:^|\b(?:and|or|but|then|also)\s+|[,:]\s*)"
_CLAUSES = re.compile(
    r"[?;]\s*|\.\s+(?=[A-Z])|,?\s+(?:and|or|but)\s+(?=(?:(?:on|by|in|at|for|from|to|until)\s+)?"
    rf"(?:what|which|who|whom|when|how)\b)|,\s+(?:and|or|but)\s+(?={_AUX}\b)|"
    r"\s+[-–—]+\s+(?=(?:i\.?e\.?,?\s+)?(?:what|which|who|whom|when|how)\b)",  # "who's doing it - which vendor got it"
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Slot:
    kind: SlotKind
    head: frozenset[str]  # stemmed words of the asked-for thing ("quotes" in "how many quotes")
    context: frozenset[str]  # the other stemmed content words of the clause
    clause: str  # the question's words for it, for the reader
    head_text: str = ""  # the head's words as the question writes them
    event: frozenset[str] = frozenset()  # stems of the event the clause reports ("were received")
    past: bool = False  # the event is asked of as done ("was paid", "did award"): a plan is no record

    def describe(self) -> str:
        return f'{WHAT_IS_GIVEN[self.kind]} for "{self.clause}"'


def _head_words(text: str) -> str:
    """The noun phrase that starts `text`: words up to the first verb-like or function word."""
    words: list[str] = []
    for w in text.split():
        bare = w.strip(",.'\"()").lower()
        if not bare or re.fullmatch(_AUX, bare) or bare in _STOP_HEAD or bare in _PRONOUNS:
            break
        if words and bare.endswith("ed"):
            break  # a verb: "how many vendors submitted quotes"
        words.append(bare)
        if len(words) == 5:
            break
    return " ".join(words)


def _ends_phrase(rest: str) -> bool:
    """Whether the head noun just matched ends its noun phrase ("which *firm* was awarded"), rather
    than qualifying the next noun ("what *business* continuity plans")."""
    if re.match(r"'s?\b", rest):
        return False  # "the awardee's key personnel": the phrase goes on
    nxt = re.match(r"\s*([\w'-]+)", rest)
    if nxt is None or re.match(r"\s*[,?;:.()]", rest):
        return True
    word = nxt.group(1)
    if word.endswith("ly") and len(word) > 4:  # an adverb: "which firm *currently* holds it"
        after = rest[nxt.end() :]
        return _ends_phrase(after) if re.match(r"\s*[\w'-]", after) else True
    return bool(
        word in STOPWORDS
        or word in _STOP_HEAD
        or re.fullmatch(_AUX, word)
        or word.endswith("ed")
        or (word.endswith("s") and not word.endswith("ss"))  # "serves", "transitions": a verb
    ) or word in (
        "won",
        "paid",
        "got",
        "made",
        "held",
        "sent",
        "gave",
        "took",
        "chose",
        "bid",
    )  # irregular verbs


_PRONOUNS = frozenset("we i you they it he she our your their its this these those".split())
_STOP_HEAD = frozenset(
    "the a an of in on for to from by at with and or that which who whom as per under than about".split()
)


def find_slots(question: str) -> list[Slot]:
    """The typed values the question asks for, one per clause that asks for one."""
    out: list[Slot] = []
    for clause in _CLAUSES.split(question):
        clause = re.sub(r"(?i)\b(what|who|when|which)['’]s\b", r"\1 is", clause.strip(" ,.:"))
        clause = _as_question(clause)
        if not clause:
            continue
        slot = _slot(clause)
        if slot is not None:
            out.append(slot)
    return out


_REQUEST = re.compile(r"(?i)^(?:please\s+)?(?:tell|give|show|send)\s+(?:me|us)\s+")
_LISTING = re.compile(r"(?i)^(?:please\s+)?(?:list|identify)\s+(?:the|all|any|every|each)\s+")


def _as_question(clause: str) -> str:
    """A request as the question it asks: "tell me which firm won" -> "which firm won", "give me
    the cost estimate" -> "what is the cost estimate"."""
    listing = _LISTING.match(clause)
    if listing is not None:  # "list the companies that bid" -> "which companies bid"
        rest = re.sub(
            r"(?i)^([\w'-]+(?:\s+[\w'-]+)?)\s+(?:that|who|which)\s+", r"\1 ", clause[listing.end() :]
        )
        return f"which {rest}"
    m = _REQUEST.match(clause)
    if m is None:
        return clause
    rest = clause[m.end() :]
    return rest if re.match(r"(?i)(?:what|which|who|whom|when|how)\b", rest) else f"what is {rest}"


def _slot(clause: str) -> Slot | None:
    listed = re.match(
        r"(?i)(what)\s+(?:did|does|do)\s+(?:[\w'.-]+\s+){1,6}?(?:list|give|state|show|set|enter|report)\s+as\s+(.*)",
        clause,
    )
    if listed:  # "what did the pricing form list as the travel ceiling" asks "what is the travel ceiling"
        return _slot(f"{listed.group(1)} is {listed.group(2)}")
    low = clause.lower()
    kind: str | None = None
    head = ""
    head_verb: str | None = None
    m: re.Match[str] | _Phrase | None
    m = re.search(rf"{_WH_START}(?:[a-z]+ly\s+)?how (many|much|long|often)\b(.*)", low)  # "roughly how many"
    if m:
        what, rest = m.group(1), m.group(2)
        head = _head_words(rest)
        nxt = re.match(rf"\s*{re.escape(head)}\s+([a-z]+)\b", rest) if head else None
        if nxt and _past_verb(nxt.group(1)):
            head_verb = nxt.group(1)  # "how many veterans *used* Caseflow": a count of that event
        if what == "many":
            kind = "count"
        elif what == "much":
            kind = "money" if _MONEY_WORDS.search(low) else "count"
        elif what == "long":  # "how long must our offer prices stay firm": a duration
            kind, head = "duration", ""
        else:
            kind, head = "time", ""
    if kind is None:
        m = re.search(
            rf"{_WH_START}(?:on |by |as of |until |in |from )?(?:what|which) ({_DATE_HEADS})\b", low
        )
        if m:
            kind = "day" if m.group(1).startswith(("date", "day", "deadline")) else "date"
    if kind is None:
        # "when was it awarded", "when and where was the industry day held"
        m = re.search(
            rf"{_WH_START}(?:by |until |since )?when\s+(?:(?:and|or) (?:where|how)\s+)?({_AUX})\b", low
        )
        if m:
            aux = m.group(1)
            if aux in ("can", "could", "may", "might", "should", "would"):
                return None  # "when can a late proposal be considered": conditions, not a time
            kind = "date" if aux in ("did", "was", "were", "had") else "time"
    if kind is None:
        m = re.search(rf"{_WH_START}(?:who|whom)\b\s*(.*)", low)
        if m:
            if re.search(r"\b(?:with|to|by|for|from|about)\s*$", low):
                return None  # "who is it coordinated with": a role, not a name
            kind = "name"
            # "who is the incumbent vendor": the noun phrase; "who was awarded the BPA": the verb
            be = re.match(r"(?:is|are|was|were|will be)\s+(?:the\s+|a\s+|an\s+)?(.*)", m.group(1))
            rest = re.sub(
                r"^(?:at|in|from|on|with(?:in)?)\s+[\w.'-]+(?:\s+[\w.'-]+)?\s+(?=[a-z]+ed\b)", "", m.group(1)
            )
            head = _head_words(be.group(1)) if be else " ".join(rest.split()[:1])  # "who at 18F *evaluated*"
            if not be and _past_verb(head):
                head, head_verb = "", head  # "who *led* the team": the event, not a noun
    if kind is None:  # "what is the number of offers received": a count of the offers
        m = re.search(
            rf"{_WH_START}(?:what|which)\s+(?:is|was|are|were)\s+the\s+"
            r"(?:(?:total|overall|exact|approximate|estimated|expected|maximum|minimum|average|mean|median)\s+)?"
            r"number of\s+(.*)",
            low,
        )
        if m:
            kind, head = "count", _head_words(m.group(1))
    if kind is None:  # "what did GSA pay for the licenses": an amount paid
        m = re.search(
            rf"{_WH_START}what\s+(?:did|does|do|will)\s+(?:[\w'.-]+\s+){{1,6}}?(?:pay|spend|cost|charge)\b",
            low,
        )
        if m:
            kind = "money"
    if kind is None:  # "what is the incumbent's name", "name the incumbent contractor"
        m = re.search(rf"{_WH_START}what\s+(?:is|was|are|were)\s+the\s+(.+?)'s\s+names?\b", low) or re.match(
            r"(?:please\s+)?name\s+(?:the|all|each|any|every)\s+(.*)", low
        )
        if m:
            kind, head = "name", _head_words(m.group(1))
    if kind is None:
        # "what price", "which firm", "under which NAICS code"
        for head_re, found in _HEADS:
            for n in range(6):  # the shortest phrase whose last word is such a head noun
                m = _head_phrase(low, head_re, n)
                if m and _AUX_WORD.search(m.group(1)):
                    break  # "what does the contractor do": the noun is the subject, not what is asked
                owner = m and found == "name" and n == 0 and re.match(r"'s?\s", low[m.end() :])
                if m and owner and " of " not in low[m.start() : m.end()]:  # not "which of the x's"
                    kind, head = found, m.group(1)  # "which vendor's prototype": which vendor it was
                    break
                if m and _ends_phrase(low[m.end() :]):
                    kind, head = found, m.group(1)
                    if kind == "limit":  # "the page limit" counts pages; "the spending cap" is money
                        kind = "money" if _MONEY_WORDS.search(head) else "count"
                    # "which vendor *got* the order", "which evaluator *chaired* the panel": the
                    # verb after the head is the event a value must be of
                    nxt = re.match(r"\s+([a-z]+)\b", low[m.end() :])
                    if nxt and _past_verb(nxt.group(1)):
                        head_verb = nxt.group(1)
                    break
            if kind is not None:
                break
    if kind is None:  # "what is the size standard, in dollars": the unit says what is asked
        unit = re.search(r"\bin\s+(?:u\.?s\.?\s+)?(dollars|days|weeks|months|years|hours)\b", low)
        m = re.search(rf"{_WH_START}(?:what|which)\s+(?:(?:is|was|are|were)\s+)?(?:the\s+)?(.*)", low)
        if unit and m:
            kind = "money" if unit.group(1) == "dollars" else "duration"
            head = _head_words(re.sub(r",.*", "", m.group(1)))
    if kind is None or m is None:
        return None
    # What the clause says after its wh-word is what the answer is about; words before it frame
    # the question ("Under the awarded TDRS contract, when did the base year start").
    asked = re.split(r"\b(?:if|unless|provided that|assuming)\b", clause[m.start() :])[0]  # not conditions
    typed = _SLOT_TYPE_WORDS | (_NAME_TYPE_WORDS if kind == "name" else frozenset())
    head_words = content_words(head) - typed
    context = content_words(asked) - head_words - typed
    # "How many quotations were received", "how much has TTS budgeted": the value must be that of
    # the event, so the sentence giving it must report it.
    aux = re.search(r"\b(was|were|has|have|had|been|did)\s+(.*)", asked, re.IGNORECASE)
    verb = None
    if aux is not None:
        after = re.findall(r"[\w'-]+", aux.group(2))
        verb = did_verb(after) if aux.group(1).lower() == "did" else participle(after[:4])
    verb = verb or head_verb
    past = verb is not None and (aux is not None or _past_verb(verb))
    event = verb_stems(verb, agent=kind == "name") if verb else frozenset()
    context = context - event  # the event is checked as an event, not as one more word
    head_text = head if head_words else ""
    return Slot(kind, frozenset(head_words), frozenset(context), clause, head_text, event, past)


_WH_PHRASE = re.compile(
    rf"{_WH_START}(?:(?:under|in|on|at|for|from|by|with|to|into)\s+)?(?:what|which)\s+"
    r"(?:of\s+the\s+)?(?:(?:is|was|are|were)\s+(?:the\s+)?)?"
)
_WORD_THEN_SPACE = re.compile(r"[\w'/()-]+\s+")
_AUX_WORD = re.compile(rf"\b{_AUX}\b")
_HEADS = tuple(
    (re.compile(rf"(?:{pattern})\b"), kind)
    for pattern, kind in (
        (_MONEY_HEADS, "money"),
        (_CODE_HEADS, "code"),
        (_NAME_HEADS, "name"),
        (_SHARE_HEADS, "percent"),
        (_SCORE_HEADS, "count"),
        (_LIMIT_HEADS, "limit"),  # a count, or an amount when the phrase is of money
        (r"size\s+standards?", "money"),  # after the others: "what NAICS code and size standard"
    )
)


@dataclass(frozen=True)
class _Phrase:
    """Where a wh-phrase starts, and its words after the wh-word up to the head noun."""

    text: str
    begin: int  # the wh-phrase's start
    words: int  # where the words after the wh-word start
    stop: int  # the head noun's end

    def start(self) -> int:
        return self.begin

    def end(self) -> int:
        return self.stop

    def group(self, _n: int = 1) -> str:
        return self.text[self.words : self.stop]


def _head_phrase(low: str, head: re.Pattern[str], n: int) -> _Phrase | None:
    """The first "what/which" phrase of `low` whose (n+1)th word after the wh-word is a head noun
    ("which *firm*", "what NAICS *code*"): patterns compiled once, not one per n (a cold command
    paid 70 ms compiling them)."""
    for wh in _WH_PHRASE.finditer(low):
        pos = wh.end()
        for _ in range(n):
            word = _WORD_THEN_SPACE.match(low, pos)
            if word is None:
                break
            pos = word.end()
        else:
            found = head.match(low, pos)
            if found:
                return _Phrase(low, wh.start(), wh.end(), found.end())
    return None


# A value computed over many ("the average rate"): only a sentence that states it gives it.
_STATISTICS = frozenset(content_words("average mean median"))
# Words that say what type of value is asked rather than what it is about.
_SLOT_TYPE_WORDS = frozenset(
    content_words("date day year month time deadline number amount total value code who whom long often")
)
# What kind of name is asked for, not what it is the name of ("which company won").
_NAME_TYPE_WORDS = frozenset(
    content_words(
        "company companies firm firms vendor vendors business businesses person persons people "
        "individual individuals organization organizations name names"
    )
)

# A sentence with one of these states a rule or a condition, not what happened: "the Government
# *may* extend", "*if* this contract was awarded".
# What may happen or is planned ("may" in lower case only: "on May 1" is a date; a plan: "GSA
# intends to award 5 BPAs"), the part of RULE and UNCERTAIN they share.
_MAYBE = r"(?-i:may)|might|could|can|if|upon|in the event|(?:intend|plan|expect|propose)s?\s+to|anticipates?"
RULE = re.compile(rf"(?i)\b(?:shall|will|must|should|would|{_MAYBE})\b")
# A value in a sentence with one of these is of an event that may happen: "*if* this contract was
# awarded using other than sealed bid". ("The base period will start on July 13" is a plan, but a
# date all the same.)
CONDITION = re.compile(r"(?i)\b(?:if|unless|whether|in the event)\b")
# What a sentence says may happen, is planned or is a ceiling: not a record of what was done ("OFA
# will pay *up to* $1.3 million", "GSA *intends to* award 5 BPAs"). Contracts state their terms with
# "will" and "shall" ("the base period will start on July 13"), so those count as statements here.
UNCERTAIN = re.compile(rf"(?i)\b(?:unless|whether|up to|{_MAYBE})\b")

# --- values ----------------------------------------------------------------------------------------
_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|"
    r"oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_DAY_RE = re.compile(
    rf"\b{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?\b|\b\d{{1,2}}\s+{_MONTH}\b|\b\d{{1,2}}/\d{{1,2}}/\d{{2,4}}\b|"
    r"\b\d{4}-\d{2}-\d{2}\b",
    re.IGNORECASE,
)
_YEAR_RE = re.compile(rf"\b{_MONTH}\s+(?:19|20)\d\d\b|\b(?:19|20)\d\d\b|\bFY\s?\d{{2,4}}\b", re.IGNORECASE)
_NUMBER_WORDS = (
    "one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
    "seventeen eighteen nineteen twenty thirty forty fifty hundred thousand dozen single"
).split()
_COUNT_RE = re.compile(
    r"(?<![\w.$/-])\d+\s?[-–]\s?\d+(?![\w/-]|\.\d)|"  # a range: "15-17"
    r"(?<![\w.$/-])\d[\d,]*(?:\.\d+)?(?:[a-z]{1,3}\b)?(?![\w/-]|\.\d)|"
    r"\b(?:" + "|".join(_NUMBER_WORDS) + r")\b",
    re.IGNORECASE,
)
_MONEY_RE = re.compile(
    r"\$\s?\d[\d,]*(?:\.\d+)?(?:\s?(?:[mk]|million|billion|thousand)\b)?|"
    r"\b\d[\d,]*(?:\.\d+)?\s?(?:million|billion)\b|\b\d[\d,]*(?:\.\d+)?\s?(?:dollars|usd)\b|\bUSD\s?\d[\d,.]*",
    re.IGNORECASE,
)
# A table cell under a money column ("Price: 241.99"), as `units` writes rows.
_MONEY_CELL = re.compile(
    r"\b(?:price|rate|cost|amount|value|fee|salary|wage|pay|total)[^:;]{0,40}:\s*\$?\s?\d[\d,]*(?:\.\d+)?",
    re.IGNORECASE,
)
_PERCENT_RE = re.compile(r"\b\d+(?:\.\d+)?\s?(?:%|percent\b)", re.IGNORECASE)
_CODE_RE = re.compile(r"(?<![\w$,])\d[\d.-]*\d(?![\w])")  # not "000" of "1,000"
_DURATION_RE = re.compile(
    r"\b(?:\d+|" + "|".join(_NUMBER_WORDS) + r")\s*(?:\(\d+\)\s*)?(?:business |calendar |working )?"
    r"(?:days?|weeks?|months?|years?|hours?|minutes?)\b",
    re.IGNORECASE,
)
_TIME_RE = re.compile(
    r"\b(?:within|after|before|prior to|no later than|not later than|by the end of|at the end of|until|"
    r"following|upon|each|every|daily|weekly|monthly|quarterly|annually|yearly|biweekly|"
    r"monday|tuesday|wednesday|thursday|friday|noon|midnight)\b|\b\d{1,2}(?::\d{2})?\s?(?:a\.?m|p\.?m)\b",
    re.IGNORECASE,
)
_CLOCK_RE = re.compile(
    r"\b\d{1,2}(?::\d{2})?\s?(?:a\.?m\.?|p\.?m\.?)(?!\w)|\b\d{1,2}:\d{2}\b|"
    r"\b(?:[01]\d|2[0-3])[0-5]\d\s*(?:to|through|and|-|–)\s*(?:[01]\d|2[0-3])[0-5]\d\b",  # "0900 to 1800"
    re.IGNORECASE,
)
_OUTLINE_RE = re.compile(r"(?<![\w.])\d+(?:\.\d+){1,}(?![\w])(?!\s*(?:%|percent|million|billion))")
_IDENTIFIER_RE = re.compile(
    r"\b(?=[\w-]*\d)(?=[\w-]*[A-Za-z])[A-Za-z0-9]+(?:-[A-Za-z0-9]+)+\b|\b[A-Z]+\d+\w*\b"
)
# The title of a code of law before its name ("38 U.S.C. 101", "48 CFR 52.204"): a citation.
_CITATION_RE = re.compile(r"\b\d+\s+(?:U\.\s?S\.\s?C|C\.\s?F\.\s?R|USC|CFR|Stat|FR)\b")
# A number after one of these says where to look, not how many ("Section 5", "Modification #5").
_POINTER = re.compile(
    r"(?:\b(?:sections?|subparts?|parts?|questions?|amendments?|modifications?|mods?|attachments?|pages?|"
    r"paragraphs?|items?|clauses?|appendix|exhibits?|addend(?:um|a)|annex(?:es)?|enclosures?|"
    r"no\.?|nos\.?|numbers?|tables?|figures?|volumes?|"
    r"lines?|tasks?|steps?|phases?|stages?|periods?|options?|levels?|tiers?|pools?|clins?|sins?|versions?|"
    r"releases?|rounds?|years?|fy|grade|gs|criteri(?:on|a)|factors?|objectives?|chapters?|codes?|"
    r"schedules?|naics|soc|series)|#|§)\s*$",
    re.IGNORECASE,
)
_COMPANY_RE = re.compile(
    r"\b(?:[A-Z][\w&.'-]*\s+){0,5}(?:Inc|LLC|L\.L\.C|Corp|Corporation|Company|Co|Ltd|LLP|Incorporated|"
    r"Group|Technologies|Solutions|Consulting|Associates|Partners)\b\.?"
)
_PERSON_RE = re.compile(r"\b(?:Mr|Ms|Mrs|Dr)\.?\s+[A-Z][a-z]+")
_CAPITALIZED = re.compile(r"(?<![\w.])[A-Z][a-zA-Z&'-]+(?:\s+[A-Z][a-zA-Z&'-]+)*")


def values(kind: SlotKind, sentence: str, common: Common) -> list[str]:
    """Values of the slot's type in the sentence. `common(word)` says whether the documents write
    the word in lower case somewhere: then, capitalized, it is a common noun ("Contractor",
    "Oral Presentations"), not a name."""
    if kind == "money":
        return [m.group(0) for m in (*_MONEY_RE.finditer(sentence), *_MONEY_CELL.finditer(sentence))]
    if kind == "code":
        return [m.group(0) for m in _CODE_RE.finditer(sentence) if sum(c.isdigit() for c in m.group(0)) >= 3]
    if kind == "count":
        return [m.group(0) for m in _counts(sentence)]
    if kind == "percent":
        return [m.group(0) for m in _PERCENT_RE.finditer(sentence)]
    if kind == "duration":
        return [m.group(0) for m in _DURATION_RE.finditer(sentence)]
    if kind == "day":
        return [m.group(0) for m in _DAY_RE.finditer(sentence)]
    if kind == "date":
        return [m.group(0) for m in (*_DAY_RE.finditer(sentence), *_YEAR_RE.finditer(sentence))]
    if kind == "time":
        found = (*_DAY_RE.finditer(sentence), *_YEAR_RE.finditer(sentence), *_DURATION_RE.finditer(sentence))
        return [m.group(0) for m in found] + [m.group(0) for m in _TIME_RE.finditer(sentence)]
    return _names(sentence, common)


def _counts(sentence: str) -> list[re.Match[str]]:
    """Numbers that count something: not those of dates, times, money, outline labels ("12.6"),
    identifiers, citations ("38 U.S.C."), pointers ("Section 5", "Modification #5") or list labels
    ("5. Review"), nor "one of"."""
    spans = [
        m.span()
        for r in (_DAY_RE, _YEAR_RE, _MONEY_RE, _CLOCK_RE, _OUTLINE_RE, _IDENTIFIER_RE, _CITATION_RE)
        for m in r.finditer(sentence)
    ]
    out = []
    for m in _COUNT_RE.finditer(sentence):
        if any(a <= m.start() < b for a, b in spans):
            continue
        if _POINTER.search(sentence[max(0, m.start() - 20) : m.start()]):
            continue
        if m.group(0).lower() in ("one", "single") and re.match(r"\s+of\b", sentence[m.end() :]):
            continue
        if not sentence[: m.start()].strip(" \t(•●*-") and re.match(r"[.)]\s", sentence[m.end() :]):
            continue  # "5. Veteran Law Judge Review": the label of a list item
        out.append(m)
    return out


def counts_of(sentence: str, head: Set[str], span: int = 4) -> list[str]:
    """Numbers that count the head's thing: one of its words within `span` words of the number
    ("five past performance references", "Number of Iterations | 17 Sprints", "quotes: 12"). A
    number right after a word of the head labels one ("F.O.B. POINT 16"), it does not count them."""
    found = []
    for m in _counts(sentence):
        before = re.search(r"([A-Za-z][\w'-]*)\s+$", sentence[: m.start()])
        if (before is None or not head & _words(before.group(1))) and not _counts_other(sentence, m, head):
            found.append(m)
    return _near(found, sentence, head, span)


def _proper(slot: Slot) -> set[str]:
    """The context words the clause writes as a name (capitalized, the rest in lower case; not its
    first word): the party it asks about ("Raft"), not an acronym or a product ("CPARS", "SaaS")."""
    tokens = re.findall(r"[A-Za-z][\w'-]*", slot.clause)[1:]
    return _words(" ".join(t for t in tokens if t[0].isupper() and t[1:].islower())) & slot.context


def _counts_other(sentence: str, m: re.Match[str], head: Set[str]) -> bool:
    """Whether the number counts another thing than the head's: the first plural noun of the three
    words after it is not a head word, and no head word comes before it ("the completed story
    points for the first *3 sprints*" does not count story points)."""
    for word in re.findall(r"[A-Za-z][\w'-]*", sentence[m.end() :])[:3]:
        if _words(word) & head:
            return False
        if _plural(word):
            return True
    return False


def _plural(word: str) -> bool:
    """Whether a word reads as a plural noun: "rows", "sprints"; not "is", "business", "status"."""
    low = word.lower()
    return low.isalpha() and low.endswith("s") and not low.endswith(("ss", "us", "is"))


def codes_of(sentence: str, head: Set[str], span: int = 6) -> list[str]:
    """Codes of the head's kind: one of its words within `span` words of the code ("NAICS code
    541512", "Series: 0854"); a clause number far along a sentence that mentions NAICS
    ("52.212-3 ... NAICS codes") is not one, nor a number that counts ("about 700 rows"). Used when
    the sentence itself names the head; a row of a table whose heading names it ("Occupational
    Series") holds codes of that kind anyway."""
    codes = [
        m
        for m in _CODE_RE.finditer(sentence)
        if sum(c.isdigit() for c in m.group(0)) >= 3 and not _counts_things(sentence, m)
    ]
    return _near(codes, sentence, head, span)


_ABOUT = re.compile(r"(?i)\b(?:about|approximately|around|nearly|over|roughly|some|almost)\s+$")


def _counts_things(sentence: str, m: re.Match[str]) -> bool:
    """Whether a number counts what follows it ("700 rows") or is an estimate ("about 700")."""
    nxt = re.match(r"\s+([a-z]+)\b", sentence[m.end() :])
    return (nxt is not None and _plural(nxt.group(1))) or _ABOUT.search(sentence[: m.start()]) is not None


def _near(found: list[re.Match[str]], sentence: str, head: Set[str], span: int) -> list[str]:
    out = []
    for m in found:
        before = re.findall(r"[A-Za-z][\w'/-]*", sentence[: m.start()])[-span:]
        after = re.findall(r"[A-Za-z][\w'/-]*", sentence[m.end() :])[:span]
        if head & _words(" ".join(before + after)):
            out.append(m.group(0))
    return out


def _names(sentence: str, common: Common) -> list[str]:
    found = [m.group(0) for m in (*_COMPANY_RE.finditer(sentence), *_PERSON_RE.finditer(sentence))]
    for m in _CAPITALIZED.finditer(sentence):
        if m.start() == 0 or re.search(r"[.:;!?–—•●]\s*$|^\W*$", sentence[: m.start()]):
            # The first word of a sentence (or of a list item) is capitalized anyway; two or more
            # words none of which the documents write in lower case are a name ("Rick Lee was ...").
            words = m.group(0).split()
            if (
                len(words) >= 2
                and not any(w.isupper() for w in words)
                and not any(common(w.lower()) for w in words)
            ):
                found.append(m.group(0))
            continue
        if re.match(r"\.[a-z]{2,4}\b|/|@", sentence[m.end() :]):
            continue  # a file or path name ("FinalPWS.md")
        if re.search(r"\b(?:a|an)\s+$", sentence[: m.start()], re.IGNORECASE):
            continue  # "designate a Facilitator": a role, not a name
        words = m.group(0).split()
        if all(w.isupper() for w in words):
            continue  # acronyms (COR, PWS) are roles and documents as often as names
        if not all(common(w.lower()) or w.isupper() for w in words):
            found.append(m.group(0))  # "VA Program Manager": common words and an acronym, a role
    return found


def _norm(value: str) -> str:
    return re.sub(r"[^a-z0-9]", "", value.lower())


def asked_numbers(question: str) -> list[re.Pattern[str]]:
    """What the question states with a number that a passage answering it must state too: a year
    ("in 2017", "FY2015"), or a numbered thing ("Amendment 0003", "Option Period 3", "year 5").
    Solicitation numbers are for scope, not here; percentages and "8(a)" are not numbered things."""
    text = question
    for n in solicitation_numbers(question):
        text = text.replace(n, " ")
    out = []
    for m in re.finditer(r"(?<![\w.$/-])(?:FY\s?)?(\d+)(?![\w/%(-]|[.,]\d)", text, re.IGNORECASE):
        number = m.group(1).lstrip("0") or "0"
        if len(m.group(1)) == 4 and m.group(1)[:2] in ("19", "20"):
            out.append(re.compile(rf"(?<![\d.,]){number}(?![\d]|[.,]\d)|\bFY\s?{number[2:]}\b", re.I))
            continue
        before = re.findall(r"[A-Za-z]+", text[: m.start()])
        if before and before[-1].lower() not in STOPWORDS:
            out.append(_numbered(before[-1], number))
    # A numbered thing written out: "Pool Three", "Stage Two" (both words capitalized).
    for m in re.finditer(r"\b([A-Z][a-z]+)\s+(" + "|".join(w.title() for w in _ORDINALS) + r")\b", text):
        if m.group(1).lower() not in STOPWORDS:
            out.append(_numbered(m.group(1), str(_ORDINALS.index(m.group(2).lower()) + 1)))
    return out


_ORDINALS = "one two three four five six seven eight nine ten".split()


def _numbered(word: str, number: str) -> re.Pattern[str]:
    """A word and its number, as digits or words: "Period 3", "Period #3", "Pool Three"."""
    spelled = _ORDINALS[int(number) - 1] if 0 < int(number) <= len(_ORDINALS) else number
    stem = re.escape(stem_word(word.lower()))
    return re.compile(rf"\b{stem}\w*\W+(?:\w+\W+)?(?:0*{number}(?!\d)|{spelled}\b)", re.I)


# Past participles not ending in -ed, and their verbs: "won" is reported as "win" or "won".
_IRREGULAR = {
    "won": "win",
    "paid": "pay",
    "made": "make",
    "held": "hold",
    "sent": "send",
    "given": "give",
    "taken": "take",
    "chosen": "choose",
    "sold": "sell",
    "spent": "spend",
    "written": "write",
    "bid": "bid",
    "got": "get",
    "gotten": "get",
    "led": "lead",
    "ran": "run",
}
# An event reported in other words: a firm that won an order is one it was awarded to.
_REPORTED_AS = {"win": ("award",), "get": ("award", "receiv")}
_DETERMINERS = frozenset("the a an this that these those its their our your any each every all no".split())
_PAST_AUX = frozenset("was were has have had been".split())


def participle(tokens: list[str]) -> str | None:
    """The first past participle in `tokens` ("the award *protested*", "TTS *budgeted*"), not one
    that describes a noun after a determiner ("the *awarded* price")."""
    for prev, word in pairwise(["", *tokens]):
        low = word.lower()
        if word != low or prev.lower() in _DETERMINERS or not low.isalpha():
            continue
        if _past_verb(low):
            return low
    return None


def _past_verb(word: str) -> bool:
    """Whether a lower-case word is a verb's past form: irregular ("won", "led") or in "-ed"."""
    # four letters: "used", "owed", not "need" or "seed"
    return word in _IRREGULAR or re.fullmatch(r"[a-z]{3,}ed|[a-z][a-df-z]ed", word) is not None


def verb_stems(verb: str, agent: bool = False) -> frozenset[str]:
    """The stems a sentence reporting the verb's event holds one of: "paid" or "pay"."""
    base = _IRREGULAR.get(verb, verb)
    forms = {verb, base, *(p for p, b in _IRREGULAR.items() if b == base)}
    if agent:  # asked who did it: "who led the team" is answered by "Rick Lee, the leader"
        root = _IRREGULAR.get(verb) or stem_word(verb)
        doubled = re.search(r"[^aeiou][aeiou][bdgmnprt]$", root) is not None  # win -> winner
        forms |= {root + "r" if root.endswith("e") else root + (root[-1] if doubled else "") + "er"}
    return frozenset(stem_word(w) for w in forms) | frozenset(_REPORTED_AS.get(base, ()))


def past_event(question: str) -> str | None:
    """The verb of a yes/no question about whether something happened: "Was the award *protested*
    at GAO", "Did any offeror *protest* the award", "Has the agency *exercised* the option". Only
    a record of that event answers it, not a rule that says how such events go. None for other
    forms, and for a participle used as an adjective ("Was the awarded price fixed" asks about
    "fixed")."""
    for clause in _CLAUSES.split(question):
        tokens = re.findall(r"[\w'-]+", clause)
        if len(tokens) < 3:
            continue
        aux = tokens[0].lower()
        if aux in _PAST_AUX:
            return participle(tokens[1:])
        if aux == "did":
            return did_verb(tokens[1:])
    return None


def did_verb(tokens: list[str]) -> str | None:
    """The verb after "did" and its subject: "did any offeror *protest* the award", "did GSA
    *receive* any quotes", "did GSA *issue* Amendment 3": a lower-case word followed by a
    determiner, a preposition, a name or the end."""
    for i in range(1, len(tokens)):
        word, nxt = tokens[i], tokens[i + 1] if i + 1 < len(tokens) else ""
        if not word.isalpha() or word != word.lower() or word in STOPWORDS or word in _DETERMINERS:
            continue
        if not nxt or nxt.lower() in _DETERMINERS or nxt.lower() in _STOP_HEAD or nxt[0].isupper():
            return word
    return None


@dataclass
class Filling:
    hit: Hit
    sentence: str
    value: str


def units(hit: Hit) -> list[str]:
    """The sentences of a passage; a table row or record is one, with its column names."""
    if hit.fields:
        return ["; ".join(f"{k}: {v}" for k, v in hit.fields.items() if v)]
    return [s for s in sentences(hit.text) if s.strip()]


def fill(
    slot: Slot,
    hits: list[Hit],
    question: str,
    common: Common,
    naming: Set[str] = frozenset(),
    named: Set[str] = frozenset(),
) -> Filling | None:
    """The first sentence of the hits (in rank order) that fills the slot, or None. `naming` are the
    stemmed words that could name a solicitation: its documents need not repeat them; `named` are
    those that did name it (the scope's terms)."""
    echoed = {_norm(v) for v in values(slot.kind, question, lambda w: False)} | {
        _norm(m.group(0)) for m in _COUNT_RE.finditer(question)
    }
    stated = asked_numbers(question)
    context = slot.context - naming
    # The solicitation's own name does not say what is asked of it ("the BPA's total ceiling value").
    head = slot.head - named or slot.head
    proper = _proper(slot)  # who or what a count is of, by name, when no solicitation is named
    subjects = _subject_words(question, slot.context)  # what a code or a row must be about
    ruled: Filling | None = None
    for hit in hits:
        where = f"{hit.title} {hit.section}"
        text = f"{where} {hit.text} {' '.join(hit.fields)}"
        if not all(p.search(text) for p in stated):
            continue
        heading = _words(where)
        # A table row whose title column the question names (the exact title tier found it): its
        # code columns are the codes of that title, whatever the columns are called ("MAPS TO OMB
        # SOC" for "which occupation code").
        if hit.fields and not _row_names_subject(question, hit, slot.context - slot.head, subjects):
            continue  # "a Quantum Computing Engineer" is not the row of "Engineer"
        named_row = (
            slot.kind == "code"
            and bool(hit.fields)
            and "titles" in hit.matched
            and any(_says(question, cell) for cell in hit.fields.values() if re.search(r"[A-Za-z]{3}", cell))
            and _of_system(question, slot, hit)
        )
        for sentence in units(hit):
            if sentence.rstrip().endswith("?") or instruction_like(sentence):
                continue  # a question asked in a passage states nothing; an instruction is not data
            words = _words(sentence) | heading
            if named_row:
                new = [v for v in values(slot.kind, sentence, common) if _norm(v) and _norm(v) not in echoed]
                if new:
                    return Filling(hit, sentence, new[0])
                continue
            if head:  # the asked-for thing is named in the sentence ("quotes", "NAICS")
                if len(head & words) < _needed(len(head)) or (head & _STATISTICS) - words:
                    continue  # and an average is stated as one, not by the rows it would come from
                if any(re.search(r"\d", w) and re.search(r"[a-z]", w) for w in head - words):
                    continue  # an identifier in the head ("GS-15 employees") is there, not half of it
                if slot.kind == "name" and not _name_noun(slot) & words and not _name_noun(slot) & named:
                    continue  # "Raft's project manager": a sentence about projects names no manager
                if slot.kind == "name" and context and not context & words:
                    # Any capitalized word reads as a name: "which contractor operates the legacy
                    # system" is not answered by "the contractor must designate a Facilitator".
                    continue
            elif len(context & words) * 2 < len(context):
                # Without a head noun ("when was it awarded") the clause's words are all there
                # is to say what the value is of: half of them in the sentence.
                continue
            unsaid = UNCERTAIN if slot.past else CONDITION  # "was Raft paid": not "will pay up to"
            if slot.event and not (slot.event & words and not unsaid.search(sentence)):
                continue  # a value, but not of the event asked about, or of one that may happen
            if slot.kind == "code" and not named and not hit.fields and not _mentions(subjects, sentence):
                # a question naming no solicitation: the catalogue line "OPM federal occupational
                # series, ... (2210 = IT Management)" is not the series of astronauts
                continue
            if slot.kind == "count" and not named and not hit.fields and proper and not proper & words:
                continue  # "how many employees does Raft have": a sentence about Raft's
            if slot.kind == "count" and head:
                found = counts_of(sentence, head)
            elif slot.kind == "code" and head & _words(sentence):
                found = codes_of(sentence, head)  # not when the heading names the code system
            else:
                found = values(slot.kind, sentence, common)
            for value in found:
                if slot.kind == "code" and FAR_RE.fullmatch(value) and not head & _CLAUSE_HEADS:
                    continue  # "19.810" is a FAR section, not a NAICS code or a series
                if _norm(value) and _norm(value) not in echoed:
                    if slot.kind == "name" and RULE.search(sentence):
                        # "The Contractor shall deliver ... Government": a name in a rule is a
                        # last resort; a plain statement further down ("CONTRACTOR: TISTA") is the answer
                        ruled = ruled or Filling(hit, sentence, value)
                        break
                    return Filling(hit, sentence, value)
    return ruled


def _mentions(subjects: list[re.Pattern[str]], text: str) -> bool:
    """Whether the text says one of the question's subject words (or the question has none)."""
    return not subjects or any(p.search(text) for p in subjects)


_CLAUSE_HEADS = frozenset(content_words("clause section provision far dfars gsar part subpart paragraph"))


def _of_system(question: str, slot: Slot, hit: Hit) -> bool:
    """Whether a table row is of the code system the question names in capitals ("OPM series",
    "SOC code"): its file, title, section or column names say it. A SOC row titled "Data
    Scientists" does not give the OPM series of data scientists."""
    head = set(slot.head_text.split())
    systems = {w.lower() for w in re.findall(r"\b[A-Z]{2,}\b", question) if w.lower() in head}
    where = " ".join([*(hit.fields or {}), hit.path, hit.title, hit.section]).lower()
    return not systems or any(re.search(rf"(?<![a-z]){s}(?![a-z])", where) for s in systems)


def _name_noun(slot: Slot) -> set[str]:
    """The words of a name slot's head that say what kind of name it is: its last word ("project
    *manager*") and any name head noun before it ("*incumbent* contractor")."""
    words = slot.head_text.split()
    return _words(" ".join(w for i, w in enumerate(words) if i == len(words) - 1 or _NAME_HEAD.fullmatch(w)))


_NAME_HEAD = re.compile(_NAME_HEADS)
_PREPOSITION_END = frozenset("under to in into with as of for on at from".split())


def _subject_words(question: str, context: Set[str]) -> list[re.Pattern[str]]:
    """What the question is about, as the last word of each of its phrases ("which SOC code covers
    social media *influencers*", "used for computer *engineers* in the federal *workforce*"); a
    verb with its particle at the end is passed over ("do fundraisers fall under"). Each is a
    pattern for a word that starts with it ("engineer": "Engineering"), not a stem: "influencers"
    and "influence" share one."""
    tokens = re.findall(r"[A-Za-z][\w'-]*", question)
    if tokens and tokens[-1].lower() in _PREPOSITION_END:
        tokens = tokens[:-2]
    elif tokens and re.search(r"(?i)\b(?:do|does|did)\b", question) and tokens[-1].islower():
        tokens = tokens[:-1]  # "what NAICS code does the sample *list*": the verb
    out, phrase = [], []
    for token in [*tokens, "of"]:
        if token.lower() not in _PREPOSITION_END:
            phrase.append(token)
            continue
        last = next((t for t in reversed(phrase) if _words(t) & context), None)
        if last is not None:
            base = re.sub(r"e?s$", "", last.lower()) if len(last) > 4 else last.lower()
            # after a hyphen too: a code and its title are often one cell ("1102-CONTRACTING")
            out.append(re.compile(rf"(?<![A-Za-z0-9]){re.escape(base)}", re.IGNORECASE))
        phrase = []
    return out


def _row_names_subject(question: str, hit: Hit, context: Set[str], subjects: list[re.Pattern[str]]) -> bool:
    """Whether a table row is about what the question names: each question word found in the row's
    cells comes with the other words of the title the question writes it in ("Quantum Computing
    Engineer", "Chief Blockchain Officer": a run of capitalized words). A row of "Engineer" does
    not give the rate of a Quantum Computing Engineer, nor a Chief Scientist's that of a Chief
    Blockchain Officer. And when the question's
    `context` says more than the table's title and section do, a cell says some of it: the row of a
    Survey Pilot does not give an engineer's rate."""
    fields = hit.fields or {}
    cells = _words(" ".join(fields.values()))
    heading = _words(f"{hit.title} {hit.section}")
    row = cells | _words(" ".join(fields)) | heading
    if context - row and not context & cells:
        return False
    titles = []
    for m in re.finditer(r"[A-Z][\w'-]*(?:\s+[A-Z][\w'-]*)+", question):
        words = [w for w in m.group(0).split() if w.lower() not in STOPWORDS]
        if len(words) >= 2 and not all(w.isupper() for w in words):  # not "GSA CALC": acronyms
            titles.append(_words(" ".join(words)))
    touched = [t for t in titles if t & cells]
    # only a title's capitalized words qualify each other: "OASIS labor category group" is not one
    if titles and not touched:
        return False  # the question names a title the row has no word of ("Fallers" for architects)
    if not titles:  # a subject in lower case: the row says its noun, not only the words before it
        text = " ".join([*fields.values(), *fields, hit.title, hit.section])
        if not _mentions(subjects, text):
            return False  # "social media influencers" is not the row of a PR specialist
    return all(t <= row for t in touched)


def _says(question: str, phrase: str) -> bool:
    """Whether the question writes the phrase itself (a row's title, "Cost Estimator"), not only a
    word of the same stem ("order" is not "Orderlies")."""
    return (
        re.search(rf"(?<![\w-]){re.escape(phrase.strip())}s?(?![\w-])", question, re.IGNORECASE) is not None
    )


def _needed(n: int) -> int:
    """How many of a head's `n` words the sentence must hold: half of a short head ("past
    performance references"), all but a third of a long one: "per diem lodging rate" is not named
    by a sentence with only "rate" and "GSA"."""
    return (n + 1) // 2 if n <= 3 else n - n // 3


def _words(text: str) -> set[str]:
    """Content words, also of each part of a hyphenated or slashed word ("0854-COMPUTER")."""
    return content_words(text) | content_words(re.sub(r"[-/]", " ", text))


def lower_case_words(texts: list[str]) -> set[str]:
    """Every word the texts write in lower case (for telling names from common nouns), outside web
    and e-mail addresses: "kit.lee@gsa.gov" does not make "Lee" a common noun."""
    return {w for t in texts for w in re.findall(r"\b[a-z][a-z&'-]+\b", without_addresses(t))}


_ADDRESS = re.compile(r"\S+@\S+|(?:https?://|www\.)\S+")


def without_addresses(text: str) -> str:
    return _ADDRESS.sub(" ", text)
