"""Which solicitation a question names, and which retrieved passages belong to it.

A question that names one solicitation (its number, its agency or program, its title: "the cloud.gov
support services RFQ1349024", "the TDRS RFQ") is answered from that solicitation's documents and
from general references (the FAR, the code tables), never from a sibling solicitation that happens to
state what was asked (another RFQ's NAICS code, another task order's price).

How it is decided, from the corpus rather than from a list of names:

- The question's **naming terms** are the words a reader would use to name a solicitation: numbers
  with letters and digits ("RFQ1349024", "ID09160019", "TCTOA-18-0015"), acronyms ("TDRS", "VA"),
  names with inner capitals or dots ("FedRAMP", "cloud.gov") and capitalized words inside the
  sentence ("Caseflow", "Raft").
- Each term is looked up in the index (one sparse query) and matched as a word in each document's
  text, file name and folder. A term that only a few folders' documents mention names those folders
  strongly; one that many folders mention ("RFQ") names little, and one that a general reference
  uses ("GSA", "NAICS", "Architect") names no solicitation.
- The unit a question names is a folder (a solicitation's files sit together: a pricing sheet does
  not repeat the RFQ's title), or a single document in a folder whose documents carry several
  solicitation numbers (a folder of Q&A files for several RFQs); within a solicitation, a question
  names one of its documents by the words of its file name (`documents_named`: "the pricing sheet").
  A unit's score is the sum, over the terms it holds, of the term's weight (1 / the number of
  folders that mention it), counted whole when the term is in a file or folder name or is a number,
  and half when it is only in the text; a title of several capitalized words ("the Development,
  Design, and Research BPA") counts whole in the text too: each of its words is common, the phrase
  is not.
- The question names a solicitation when the best unit scores `NAMED`, or when it states a number
  that the documents hold (a solicitation number names whatever mentions it). The named units are
  those scoring at least `SHARE` of the best; a document in a named folder whose own solicitation
  number is one no named document has is not named.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import PurePath

from core.identifiers import solicitation_numbers
from core.retrieval import Hit, Retriever, SearchResult
from core.sparse import STOPWORDS, stem_word
from core.store import ChunkPayload, Match, Where
from core.words import words

GENERAL_KINDS = frozenset({"far", "codes"})  # references that serve every solicitation
NAMED = 0.5  # a document scoring this much is named by the question
SHARE = 1 / 3  # named documents score at least this share of the best one
CONTENT = 0.5  # a term in a document's text counts half as much as in its name or as its number
LOOKUP = 200  # chunks read per naming term
NAME_SHARE = 1 / 3  # a term is a name when this share of the folders that mention it carry it in their names

_TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9.&/-]*[A-Za-z0-9]|[A-Za-z0-9]")
_SENTENCE_START = re.compile(r"(?:^|[.?!:;]\s+|\n)\W*$")


def naming_terms(question: str) -> list[str]:
    """The words of a question that could name a solicitation, in order, unique."""
    terms: list[str] = list(solicitation_numbers(question))
    for m in _TOKEN.finditer(question):
        word = re.sub(r"(?i)'s$", "", m.group(0)).rstrip(".")
        if not word or not word[0].isalnum():
            continue
        letters = [c for c in word if c.isalpha()]
        if not letters:
            continue
        has_digit = any(c.isdigit() for c in word)
        caps = [c for c in letters if c.isupper()]
        identifier = has_digit and len(word) >= 5  # RFQ1349024, ID09160019, 4QTFHS150004
        acronym = len(caps) == len(letters) >= 2 and not has_digit  # TDRS, VA
        dotted = "." in word and not has_digit  # cloud.gov, Search.gov
        inner_caps = len(caps) >= 2 and word[0].isalpha()  # FedRAMP, TechFAR, SaaS
        if identifier or acronym or dotted or inner_caps:
            terms.append(word)
        elif (
            word[0].isupper() and len(word) >= 3 and not _SENTENCE_START.search(question[: m.start()])
        ):  # Caseflow, Raft: capitalized inside the sentence
            terms.append(word)
    terms += _title_phrases(question)
    return list(dict.fromkeys(terms))


_TITLE = re.compile(r"[A-Z][a-z]+(?:(?:,\s*|\s+)(?:(?:and|of|for|&)\s+)?[A-Z][a-z]+)+")
_JOINER = r"\W+(?:(?:and|of|for|the|&)\W+)*"


def _title_phrases(question: str) -> list[str]:
    """Runs of two or more capitalized words, a title as the question writes it ("the Development,
    Design, and Research BPA", "the Agile Delivery Services BPA"): each of its words is common, the
    phrase is not, so it names the solicitation whose documents write it."""
    out = []
    for m in _TITLE.finditer(question):
        parts = re.findall(r"[A-Za-z]+|&", m.group(0))
        while parts and parts[0].lower() in STOPWORDS:
            parts.pop(0)  # "Which Agile Delivery Services": the question word is no part of it
        if sum(1 for w in parts if w[0].isupper()) >= 2:
            out.append(m.group(0)[m.group(0).index(parts[0]) :])
    return out


_PREFIXED = re.compile(r"(?i)^RF[QPI](\d{5,})$")


def _pattern(term: str) -> re.Pattern[str]:
    """The term as a word: short acronyms keep their case ("VA" is not "va" in "Java"); an RFQ
    number also without its prefix ("RFQ1357535" is "RFQ 1357535" and "{1357535}")."""
    flags = 0 if (term.isupper() and len(term) <= 4) else re.IGNORECASE
    if _TITLE.fullmatch(term):  # a title: its words with any punctuation, "and", "of" between
        body = _JOINER.join(
            re.escape(w) for w in re.findall(r"[A-Za-z]+", term) if w.lower() not in ("and", "of", "for")
        )
        return re.compile(rf"(?<![A-Za-z0-9]){body}(?![A-Za-z0-9])", re.IGNORECASE)
    prefixed = _PREFIXED.match(term)
    body = rf"(?:RF[QPI]\s*[-#:]?\s*(?:No\.?\s*)?)?{prefixed.group(1)}" if prefixed else re.escape(term)
    return re.compile(rf"(?<![A-Za-z0-9]){body}(?![A-Za-z0-9])", flags)


def _query(term: str) -> str:
    prefixed = _PREFIXED.match(term)
    return f"{term} {prefixed.group(1)}" if prefixed else term


def _name_tokens(path: str) -> list[str]:
    """The words of a document's folder and file name ("gsa-tts-cloudgov-support-services-2019")."""
    p = PurePath(path)
    return words(f"{p.parent.name} {p.stem}")


def _in_name(term: str, path: str, title: str) -> bool:
    key = re.sub(r"[^a-z0-9]", "", term.lower())
    if not key:
        return False
    names = _name_tokens(path)
    tokens = names + words(title)
    return key in tokens or (len(key) >= 4 and key in "".join(names))


def _belongs_elsewhere(payload: ChunkPayload, number: str) -> bool:
    """The document is another solicitation's: its own number is known and is not `number`."""
    own = payload.solicitation
    if not own:
        return False
    return _pattern(number).fullmatch(own) is None and _pattern(own).fullmatch(number) is None


def folder(path: str) -> str:
    return str(PurePath(path).parent)


def general(payload: ChunkPayload) -> bool:
    return (payload.doc_kind or "") in GENERAL_KINDS


@dataclass
class Scope:
    """The solicitation a question names: its documents (paths) and folders."""

    terms: list[str]
    documents: set[str]
    folders: set[str]
    numbers: set[str]  # solicitation numbers of the named documents
    scores: dict[str, float] = field(default_factory=dict)

    @property
    def label(self) -> str:
        return ", ".join(self.terms[:4])

    def holds(self, hit: Hit) -> bool:
        """The hit is from the named solicitation or from a general reference."""
        return general(hit.payload) or self.owns(hit)

    def owns(self, hit: Hit) -> bool:
        """The hit is from the named solicitation itself."""
        p = hit.payload
        if p.path in self.documents:
            return True
        if folder(p.path) not in self.folders:
            return False
        return not (p.solicitation and self.numbers and p.solicitation not in self.numbers)


def documents_named(question: str, scope: Scope) -> set[str]:
    """The named solicitation's documents that the question names by their file name ("on the TDRS
    RFQ *pricing sheet*": Pricing_Sheet.xlsx): every word of the name, but those that name the
    solicitation itself, is in the question, and there are at least two. A value asked "on the
    pricing sheet" is one that sheet gives, not one the RFQ's text gives."""
    asked = {stem_word(w) for w in words(question)}
    solicitation = {stem_word(w) for t in scope.terms for w in words(t)}
    named = set()
    for path in scope.documents:
        name = {stem_word(w) for w in words(PurePath(path).stem) if len(w) > 1 and not w.isdigit()}
        own = name - solicitation
        if len(own) >= 2 and own <= asked:
            named.add(path)
    return named


class Scoper:
    def __init__(self, retriever: Retriever):
        self.retriever = retriever

    def __call__(self, question: str, result: SearchResult) -> Scope | None:
        """The solicitation the question names, or None when it names none."""
        terms = naming_terms(question)
        if not terms:
            return None
        # Solicitation numbers and other identifiers (letters and digits) name whatever mentions them.
        numbers = set(solicitation_numbers(question)) | {t for t in terms if re.search(r"\d", t)}
        docs: dict[str, ChunkPayload] = {}  # path -> a payload of the document
        said: dict[str, set[str]] = {t: set() for t in terms}  # term -> paths whose text has it
        for hit in result.hits:
            docs.setdefault(hit.path, hit.payload)
            text = f"{hit.section} {hit.text}"
            for t in terms:
                if _pattern(t).search(text):
                    said[t].add(hit.path)
        for t in terms:
            for payload in self._lookup(t, result):
                docs.setdefault(payload.path, payload)
                said[t].add(payload.path)
        # A solicitation number in the text of a document that is another solicitation's (a catalogue
        # of sources, a reference to an earlier contract) refers to it; it does not name the document.
        for t in numbers:
            if t in said:
                said[t] = {p for p in said[t] if not _belongs_elsewhere(docs[p], t)}
        # So does a title there, when the question gives the solicitation's number too.
        for t in terms:
            if _TITLE.fullmatch(t) and numbers:
                said[t] = {p for p in said[t] if not all(_belongs_elsewhere(docs[p], n) for n in numbers)}
        named_by = {t: {p for p, d in docs.items() if _in_name(t, p, d.title)} for t in terms}
        # A folder whose documents belong to several solicitations (Q&A files of several RFQs) is
        # no unit: each of its documents stands alone.
        numbers_in: dict[str, set[str]] = {}
        for p, d in docs.items():
            if d.solicitation:
                numbers_in.setdefault(folder(p), set()).add(d.solicitation)

        def unit(path: str) -> str:
            f = folder(path)
            return path if len(numbers_in.get(f, ())) > 1 else f

        in_folder: dict[str, int] = {}  # documents seen per folder
        for p in docs:
            in_folder[folder(p)] = in_folder.get(folder(p), 0) + 1
        weights: dict[str, float] = {}
        strength: dict[str, dict[str, float]] = {}  # term -> unit -> 1 (its name or number) or 0.5
        for t in terms:
            paths = said[t] | named_by[t]
            if not paths or any(general(docs[p]) for p in paths):
                weights[t] = 0.0  # a term the FAR or a code table uses names no solicitation
                continue
            # A term that is mostly a name ("cloud.gov": at least a third of the folders that
            # mention it carry it in their file or folder names) names those, and documents that
            # only mention it (a catalogue of sources, a sibling's text) do not make it common. A
            # term that is mostly a topic ("FedRAMP": eight folders, one named for it) names little.
            mentioning = {folder(p) for p in paths}
            # (not a number, which names what mentions it anyway; not two letters: "qa" in file
            # names is a document type as often as "VA" is an agency)
            short = len(re.sub(r"[^A-Za-z0-9]", "", t)) < 3
            naming = {folder(p) for p in named_by[t]} if t not in numbers and not short else set()
            name_like = bool(naming) and NAME_SHARE * len(mentioning) <= len(naming)
            weights[t] = 1.0 / len(naming if name_like else mentioning)
            # A number, or a title of several words, names the document that writes it.
            title = _TITLE.fullmatch(t) is not None
            full = named_by[t] | (said[t] if t in numbers or title else set())
            strength[t] = {}
            for p in named_by[t] if name_like else paths:
                u = unit(p)
                if title and 2 * sum(folder(q) == u for q in paths) < in_folder.get(u, 0):
                    u = p  # a title most of its folder's documents do not write names a document
                strength[t][u] = max(strength[t].get(u, 0.0), 1.0 if p in full else CONTENT)
        scores: dict[str, float] = {}
        for t, by_unit in strength.items():
            for u, s in by_unit.items():
                scores[u] = scores.get(u, 0.0) + weights[t] * s
        best = max(scores.values(), default=0.0)
        if best < NAMED and not any(t in strength for t in numbers):  # a number always names
            return None
        units = {u for u, s in scores.items() if s >= SHARE * best}
        named = {p for p in docs if unit(p) in units or p in units}
        owned_numbers = {n for p in named if (n := docs[p].solicitation)}
        used = [t for t in terms if t in strength and any(u in units for u in strength[t])]
        used.sort(key=lambda t: -weights[t])
        return Scope(used, named, {u for u in units if u not in docs}, owned_numbers, scores)

    def _lookup(self, term: str, result: SearchResult) -> Iterable[ChunkPayload]:
        """Payloads of indexed chunks that contain the term as a word."""
        store, sparse = self.retriever.store, self.retriever.sparse
        vector = sparse.encode_query(_query(term))
        if not vector.indices:
            return []
        pattern = _pattern(term)
        where = result.where or Where.of(Match("state", "live"))
        found = []
        for name in result.collections:
            for stored in store.search_sparse(name, vector, where, LOOKUP):
                chunk = stored.chunk
                if pattern.search(f"{chunk.section} {chunk.text}"):
                    found.append(chunk)
        return found
