"""The labor categories a solicitation asks for.

Found where solicitations name them:
- numbered categories ("Category 7 - Backend Web Developer");
- table columns and spreadsheet records headed "Labor Category", "Position", "Role" or "Title";
- list items under a lead-in about the team ("... a multi-disciplinary team including:"), where the
  item is a role ("Product Managers", "a. front-end engineers"); a list item with sub-items of the
  same role ("Engineers" over "front-end engineers", "back-end engineers") stands for its sub-items;
- key roles named in a sentence ("fill these three roles: Facilitator, Technical Lead, and Design Lead").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from core.documents.model import ParsedDocument
from core.documents.text import split_sentences
from core.identifiers import normalize_title
from proposal.units import walk

ROLE_NOUNS = (
    "manager",
    "engineer",
    "developer",
    "designer",
    "architect",
    "analyst",
    "tester",
    "specialist",
    "scientist",
    "researcher",
    "strategist",
    "coach",
    "writer",
    "administrator",
    "lead",
    "consultant",
    "programmer",
    "technician",
    "owner",
    "master",
    "facilitator",
    "expert",
    "director",
    "coordinator",
    "editor",
    "advisor",
    "officer",
    "trainer",
    "steward",
    "accountant",
    "auditor",
    "clerk",
    "assistant",
    "leader",
    "principal",
)
ROLE_END = re.compile(r"\b(" + "|".join(ROLE_NOUNS) + r")s?\b\s*$", re.IGNORECASE)
CATEGORY = re.compile(
    r"\bCategory\s+\d{1,2}\s*[-–:]\s*(?P<title>[A-Z][\w/&,’' -]{2,80}?)(?=\s+Category\s+\d{1,2}\s*[-–:]|\s*$|\s*[.;|])"
)
TEAM_LEAD = re.compile(
    r"\b(team|personnel|staff(?:ing)?|labor categor\w*|positions?|roles?|disciplines?|"
    r"skill ?sets?)\b[^.]*(?::\s*$|\bthe following\b|\bincluding\b\s*:?\s*$)",
    re.IGNORECASE,
)
ROLES_SENTENCE = re.compile(
    r"\broles?\s*(?:of|:)\s*(?P<list>[A-Z][\w -]{2,40}(?:,\s*(?:and\s+)?[A-Z][\w -]{2,40})*(?:,?\s+and\s+[A-Z][\w -]{2,40}))"
)
# A column of roles: "Labor Category", "Position", "Role", "Job Title"; not "Position Sensitivity" (a table
# of background-investigation tiers).
TITLE_FIELD = re.compile(
    r"labor categor|\blcat\b|^(?:positions?|roles?|job titles?|titles?|position titles?)$|"
    r"service proposed",
    re.IGNORECASE,
)
GOVERNMENT_ROLES = re.compile(
    r"contracting officer|contract specialist|\bCOR\b|program manager \(PM\)|product owner|"
    r"government",
    re.IGNORECASE,
)
MARKER = re.compile(r"^\s*(?:\(?[A-Za-z0-9]{1,3}[.)]|[•▪◦●■○\-*–])\s*")


@dataclass
class LaborCategory:
    title: str
    source: str
    page: int | None
    section: str
    evidence: str  # the text it was read from
    context: str = ""  # what the solicitation says the role does, and what the work is

    @property
    def key(self) -> str:
        return normalize_title(
            re.sub(r"\b(front|back)[\s-]+end\b", r"\1end", self.title, flags=re.IGNORECASE)
        )


def singular(title: str) -> str:
    """'Product Managers' -> 'Product Manager', 'front-end engineers' -> 'Front-End Engineer'."""
    words = title.split()
    if words and re.fullmatch(r"(" + "|".join(ROLE_NOUNS) + r")s", words[-1], re.IGNORECASE):
        words[-1] = words[-1][:-1]
    out = " ".join(words)
    if out.islower():
        out = re.sub(r"(^|[\s/-])([a-z])", lambda m: m.group(1) + m.group(2).upper(), out)
    return out


def clean(text: str) -> str:
    text = MARKER.sub("", text).strip().rstrip(":;,.").strip()
    return " ".join(text.split())


def alternatives(title: str) -> list[str]:
    """The names a category goes by: 'Interaction Designer/User Researcher/Usability Tester' is three,
    'Testing/Quality Assurance (QA) Software Tester' is 'Quality Assurance Software Tester'."""
    plain = re.sub(r"\s*\([^)]*\)", "", title).strip()
    parts = [p.strip() for p in re.split(r"\s*/\s*", plain) if p.strip()]
    if len(parts) > 1 and not ROLE_END.search(parts[0]):  # "Testing/Quality Assurance Software Tester"
        parts = [" ".join(parts[1:])] if ROLE_END.search(parts[-1]) else parts
    return list(dict.fromkeys([plain, *parts]))


def find_labor_categories(doc: ParsedDocument, source: str | None = None) -> list[LaborCategory]:
    source = source or doc.path
    found: list[LaborCategory] = []

    def add(title: str, page, section: str, evidence: str) -> None:
        title = singular(clean(title))
        if (
            not title
            or len(title) > 80
            or GOVERNMENT_ROLES.search(title)
            or not re.search(r"[A-Za-z]{3}", title)
        ):
            return
        found.append(LaborCategory(title, source, page, section, evidence[:300]))

    for block in doc.blocks:
        for key, value in (block.fields or {}).items():
            if (
                TITLE_FIELD.search(key)
                and value
                and len(value.split()) <= 10
                and not value.replace(".", "").isdigit()
            ):
                add(value, block.page, " > ".join(block.section[-2:]), block.text)
    pending: list[
        tuple[str, str, object, str]
    ] = []  # list items under a team lead-in: (marker, text, page, section)
    in_team = False
    for unit in walk(doc):
        for m in CATEGORY.finditer(unit.text):
            add(m.group("title"), unit.page, unit.section, unit.text)
        for m in ROLES_SENTENCE.finditer(unit.text):
            for name in re.split(r",\s*(?:and\s+)?|\s+and\s+", m.group("list")):
                if ROLE_END.search(name.strip()) or len(name.split()) <= 3:
                    add(name, unit.page, unit.section, unit.text)
        if unit.kind == "item" and in_team:
            text = clean(unit.text)
            if ROLE_END.search(text) and len(text.split()) <= 8:
                pending.append((unit.marker, text, unit.page, unit.section))
            continue
        if pending:
            _flush(pending, add)
            pending = []
        in_team = bool(TEAM_LEAD.search(unit.text)) and unit.kind != "item"
    if pending:
        _flush(pending, add)
    unique: dict[str, LaborCategory] = {}
    for category in found:
        unique.setdefault(category.key, category)
    sentences = [s for b in doc.blocks if b.kind in ("text", "heading") for s in split_sentences(b.text)]
    scope = _scope(doc)
    for category in unique.values():
        category.context = " ".join(" ".join([*_duties(category.title, sentences), scope]).split()[:90])
    return list(unique.values())


DUTY = re.compile(
    r"\b(support|services?|responsib\w*|duties|perform\w*|provide\w*|shall|will)\b", re.IGNORECASE
)
SCOPE_HEADING = re.compile(r"\b(scope|background|purpose|objectives?|overview|introduction)\b", re.IGNORECASE)


def _duties(title: str, sentences: list[str], limit: int = 2) -> list[str]:
    """The sentences that say what the role does ("The Contractor shall provide front-end engineering
    support requiring ..."): they name the role (its words, the role noun as a stem) and a duty."""
    plain = alternatives(title)[-1]
    m = ROLE_END.search(plain)
    modifiers = normalize_title(plain[: m.start()]) if m else normalize_title(plain)
    role = normalize_title(m.group(1))[:4] if m else ""
    if not modifiers:
        return []
    pattern = re.compile(rf"\b{re.escape(modifiers)}(?: \w+)? {role}")
    found = [
        s
        for s in sentences
        if len(s.split()) > 6 and len(CATEGORY.findall(s)) < 2 and pattern.search(normalize_title(s))
    ]
    found.sort(
        key=lambda s: (
            not re.search(rf"{re.escape(modifiers)}\w* \w* ?(support|servic)", normalize_title(s)),
            not DUTY.search(s),
            len(s),
        )
    )
    return list(dict.fromkeys(found))[:limit]


def _scope(doc: ParsedDocument, words: int = 30) -> str:
    """The first sentence under a scope/background heading: what kind of work the solicitation buys."""
    for block in doc.blocks:
        if (
            block.kind == "text"
            and block.section
            and SCOPE_HEADING.search(block.section[-1])
            and len(block.text.split()) > 8
        ):
            return " ".join(split_sentences(block.text)[0].split()[:words])
    return doc.title


def _flush(items: list[tuple[str, str, object, str]], add) -> None:
    """Add the items of one team list; an item followed by sub-items of the same role stands for them."""

    def style(marker: str) -> str:
        return "digit" if marker.strip("().").isdigit() else "letter"

    for i, (marker, text, page, section) in enumerate(items):
        nxt = items[i + 1] if i + 1 < len(items) else None
        if nxt and style(nxt[0]) != style(marker):
            noun = ROLE_END.search(text)
            sub_noun = ROLE_END.search(nxt[1])
            if noun and sub_noun and noun.group(1).lower() == sub_noun.group(1).lower():
                continue
        add(text, page, section, text)
